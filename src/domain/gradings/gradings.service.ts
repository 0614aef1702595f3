import type { AssessmentValue, Db } from '../../db/database.ts'
import { getForce } from '../forces/forces.service.ts'
import { GRADES } from '../frameworks/frameworks.schemas.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import type { ASSESSMENTS } from './gradings.schemas.ts'
import * as repo from './gradings.repository.ts'

type Grade = (typeof GRADES)[number]
type Assessment = (typeof ASSESSMENTS)[number]

function split(value: AssessmentValue): { grade: Grade | null; assessment: Assessment } {
  return (GRADES as readonly string[]).includes(value)
    ? { grade: value as Grade, assessment: 'graded' }
    : { grade: null, assessment: value as Exclude<AssessmentValue, Grade> }
}

/**
 * The stored values that a `grade` filter and an `assessment` filter select together: `grade`
 * narrows the graded cells; `assessment` picks graded cells and/or the kinds of ungraded cell.
 */
function valuesFor(grades?: Grade[], assessments?: Assessment[]): AssessmentValue[] | undefined {
  if (grades === undefined && assessments === undefined) return undefined
  const wantGraded = assessments === undefined || assessments.includes('graded')
  const graded: AssessmentValue[] = wantGraded ? (grades ?? [...GRADES]) : []
  const ungraded = (assessments ?? []).filter((a): a is Exclude<Assessment, 'graded'> => a !== 'graded')
  return [...graded, ...ungraded]
}

export async function listGradings(
  db: Db,
  query: {
    limit: number
    cursor?: string
    framework?: string
    force?: string
    questionRef?: string
    area?: string
    grade?: Grade[]
    assessment?: Assessment[]
  }
) {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['text', 'text', 'int4'])
  const values = valuesFor(query.grade, query.assessment)
  if (values !== undefined && values.length === 0) return { items: [], nextCursor: null }
  const rows = await repo.listGradings(db, {
    framework: query.framework,
    force: query.force,
    questionRef: query.questionRef,
    area: query.area,
    values,
    after: after && { framework: after[0], force: after[1], position: after[2] },
    limit: query.limit + 1
  })
  return toPage(
    rows,
    query.limit,
    (row) => ({
      force: row.force_code,
      framework: row.framework_key,
      questionRef: row.question_ref,
      area: row.area,
      ...split(row.value),
      forceNameAsPrinted: row.force_name_as_printed
    }),
    (row) => [row.framework_key, row.force_code, row.position]
  )
}

export async function gradeHistory(db: Db, force: string) {
  await getForce(db, force)
  const rows = await repo.gradingsOfForce(db, force)
  const frameworks: Array<{
    framework: string
    period: string
    gradingScale: Grade[]
    grades: Array<{ questionRef: string; area: string; grade: Grade | null; assessment: Assessment }>
  }> = []
  for (const row of rows) {
    let current = frameworks.at(-1)
    if (current?.framework !== row.framework_key) {
      current = { framework: row.framework_key, period: row.period, gradingScale: row.grading_scale as Grade[], grades: [] }
      frameworks.push(current)
    }
    current.grades.push({ questionRef: row.question_ref, area: row.area, ...split(row.value) })
  }
  return { force, frameworks }
}
