import { type Static, type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import type { Executor } from '../../db/database.ts'
import * as forces from '../forces/forces.repository.ts'
import * as crosswalk from '../crosswalk/crosswalk.repository.ts'
import * as frameworks from '../frameworks/frameworks.repository.ts'
import * as gradings from '../gradings/gradings.repository.ts'
import * as practice from '../practice/practice.repository.ts'
import type { ReferenceSet } from './reference-loader.ts'
import { MAX_LENGTH, REFERENCE } from '../../schemas/limits.ts'
import { Period } from '../frameworks/frameworks.schemas.ts'

/*
 * The files are held to the sizes the API's responses promise (REFERENCE in schemas/limits.ts):
 * a longer text or list stops the start here rather than break the contract.
 */
const text = (max: number) => Type.String({ minLength: 1, maxLength: max })
const list = <T extends TSchema>(item: T, options: { minItems?: number; maxItems?: number } = {}) =>
  Type.Array(item, { maxItems: REFERENCE.listItems, ...options })

const ForcesFile = Type.Object({
  forces: Type.Array(
    Type.Object({
      code: Type.String({ pattern: '^[a-z]+(-[a-z]+)*$', maxLength: MAX_LENGTH.forceCode }),
      name: text(REFERENCE.name),
      country: Type.Union([Type.Literal('england'), Type.Literal('wales')])
    }),
    { minItems: 1 }
  )
})

const Grade = Type.Enum(['outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate'])
const Ref = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: MAX_LENGTH.questionRef })

const FrameworkFile = Type.Object({
  key: Type.String({ pattern: '^peel-[0-9]{4}$' }),
  title: text(REFERENCE.title),
  period: Period,
  gradingScale: Type.Array(Grade, { minItems: 1 }),
  source: text(REFERENCE.text),
  notes: list(text(REFERENCE.text)),
  questions: Type.Array(
    Type.Object({
      ref: Ref,
      parentRef: Type.Union([Ref, Type.Null()]),
      title: text(REFERENCE.title),
      graded: Type.Boolean(),
      pillar: Type.Optional(Type.Enum(['effectiveness', 'efficiency', 'legitimacy'])),
      note: Type.Optional(text(REFERENCE.text)),
      criteria: list(
        Type.Object({
          kind: Type.Enum(['grade_descriptor', 'characteristics_of_good']),
          grade: Type.Union([Grade, Type.Null()]),
          items: list(text(REFERENCE.text), { minItems: 1 })
        })
      )
    }),
    { minItems: 1, maxItems: REFERENCE.questions }
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
const ForceRef = Type.String({ pattern: '^[a-z]+(-[a-z]+)*$', maxLength: MAX_LENGTH.forceCode })

const GradingsFile = Type.Object({
  framework: Type.String(),
  areas: list(Type.Object({ questionRef: Ref, area: text(REFERENCE.title) }), { minItems: 1 }),
  forces: Type.Array(
    Type.Object({ force: ForceRef, nameAsPrinted: text(REFERENCE.name), grades: Type.Record(Type.String(), Assessment) }),
    { minItems: 1 }
  )
})

const Text = Type.Union([text(REFERENCE.text), Type.Null()])
const PracticeFile = Type.Object({
  framework: Type.String(),
  areas: list(
    Type.Object({
      area: text(REFERENCE.title),
      questionRef: Ref,
      summary: text(REFERENCE.text),
      statedInnovativeCount: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])
    })
  ),
  examples: Type.Array(
    Type.Object({
      force: Type.Union([ForceRef, Type.Null()]),
      area: text(REFERENCE.title),
      questionRef: Ref,
      gradeAsPrinted: Type.Union([text(REFERENCE.title), Type.Null()]),
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
      rationale: text(REFERENCE.text)
    }),
    { minItems: 1 }
  ),
  unmatched: Type.Array(Type.Object({ framework: Type.String(), ref: Ref, reason: text(REFERENCE.text) }))
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
