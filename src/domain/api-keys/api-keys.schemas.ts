import { Type } from 'typebox'
import { ROLES } from '../access/roles.ts'
import { ForceCode, PageQuery, Timestamp, Uuid } from '../../schemas/common.ts'
import { FreeText, MAX_LENGTH } from '../../schemas/limits.ts'

export const RoleSchema = Type.Enum(ROLES, {
  description: 'viewer reads; contributor writes progress updates; registrar keeps the register; approver is the board; admin manages keys.'
})

const ExpiresAt = Type.Union([Timestamp, Type.Null()], {
  description: 'When the key stops working, in the future; null or absent: it does not expire.',
  examples: ['2027-03-31T23:59:59Z']
})

export const ApiKeySchema = Type.Object(
  {
    id: Uuid,
    name: FreeText(MAX_LENGTH.name, { minLength: 1 }),
    role: RoleSchema,
    force: Type.Union([ForceCode, Type.Null()], { description: 'The force whose data the key sees; null for a national key.' }),
    prefix: Type.String({
      pattern: '^[!-~]{10}$',
      maxLength: 10,
      description: 'The first characters of the key, to recognise it; never the whole key.',
      examples: ['prk_3kQ9xZ']
    }),
    createdAt: Timestamp,
    createdBy: Type.Union([Uuid, Type.Null()], { description: 'The key that created it; null for the first admin key.' }),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
    expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'When the key stops working (401); null: it does not expire.' }),
    rotatedAt: Type.Union([Timestamp, Type.Null()], { description: 'When its secret was last replaced; null: never rotated.' })
  },
  { $id: 'ApiKey', description: 'An API key, without its secret.' }
)

export const CreatedApiKeySchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    key: Type.String({
      pattern: '^prk_[A-Za-z0-9_-]{43}$',
      maxLength: 47,
      description: 'The secret: prk_ and 256 random bits in base64url. Shown this once: store it now, it cannot be retrieved again.'
    })
  },
  { $id: 'CreatedApiKey', description: 'A new API key with its secret.' }
)

export const CreateApiKeyBody = Type.Object(
  {
    name: FreeText(MAX_LENGTH.name, { minLength: 1, description: 'Who or what uses the key.' }),
    role: RoleSchema,
    force: Type.Union([ForceCode, Type.Null()], {
      description: 'The force the key is bound to; null (national, sees every force) only for a national admin to grant.'
    }),
    expiresAt: Type.Optional(ExpiresAt)
  },
  { additionalProperties: false, examples: [{ name: 'Cleveland performance dashboard', role: 'viewer', force: 'cleveland', expiresAt: '2027-03-31T23:59:59Z' }] }
)

export const RotateApiKeyBody = Type.Object(
  {
    expiresAt: Type.Optional(
      Type.Union([Timestamp, Type.Null()], {
        description: 'A new expiry, in the future; null: the key no longer expires. Absent: the key keeps its expiry (an expired key needs a new one).'
      })
    )
  },
  { additionalProperties: false, description: 'What else to change; {} (or no body at all) changes nothing but the secret.', examples: [{ expiresAt: '2027-09-30T23:59:59Z' }] }
)

export const ApiKeyListQuery = Type.Object(
  {
    ...PageQuery.properties,
    force: Type.Optional(ForceCode),
    includeRevoked: Type.Optional(Type.Boolean({ default: false, description: 'Also list revoked keys.' }))
  },
  { additionalProperties: false }
)
