import { Type } from 'typebox'
import { ForceCode, PageQuery } from '../../schemas/common.ts'
import { FrameworkKey, Grade, QuestionRef } from '../frameworks/frameworks.schemas.ts'

export const PracticeExampleSchema = Type.Object(
  {
    id: Type.String({ description: 'The framework and the example\'s place in the compendium.', examples: ['peel-2023-007'] }),
    framework: FrameworkKey,
    questionRef: QuestionRef,
    area: Type.String({ description: 'The practice area as the compendium heads it.' }),
    force: Type.Union([ForceCode, Type.Null()], { description: 'null where the compendium names no force.' }),
    grade: Type.Union([Grade, Type.Null()], { description: "The force's grade printed beside the example; null where none is printed." }),
    gradeAsPrinted: Type.Union([Type.String(), Type.Null()]),
    innovative: Type.Union([Type.Boolean(), Type.Null()], {
      description: 'Whether the compendium counts it as innovative practice; null where it cannot be told.'
    }),
    objective: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Union([Type.String(), Type.Null()]),
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
    area: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text the area title contains (any case).' })),
    grade: Type.Optional(Type.Array(Grade, { description: 'Only examples from forces printed with these grades.' })),
    innovative: Type.Optional(Type.Boolean()),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
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
    area: Type.String(),
    summary: Type.String({ description: "The compendium's introduction to the area." }),
    statedInnovativeCount: Type.Union([Type.Integer(), Type.Null()], { description: 'How many examples the introduction says it found.' }),
    examples: Type.Integer({ description: 'How many examples the catalogue holds for the area.' })
  },
  { $id: 'PracticeArea' }
)
