import { type Static, type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import type { Executor } from '../../db/database.ts'
import * as forces from '../forces/forces.repository.ts'
import * as frameworks from '../frameworks/frameworks.repository.ts'
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

const Grade = Type.Enum(['outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate'])
const Ref = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$' })

const FrameworkFile = Type.Object({
  key: Type.String({ pattern: '^peel-[0-9]{4}$' }),
  title: Type.String({ minLength: 1 }),
  period: Type.String({ minLength: 1 }),
  gradingScale: Type.Array(Grade, { minItems: 1 }),
  source: Type.String({ minLength: 1 }),
  notes: Type.Array(Type.String()),
  questions: Type.Array(
    Type.Object({
      ref: Ref,
      parentRef: Type.Union([Ref, Type.Null()]),
      title: Type.String({ minLength: 1 }),
      graded: Type.Boolean(),
      pillar: Type.Optional(Type.Enum(['effectiveness', 'efficiency', 'legitimacy'])),
      note: Type.Optional(Type.String()),
      criteria: Type.Array(
        Type.Object({
          kind: Type.Enum(['grade_descriptor', 'characteristics_of_good']),
          grade: Type.Union([Grade, Type.Null()]),
          items: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })
        })
      )
    }),
    { minItems: 1 }
  )
})

/** Refs unique, and every parent listed before its children: the tree the API serves is whole. */
function checkTree(file: Static<typeof FrameworkFile>, name: string): void {
  const seen = new Set<string>()
  for (const q of file.questions) {
    if (seen.has(q.ref)) throw new Error(`reference/${name}: question ${q.ref} appears twice`)
    if (q.parentRef !== null && !seen.has(q.parentRef)) {
      throw new Error(`reference/${name}: question ${q.ref} names parent ${q.parentRef}, which is not listed before it`)
    }
    seen.add(q.ref)
  }
}

function frameworkSet(key: string): ReferenceSet {
  const file = `frameworks/${key}.json`
  return {
    name: `framework:${key}`,
    file,
    async apply(trx: Executor, data: unknown) {
      const parsed = parse(FrameworkFile, data, file)
      if (parsed.key !== key) throw new Error(`reference/${file} holds framework ${parsed.key}`)
      checkTree(parsed, file)
      await frameworks.replaceFramework(trx, parsed)
    }
  }
}

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
  },
  ...['peel-2018', 'peel-2021', 'peel-2023', 'peel-2025'].map(frameworkSet)
]
