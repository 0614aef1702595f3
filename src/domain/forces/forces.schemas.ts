import { type Static, Type } from 'typebox'
import { ForceCode, PageQuery } from '../../schemas/common.ts'
import { FreeText, REFERENCE } from '../../schemas/limits.ts'

export const ForceSchema = Type.Object(
  {
    code: ForceCode,
    name: FreeText(REFERENCE.name, { description: 'The name the force goes by.', examples: ['Cleveland Police'] }),
    country: Type.Enum(['england', 'wales'])
  },
  { $id: 'Force', description: 'A territorial police force of England and Wales.' }
)
export type ForceView = Static<typeof ForceSchema>

export const ForceListQuery = Type.Object(
  {
    ...PageQuery.properties,
    country: Type.Optional(Type.Enum(['england', 'wales'], { description: 'Only forces of this country.' }))
  },
  { additionalProperties: false }
)
