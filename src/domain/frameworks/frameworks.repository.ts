import type { Criterion, Executor } from '../../db/database.ts'

export interface FrameworkFile {
  key: string
  title: string
  period: string
  gradingScale: string[]
  source: string
  notes: string[]
  questions: Array<{
    ref: string
    parentRef: string | null
    title: string
    graded: boolean
    pillar?: string
    note?: string
    criteria: Criterion[]
  }>
}

const FRAMEWORK_COLUMNS = ['key', 'title', 'period', 'grading_scale', 'source', 'notes'] as const
const QUESTION_COLUMNS = ['framework_key', 'ref', 'parent_ref', 'position', 'title', 'graded', 'pillar', 'note'] as const

export async function listFrameworks(db: Executor) {
  return db.selectFrom('frameworks').select(FRAMEWORK_COLUMNS).orderBy('key').execute()
}

export async function findFramework(db: Executor, key: string) {
  return db.selectFrom('frameworks').select(FRAMEWORK_COLUMNS).where('key', '=', key).executeTakeFirst()
}

export async function listQuestions(
  db: Executor,
  options: { framework: string; afterPosition?: number; parentRef?: string | null; graded?: boolean; limit: number }
) {
  let query = db.selectFrom('framework_questions').select(QUESTION_COLUMNS).where('framework_key', '=', options.framework)
  if (options.afterPosition !== undefined) query = query.where('position', '>', options.afterPosition)
  if (options.parentRef === null) query = query.where('parent_ref', 'is', null)
  else if (options.parentRef !== undefined) query = query.where('parent_ref', '=', options.parentRef)
  if (options.graded !== undefined) query = query.where('graded', '=', options.graded)
  return query.orderBy('position').limit(options.limit).execute()
}

export async function findQuestion(db: Executor, framework: string, ref: string) {
  return db
    .selectFrom('framework_questions')
    .select([...QUESTION_COLUMNS, 'criteria'])
    .where('framework_key', '=', framework)
    .where('ref', '=', ref)
    .executeTakeFirst()
}

/** Replaces one framework's stored copy with the file's, in the caller's transaction. */
export async function replaceFramework(db: Executor, file: FrameworkFile): Promise<void> {
  const row = {
    key: file.key,
    title: file.title,
    period: file.period,
    grading_scale: JSON.stringify(file.gradingScale),
    source: file.source,
    notes: JSON.stringify(file.notes)
  }
  await db
    .insertInto('frameworks')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet(row))
    .execute()
  // Upsert, then drop only what the file no longer has: gradings, practice examples and findings
  // that point at a question keep pointing at it through an upgrade.
  await db
    .deleteFrom('framework_questions')
    .where('framework_key', '=', file.key)
    .where(
      'ref',
      'not in',
      file.questions.map((q) => q.ref)
    )
    .execute()
  await db
    .insertInto('framework_questions')
    .values(
      file.questions.map((q, position) => ({
        framework_key: file.key,
        ref: q.ref,
        parent_ref: q.parentRef,
        position,
        title: q.title,
        graded: q.graded,
        pillar: q.pillar ?? null,
        note: q.note ?? null,
        criteria: JSON.stringify(q.criteria)
      }))
    )
    .onConflict((oc) =>
      oc.columns(['framework_key', 'ref']).doUpdateSet((eb) => ({
        parent_ref: eb.ref('excluded.parent_ref'),
        position: eb.ref('excluded.position'),
        title: eb.ref('excluded.title'),
        graded: eb.ref('excluded.graded'),
        pillar: eb.ref('excluded.pillar'),
        note: eb.ref('excluded.note'),
        criteria: eb.ref('excluded.criteria')
      }))
    )
    .execute()
}
