import { Type } from 'typebox'
import { ForceCode, PageQuery } from '../../schemas/common.ts'
import { Count, FreeText, MAX_LENGTH, REFERENCE } from '../../schemas/limits.ts'
import { FrameworkKey, GRADES, Grade, QuestionRef } from '../frameworks/frameworks.schemas.ts'

/** A practice example's id: its framework and its place in the compendium. */
export const PRACTICE_EXAMPLE_ID_PATTERN = '^peel-[0-9]{4}-[0-9]{3,}$'

export const PracticeExampleSchema = Type.Object(
  {
    id: Type.String({
      pattern: PRACTICE_EXAMPLE_ID_PATTERN,
      maxLength: 20,
      description: 'The framework and the example\'s place in the compendium.',
      examples: ['peel-2023-007']
    }),
    framework: FrameworkKey,
    questionRef: QuestionRef,
    area: FreeText(REFERENCE.title, { description: 'The practice area as the compendium heads it.' }),
    force: Type.Union([ForceCode, Type.Null()], { description: 'null where the compendium names no force.' }),
    grade: Type.Union([Grade, Type.Null()], { description: "The force's grade printed beside the example; null where none is printed." }),
    gradeAsPrinted: Type.Union([FreeText(REFERENCE.title), Type.Null()]),
    innovative: Type.Union([Type.Boolean(), Type.Null()], {
      description: 'Whether the compendium counts it as innovative practice; null where it cannot be told.'
    }),
    objective: Type.Union([FreeText(REFERENCE.text), Type.Null()]),
    detail: Type.Union([FreeText(REFERENCE.text), Type.Null()]),
    outcome: Type.Union([FreeText(REFERENCE.text), Type.Null()]),
    rank: Type.Optional(Type.Number({ description: 'How well it matches `q` (only when searching); higher is better.' }))
  },
  { $id: 'PracticeExample', description: 'Effective or innovative practice noted in PEEL reports (003).' }
)

export const PracticeListQuery = Type.Object(
  {
    ...PageQuery.properties,
    framework: Type.Optional(FrameworkKey),
    force: Type.Optional(ForceCode),
    questionRef: Type.Optional(QuestionRef),
    area: Type.Optional(FreeText(MAX_LENGTH.name, { minLength: 1, description: 'Text the area title contains (any case).' })),
    grade: Type.Optional(Type.Array(Grade, { maxItems: GRADES.length, description: 'Only examples from forces printed with these grades.' })),
    innovative: Type.Optional(Type.Boolean()),
    q: Type.Optional(
      FreeText(MAX_LENGTH.shortText, {
        minLength: 1,
        description: 'Full-text search over objective, detail, outcome and area: words, "a phrase", -exclude, or. Results come best match first.'
      })
    )
  },
  { additionalProperties: false }
)

export const PracticeAreaSchema = Type.Object(
  {
    framework: FrameworkKey,
    questionRef: QuestionRef,
    area: FreeText(REFERENCE.title),
    summary: FreeText(REFERENCE.text, { description: "The compendium's introduction to the area." }),
    statedInnovativeCount: Type.Union([Count(), Type.Null()], { description: 'How many examples the introduction says it found.' }),
    examples: Count('How many examples the catalogue holds for the area.')
  },
  { $id: 'PracticeArea' }
)
