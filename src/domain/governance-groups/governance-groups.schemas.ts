import { Type } from 'typebox'
import { ForceCode, PageQuery, Timestamp, Uuid, Version } from '../../schemas/common.ts'
import { FreeText, MAX_LENGTH } from '../../schemas/limits.ts'

const name = () => FreeText(MAX_LENGTH.name, { minLength: 1 })

const fields = {
  name: FreeText(MAX_LENGTH.name, { minLength: 1, examples: ['Inspection and Audit Monitoring Board'] }),
  chair: Type.Union([name(), Type.Null()], { examples: ['Deputy Chief Constable'] }),
  meetingFrequency: Type.Union([name(), Type.Null()], { examples: ['Monthly'] })
}

export const GovernanceGroupSchema = Type.Object(
  {
    id: Uuid,
    force: ForceCode,
    ...fields,
    version: Version('Bumped by every change; the ETag is this number in quotes.'),
    createdAt: Timestamp,
    updatedAt: Timestamp
  },
  { $id: 'GovernanceGroup', description: 'A board or group that monitors findings (001 Appendix A).' }
)

export const CreateGovernanceGroupBody = Type.Object(
  {
    force: Type.Optional(ForceCode),
    name: fields.name,
    chair: Type.Optional(fields.chair),
    meetingFrequency: Type.Optional(fields.meetingFrequency)
  },
  {
    additionalProperties: false,
    examples: [
      {
        force: 'cleveland',
        name: 'Vulnerability Delivery and Assurance Group',
        chair: 'Assistant Chief Constable (Protecting Vulnerable People)',
        meetingFrequency: 'Monthly'
      }
    ]
  }
)

export const UpdateGovernanceGroupBody = Type.Object(
  { name: Type.Optional(fields.name), chair: Type.Optional(fields.chair), meetingFrequency: Type.Optional(fields.meetingFrequency) },
  { additionalProperties: false, minProperties: 1, examples: [{ meetingFrequency: 'Fortnightly' }] }
)

export const GovernanceGroupListQuery = Type.Object(
  { ...PageQuery.properties, force: Type.Optional(ForceCode) },
  { additionalProperties: false }
)
