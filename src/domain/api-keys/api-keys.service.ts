import { createHash, randomBytes } from 'node:crypto'
import type { ApiKeyRow, Db } from '../../db/database.ts'
import { LOCKS, advisoryXactLock } from '../../db/locks.ts'
import { conflict, forbidden, invalidField, notFound } from '../../problems.ts'
import { type Principal, type Role, canSeeForce, isNational } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import * as forces from '../forces/forces.repository.ts'
import * as keys from './api-keys.repository.ts'
import { cachedPrincipal, forgetPrincipals, rememberPrincipal } from './key-cache.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'

const KEY_PREFIX = 'prk_'

/** Keys carry 256 random bits, so one SHA-256 is enough: there is nothing to brute-force. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function generateSecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url')
}

/** What may be shown of a key: the first characters identify it without revealing it. */
function displayPrefix(secret: string): string {
  return secret.slice(0, KEY_PREFIX.length + 6)
}

export interface ApiKeyView {
  id: string
  name: string
  role: Role
  force: string | null
  prefix: string
  createdAt: string
  createdBy: string | null
  revokedAt: string | null
}

export function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    force: row.force_code,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at?.toISOString() ?? null
  }
}

export async function authenticate(db: Db, secret: string): Promise<Principal | null> {
  if (!secret.startsWith(KEY_PREFIX) && secret.length < 32) return null
  const hash = hashKey(secret)
  const cached = cachedPrincipal(db, hash)
  if (cached) return cached
  const row = await keys.findActiveByHash(db, hash)
  if (!row) return null
  const principal: Principal = { keyId: row.id, name: row.name, role: row.role as Role, force: row.force_code }
  rememberPrincipal(db, hash, principal)
  return principal
}

export interface CreateKeyInput {
  name: string
  role: Role
  force: string | null
}

export async function createKey(
  db: Db,
  principal: Principal,
  actor: Actor,
  input: CreateKeyInput
): Promise<{ view: ApiKeyView; secret: string }> {
  if (!isNational(principal)) {
    if (input.force === null) throw forbidden('A force admin key cannot create a national key.')
    if (input.force !== principal.force) {
      throw forbidden(`This key manages keys of force ${principal.force} only.`)
    }
  }
  if (input.force !== null && !(await forces.exists(db, input.force))) {
    throw invalidField('body', 'force', `is not a known force code: ${input.force}`)
  }
  const secret = generateSecret()
  return db.transaction().execute(async (trx) => {
    const row = await keys.insert(trx, {
      name: input.name,
      role: input.role,
      force: input.force,
      keyHash: hashKey(secret),
      keyPrefix: displayPrefix(secret),
      createdBy: principal.keyId
    })
    const view = toView(row)
    await recordAudit(trx, actor, { entityType: 'api_key', entityId: row.id, action: 'create', force: row.force_code, after: view })
    return { view, secret }
  })
}

export async function revokeKey(db: Db, principal: Principal, actor: Actor, id: string): Promise<ApiKeyView> {
  const view = await db.transaction().execute(async (trx) => {
    const existing = await keys.findById(trx, id)
    if (!existing || !canSeeForce(principal, existing.force_code)) throw notFound(`No API key ${id}.`)
    if (existing.revoked_at === null && existing.role === 'admin' && existing.force_code === null) {
      await advisoryXactLock(trx, LOCKS.firstAdminKey)
      if ((await keys.countActiveNationalAdmins(trx)) <= 1) {
        throw conflict('This is the last national admin key: create another before revoking it, or nobody could manage keys.')
      }
    }
    const revoked = await keys.revoke(trx, id)
    if (!revoked) return toView(existing)
    const view = toView(revoked)
    await recordAudit(trx, actor, {
      entityType: 'api_key',
      entityId: id,
      action: 'revoke',
      force: revoked.force_code,
      before: toView(existing),
      after: view
    })
    return view
  })
  forgetPrincipals(db)
  return view
}

export async function listKeys(
  db: Db,
  principal: Principal,
  query: { force?: string; includeRevoked?: boolean; limit: number; cursor?: string }
): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
  let force: string | null | undefined = query.force
  if (!isNational(principal)) {
    if (force !== undefined && force !== principal.force) {
      throw forbidden(`This key sees keys of force ${principal.force} only.`)
    }
    force = principal.force
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['date', 'string'])
  const rows = await keys.list(db, {
    force,
    includeRevoked: query.includeRevoked ?? false,
    after: after && { createdAt: after[0], id: after[1] },
    limit: query.limit + 1
  })
  return toPage(rows, query.limit, toView, (row) => [row.created_at, row.id])
}

/**
 * First start: with no key at all, adopt ADMIN_API_KEY as the first national admin key, or make
 * one up and hand it back so the caller can show it once. Serialised by an advisory lock so two
 * instances starting together create one key, not two.
 */
export async function ensureFirstAdminKey(db: Db, adminApiKey: string | null): Promise<{ created: boolean; secret: string | null }> {
  return db.transaction().execute(async (trx) => {
    await advisoryXactLock(trx, LOCKS.firstAdminKey)
    if ((await keys.countAll(trx)) > 0) return { created: false, secret: null }
    const secret = adminApiKey ?? generateSecret()
    const row = await keys.insert(trx, {
      name: 'first admin',
      role: 'admin',
      force: null,
      keyHash: hashKey(secret),
      keyPrefix: displayPrefix(secret),
      createdBy: null
    })
    await recordAudit(trx, { keyId: null, requestId: null }, {
      entityType: 'api_key',
      entityId: row.id,
      action: 'create',
      force: null,
      after: toView(row)
    })
    return { created: true, secret: adminApiKey === null ? secret : null }
  })
}
