import { Type } from 'typebox'
import { PageQuery, ref } from '../../schemas/common.ts'
import { FreeText, MAX_LENGTH, REFERENCE } from '../../schemas/limits.ts'

export const GRADES = ['outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate'] as const
export const Grade = Type.Enum(GRADES, { description: 'A PEEL grade.' })
export const PILLARS = ['effectiveness', 'efficiency', 'legitimacy'] as const

/** A framework's period as it names it: '2021/22', '2023-25'. */
export const Period = Type.String({ pattern: '^[0-9]{4}[/-][0-9]{2}$', maxLength: REFERENCE.period, examples: ['2021/22'] })

export const FrameworkKey = Type.String({
  pattern: '^peel-[0-9]{4}$',
  maxLength: MAX_LENGTH.frameworkKey,
  description: 'A PEEL framework version: peel-2018, peel-2021, peel-2023 or peel-2025.',
  examples: ['peel-2021']
})
export const QuestionRef = Type.String({
  pattern: '^[0-9]+(\\.[0-9]+)*$',
  maxLength: MAX_LENGTH.questionRef,
  description: "A question's reference within its framework, as the framework numbers it.",
  examples: ['1.3']
})

export const FrameworkSchema = Type.Object(
  {
    key: FrameworkKey,
    title: FreeText(REFERENCE.title),
    period: Period,
    gradingScale: Type.Array(Grade, { maxItems: GRADES.length, description: 'The grades of this version, best first.' }),
    source: FreeText(REFERENCE.text, { description: 'The published document this version is taken from.' }),
    notes: Type.Array(FreeText(REFERENCE.text), { maxItems: REFERENCE.listItems, description: 'What had to be reconstructed from the published text.' })
  },
  { $id: 'Framework', description: 'A version of the PEEL assessment framework.' }
)

const questionProperties = {
  framework: FrameworkKey,
  ref: QuestionRef,
  parentRef: Type.Union([QuestionRef, Type.Null()], { description: 'The question above this one; null at the top level.' }),
  title: FreeText(REFERENCE.title),
  graded: Type.Boolean({ description: 'Whether forces receive a grade on it.' }),
  pillar: Type.Union([Type.Enum(PILLARS), Type.Null()], { description: 'effectiveness, efficiency or legitimacy (2018/19 only).' }),
  note: Type.Union([FreeText(REFERENCE.text), Type.Null()], { description: 'Where the text came from when it is not printed as such.' })
}

export const QuestionSchema = Type.Object(questionProperties, {
  $id: 'FrameworkQuestion',
  description: 'A question (or topic area, or area) of a framework version.'
})

export const CriterionSchema = Type.Object(
  {
    kind: Type.Enum(['grade_descriptor', 'characteristics_of_good'], {
      description: 'grade_descriptor: what a grade looks like (2018/19); characteristics_of_good (2021/22 topic areas).'
    }),
    grade: Type.Union([Grade, Type.Null()]),
    items: Type.Array(FreeText(REFERENCE.text), { maxItems: REFERENCE.listItems, description: 'The statements as published, in order.' })
  },
  { $id: 'Criterion' }
)

export const QuestionDetailSchema = Type.Object(
  { ...questionProperties, criteria: Type.Array(ref(CriterionSchema), { maxItems: REFERENCE.listItems }) },
  { $id: 'FrameworkQuestionDetail', description: 'A question with all its criteria.' }
)

export const QuestionListQuery = Type.Object(
  {
    ...PageQuery.properties,
    parentRef: Type.Optional(
      Type.String({
        pattern: '^([0-9]+(\\.[0-9]+)*|top)$',
        maxLength: MAX_LENGTH.questionRef,
        description: 'Only the questions under this one; `top` for the top level.'
      })
    ),
    graded: Type.Optional(Type.Boolean({ description: 'Only graded (true) or ungraded (false) questions.' }))
  },
  { additionalProperties: false }
)
