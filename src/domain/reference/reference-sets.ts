import { type Static, type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import type { Executor } from '../../db/database.ts'
import * as forces from '../forces/forces.repository.ts'
import * as crosswalk from '../crosswalk/crosswalk.repository.ts'
import * as frameworks from '../frameworks/frameworks.repository.ts'
import * as gradings from '../gradings/gradings.repository.ts'
import * as practice from '../practice/practice.repository.ts'
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

const Assessment = Type.Enum(['outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate', 'not_applicable', 'ungraded', 'not_inspected'])
const ForceRef = Type.String({ pattern: '^[a-z]+(-[a-z]+)*$' })

const GradingsFile = Type.Object({
  framework: Type.String(),
  areas: Type.Array(Type.Object({ questionRef: Ref, area: Type.String({ minLength: 1 }) }), { minItems: 1 }),
  forces: Type.Array(
    Type.Object({ force: ForceRef, nameAsPrinted: Type.String({ minLength: 1 }), grades: Type.Record(Type.String(), Assessment) }),
    { minItems: 1 }
  )
})

const Text = Type.Union([Type.String({ minLength: 1 }), Type.Null()])
const PracticeFile = Type.Object({
  framework: Type.String(),
  areas: Type.Array(
    Type.Object({
      area: Type.String({ minLength: 1 }),
      questionRef: Ref,
      summary: Type.String({ minLength: 1 }),
      statedInnovativeCount: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])
    })
  ),
  examples: Type.Array(
    Type.Object({
      force: Type.Union([ForceRef, Type.Null()]),
      area: Type.String({ minLength: 1 }),
      questionRef: Ref,
      gradeAsPrinted: Text,
      grade: Type.Union([Grade, Type.Null()]),
      innovative: Type.Union([Type.Boolean(), Type.Null()]),
      objective: Text,
      detail: Text,
      outcome: Text
    })
  )
})

function checkFramework(name: string, expected: string, actual: string): void {
  if (actual !== expected) throw new Error(`reference/${name} is for framework ${actual}, expected ${expected}`)
}

function gradingsSet(key: string): ReferenceSet {
  const file = `gradings/${key}.json`
  return {
    name: `gradings:${key}`,
    file,
    dependsOn: ['forces.json', `frameworks/${key}.json`],
    async apply(trx: Executor, data: unknown) {
      const parsed = parse(GradingsFile, data, file)
      checkFramework(file, key, parsed.framework)
      const refs = parsed.areas.map((a) => a.questionRef)
      for (const row of parsed.forces) {
        const missing = refs.filter((r) => !(r in row.grades))
        if (missing.length > 0) throw new Error(`reference/${file}: ${row.force} has no cell for ${missing.join(', ')}`)
      }
      await gradings.replaceGradings(trx, parsed)
    }
  }
}

function practiceSet(key: string): ReferenceSet {
  const file = `practice-examples/${key}.json`
  return {
    name: `practice:${key}`,
    file,
    dependsOn: ['forces.json', `frameworks/${key}.json`],
    async apply(trx: Executor, data: unknown) {
      const parsed = parse(PracticeFile, data, file)
      checkFramework(file, key, parsed.framework)
      await practice.replacePractice(trx, parsed)
    }
  }
}

const QuestionKey = Type.Object({ framework: Type.String({ pattern: '^peel-[0-9]{4}$' }), ref: Ref })
const CrosswalkFile = Type.Object({
  links: Type.Array(
    Type.Object({
      from: QuestionKey,
      to: QuestionKey,
      relation: Type.Enum(['same', 'broader', 'narrower', 'overlaps']),
      rationale: Type.String({ minLength: 1 })
    }),
    { minItems: 1 }
  ),
  unmatched: Type.Array(Type.Object({ framework: Type.String(), ref: Ref, reason: Type.String({ minLength: 1 }) }))
})

const FRAMEWORK_ORDER = ['peel-2018', 'peel-2021', 'peel-2023', 'peel-2025']

const crosswalkSet: ReferenceSet = {
  name: 'crosswalk',
  file: 'crosswalk.json',
  dependsOn: FRAMEWORK_ORDER.map((key) => `frameworks/${key}.json`),
  async apply(trx: Executor, data: unknown) {
    const parsed = parse(CrosswalkFile, data, 'crosswalk.json')
    for (const link of parsed.links) {
      const step = FRAMEWORK_ORDER.indexOf(link.to.framework) - FRAMEWORK_ORDER.indexOf(link.from.framework)
      if (step !== 1 || FRAMEWORK_ORDER.indexOf(link.from.framework) < 0) {
        throw new Error(`reference/crosswalk.json: ${link.from.framework} ${link.from.ref} → ${link.to.framework} ${link.to.ref} does not join consecutive versions`)
      }
    }
    await crosswalk.replaceCrosswalk(trx, parsed)
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
  ...FRAMEWORK_ORDER.map(frameworkSet),
  ...['peel-2021', 'peel-2023'].map(gradingsSet),
  ...['peel-2021', 'peel-2023'].map(practiceSet),
  crosswalkSet
]
