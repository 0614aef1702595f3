import { Type } from 'typebox'
import { ForceCode, PageQuery } from '../../schemas/common.ts'
import { FreeText, MAX_LENGTH, REFERENCE } from '../../schemas/limits.ts'
import { FrameworkKey, GRADES, Grade, Period, QuestionRef } from '../frameworks/frameworks.schemas.ts'

export const ASSESSMENTS = ['graded', 'not_applicable', 'ungraded', 'not_inspected'] as const
export const Assessment = Type.Enum(ASSESSMENTS, {
  description:
    'graded when the cell holds a grade; otherwise what the published table shows instead: N/A (not_applicable), Ungraded, or Not inspected.'
})

export const GradingSchema = Type.Object(
  {
    force: ForceCode,
    framework: FrameworkKey,
    questionRef: QuestionRef,
    area: FreeText(REFERENCE.title, { description: "The area's title as the published table heads it." }),
    grade: Type.Union([Grade, Type.Null()], { description: 'The grade; null when the cell holds no grade.' }),
    assessment: Assessment,
    forceNameAsPrinted: FreeText(REFERENCE.name, { description: 'The force as the table names it.' })
  },
  { $id: 'Grading', description: "A force's published grade in one area of one framework version." }
)

export const GradingListQuery = Type.Object(
  {
    ...PageQuery.properties,
    framework: Type.Optional(FrameworkKey),
    force: Type.Optional(ForceCode),
    questionRef: Type.Optional(QuestionRef),
    area: Type.Optional(FreeText(MAX_LENGTH.name, { minLength: 1, description: 'Text the area title contains (any case).' })),
    grade: Type.Optional(Type.Array(Grade, { maxItems: GRADES.length, description: 'Only these grades (repeat the parameter for several).' })),
    assessment: Type.Optional(Type.Array(Assessment, { maxItems: ASSESSMENTS.length, description: 'Only cells of these kinds.' }))
  },
  { additionalProperties: false }
)

export const GradeHistorySchema = Type.Object(
  {
    force: ForceCode,
    frameworks: Type.Array(
      Type.Object({
        framework: FrameworkKey,
        period: Period,
        gradingScale: Type.Array(Grade, { maxItems: GRADES.length }),
        grades: Type.Array(
          Type.Object({
            questionRef: QuestionRef,
            area: FreeText(REFERENCE.title),
            grade: Type.Union([Grade, Type.Null()]),
            assessment: Assessment
          }),
          { maxItems: REFERENCE.listItems }
        )
      }),
      { maxItems: REFERENCE.frameworks }
    )
  },
  { $id: 'GradeHistory', description: "A force's published grades, version by version, oldest first." }
)
