import { type Static, type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import type { Executor } from '../../db/database.ts'
import * as forces from '../forces/forces.repository.ts'
import type { ReferenceSet } from './reference-loader.ts'

const ForcesFile = Type.Object({
  forces: Type.Array(
    Type.Object({
      code: Type.String({ pattern: '^[a-z]+(-[a-z]+)*$' }),
      name: Type.String({ minLength: 1 }),
      country: Type.Union([Type.Literal('england'), Type.Literal('wales')])
    }),
    { minItems: 1 }
  )
})

/** A reference file that does not match its shape is a packaging fault: fail the start loudly. */
function parse<T extends TSchema>(schema: T, data: unknown, file: string): Static<T> {
  if (!Value.Check(schema, data)) {
    const first = Value.Errors(schema, data)[0]
    throw new Error(`reference/${file} is malformed at ${first?.instancePath ?? '?'}: ${first?.message ?? 'invalid'}`)
  }
  return data as Static<T>
}

export const referenceSets: ReferenceSet[] = [
  {
    name: 'forces',
    file: 'forces.json',
    async apply(trx: Executor, data: unknown) {
      const file = parse(ForcesFile, data, 'forces.json')
      await forces.upsertAll(trx, file.forces)
    }
  }
]
