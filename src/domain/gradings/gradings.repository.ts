import type { AssessmentValue, Executor } from '../../db/database.ts'

export interface GradingsFile {
  framework: string
  areas: Array<{ questionRef: string; area: string }>
  forces: Array<{ force: string; nameAsPrinted: string; grades: Record<string, AssessmentValue> }>
}

const COLUMNS = ['framework_key', 'force_code', 'question_ref', 'position', 'area', 'force_name_as_printed', 'value'] as const

/** Replaces one framework's gradings with the file's, in the caller's transaction. */
export async function replaceGradings(db: Executor, file: GradingsFile): Promise<void> {
  await db.deleteFrom('gradings').where('framework_key', '=', file.framework).execute()
  const rows = file.forces.flatMap((force) =>
    file.areas.map((area, position) => ({
      framework_key: file.framework,
      force_code: force.force,
      question_ref: area.questionRef,
      position,
      area: area.area,
      force_name_as_printed: force.nameAsPrinted,
      value: force.grades[area.questionRef]!
    }))
  )
  if (rows.length > 0) await db.insertInto('gradings').values(rows).execute()
}

export interface GradingFilter {
  framework?: string
  force?: string
  questionRef?: string
  area?: string
  values?: AssessmentValue[]
  after?: { framework: string; force: string; position: number }
  limit: number
}

export async function listGradings(db: Executor, filter: GradingFilter) {
  let query = db.selectFrom('gradings').select(COLUMNS)
  if (filter.framework !== undefined) query = query.where('framework_key', '=', filter.framework)
  if (filter.force !== undefined) query = query.where('force_code', '=', filter.force)
  if (filter.questionRef !== undefined) query = query.where('question_ref', '=', filter.questionRef)
  if (filter.area !== undefined) query = query.where('area', 'ilike', `%${escapeLike(filter.area)}%`)
  if (filter.values !== undefined) query = query.where('value', 'in', filter.values)
  if (filter.after) {
    const { framework, force, position } = filter.after
    query = query.where((eb) =>
      eb(eb.refTuple('framework_key', 'force_code', 'position'), '>', eb.tuple(framework, force, position))
    )
  }
  return query.orderBy('framework_key').orderBy('force_code').orderBy('position').limit(filter.limit).execute()
}

export async function gradingsOfForce(db: Executor, force: string) {
  return db
    .selectFrom('gradings')
    .innerJoin('frameworks', 'frameworks.key', 'gradings.framework_key')
    .select([...COLUMNS.map((c) => `gradings.${c}` as const), 'frameworks.period', 'frameworks.grading_scale'])
    .where('gradings.force_code', '=', force)
    .orderBy('gradings.framework_key')
    .orderBy('gradings.position')
    .execute()
}

/** `%` and `_` in a user's text match themselves, not any character. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
