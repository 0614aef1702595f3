import { sql } from 'kysely'
import { type ColumnTypes, insertMany, updateMany } from '../../db/batches.ts'
import type { Executor } from '../../db/database.ts'
import { selectFindings } from '../findings/findings.repository.ts'

/**
 * The import's reads and writes, many rows a statement: a register of thousands of findings
 * takes a few dozen round trips, not several per record. Look-ups take their keys as one array.
 */

const anyOf = (values: readonly string[], type: 'uuid' | 'text') => sql<string>`any(${[...new Set(values)]}::${sql.raw(type)}[])`

/**
 * Says, for the rest of the transaction, that an import is writing: the one writer that may bring
 * in a historic closure (the findings_closure_owned_by_workflow trigger reads it).
 */
export async function declareImportWriter(db: Executor): Promise<void> {
  await sql`select set_config('peel_register.writer', 'import', true)`.execute(db)
}

// ---- findings

export async function findingsByReference(db: Executor, force: string, references: readonly string[]) {
  if (references.length === 0) return []
  return selectFindings(db).where('findings.force_code', '=', force).where('findings.reference', '=', anyOf(references, 'text')).execute()
}

export async function findingsById(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return []
  return selectFindings(db).where('findings.id', '=', anyOf(ids, 'uuid')).execute()
}

/** The actions of these findings, each finding's in order of position. */
export async function actionsOfFindings(db: Executor, findingIds: readonly string[]) {
  if (findingIds.length === 0) return []
  return db
    .selectFrom('finding_actions')
    .select(['id', 'finding_id', 'position', 'text', 'status', 'version', 'created_at', 'updated_at'])
    .where('finding_id', '=', anyOf(findingIds, 'uuid'))
    .orderBy('finding_id')
    .orderBy('position')
    .execute()
}

/** The columns of a finding an import sets, with their SQL types. */
const FINDING_VALUES = {
  kind: 'text',
  title: 'text',
  text: 'text',
  scope: 'text',
  inspection_id: 'uuid',
  parent_id: 'uuid',
  deadline_text: 'text',
  due_date: 'date',
  due_date_resolved: 'boolean',
  force_lead: 'text',
  delivery_lead: 'text',
  governance_group_id: 'uuid',
  status: 'text',
  closed_via: 'text',
  status_note: 'text',
  portal_status: 'text',
  portal_note: 'text',
  superseded_by_id: 'uuid'
} as const satisfies ColumnTypes

type RequiredValue = 'kind' | 'title' | 'text' | 'scope' | 'status' | 'portal_status'
export type FindingImportValues = { [K in keyof typeof FINDING_VALUES]: K extends 'due_date_resolved' ? boolean : K extends RequiredValue ? string : string | null }

/** New findings, each with the id the database gave it. */
export async function insertFindings(db: Executor, force: string, rows: ReadonlyArray<FindingImportValues & { reference: string }>, at: Date) {
  const columns = { force_code: 'text', reference: 'text', ...FINDING_VALUES, updated_at: 'timestamptz' }
  return insertMany<{ id: string; reference: string }>(db, 'findings', columns, rows.map((row) => ({ ...row, force_code: force, updated_at: at })), ['id', 'reference'])
}

/** Findings already on record take the import's values, each a version on. */
export async function updateFindings(db: Executor, rows: ReadonlyArray<{ id: string } & FindingImportValues>, at: Date): Promise<void> {
  await updateMany(db, 'findings', FINDING_VALUES, rows, sql`version = t.version + 1, updated_at = ${at.toISOString()}::timestamptz`)
}

/** The links of findings just created, set once every finding they may point at exists. */
export async function linkFindings(db: Executor, rows: ReadonlyArray<{ id: string; parent_id: string | null; superseded_by_id: string | null }>): Promise<void> {
  await updateMany(db, 'findings', { parent_id: 'uuid', superseded_by_id: 'uuid' }, rows)
}

/** The questions of these findings, replaced: those of `clear` go, `rows` come. */
export async function replaceQuestions(db: Executor, clear: readonly string[], rows: ReadonlyArray<{ finding_id: string; framework_key: string; question_ref: string }>): Promise<void> {
  if (clear.length > 0) await db.deleteFrom('finding_questions').where('finding_id', '=', anyOf(clear, 'uuid')).execute()
  await insertMany(db, 'finding_questions', { finding_id: 'uuid', framework_key: 'text', question_ref: 'text' }, rows)
}

/** The actions of these findings, replaced: those of `clear` go, `rows` come. */
export async function replaceActions(db: Executor, clear: readonly string[], rows: ReadonlyArray<{ finding_id: string; position: number; text: string; status: string }>): Promise<void> {
  if (clear.length > 0) await db.deleteFrom('finding_actions').where('finding_id', '=', anyOf(clear, 'uuid')).execute()
  await insertMany(db, 'finding_actions', { finding_id: 'uuid', position: 'integer', text: 'text', status: 'text' }, rows)
}

// ---- progress: updates, ongoing actions and their dates, reviews

export async function progressUpdatesById(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.selectFrom('progress_updates').selectAll().where('id', '=', anyOf(ids, 'uuid')).execute()
}

export async function ongoingActionsById(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.selectFrom('ongoing_actions').selectAll().where('id', '=', anyOf(ids, 'uuid')).execute()
}

/** Every date these ongoing actions have had, oldest first. */
export async function ongoingActionDatesOf(db: Executor, actionIds: readonly string[]) {
  if (actionIds.length === 0) return []
  return db.selectFrom('ongoing_action_dates').selectAll().where('action_id', '=', anyOf(actionIds, 'uuid')).orderBy('id').execute()
}

export async function reviewsById(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return []
  return db.selectFrom('reviews').selectAll().where('id', '=', anyOf(ids, 'uuid')).execute()
}

export interface NewProgressUpdate {
  id: string
  finding_id: string
  position: string
  activities: string
  impact: string | null
  /** As JSON. */
  evidence: string
  author_key_id: string | null
  created_at: Date
}

export async function insertProgressUpdates(db: Executor, rows: readonly NewProgressUpdate[]): Promise<void> {
  const columns = { id: 'uuid', finding_id: 'uuid', position: 'text', activities: 'text', impact: 'text', evidence: 'jsonb', author_key_id: 'uuid', imported: 'boolean', created_at: 'timestamptz' }
  await insertMany(db, 'progress_updates', columns, rows.map((row) => ({ ...row, imported: true })))
}

export interface NewOngoingAction {
  id: string
  finding_id: string
  update_id: string
  description: string
  anticipated_impact: string | null
  expected_completion: string | null
  status: string
  created_at: Date
}

export async function insertOngoingActions(db: Executor, rows: readonly NewOngoingAction[]): Promise<void> {
  const columns = { id: 'uuid', finding_id: 'uuid', update_id: 'uuid', description: 'text', anticipated_impact: 'text', expected_completion: 'date', status: 'text', created_at: 'timestamptz' }
  await insertMany(db, 'ongoing_actions', columns, rows)
}

export interface NewOngoingActionDate {
  action_id: string
  expected_completion: string | null
  reason: string | null
  changed_by: string | null
  changed_at: Date
}

/** In the order given, which is the order the history is read in. */
export async function insertOngoingActionDates(db: Executor, rows: readonly NewOngoingActionDate[]): Promise<void> {
  const columns = { action_id: 'uuid', expected_completion: 'date', reason: 'text', changed_by: 'uuid', changed_at: 'timestamptz' }
  await insertMany(db, 'ongoing_action_dates', columns, rows)
}

/** Ongoing actions on record take a new status and expected date, each a version on. */
export async function updateOngoingActions(db: Executor, rows: ReadonlyArray<{ id: string; expected_completion: string | null; status: string }>, at: Date): Promise<void> {
  await updateMany(db, 'ongoing_actions', { expected_completion: 'date', status: 'text' }, rows, sql`version = t.version + 1, updated_at = ${at.toISOString()}::timestamptz`)
}

export interface NewReview {
  id: string
  finding_id: string
  outcome: string
  rationale: string
  governance_group_id: string | null
  reviewer_key_id: string | null
  created_at: Date
}

export async function insertReviews(db: Executor, rows: readonly NewReview[]): Promise<void> {
  const columns = { id: 'uuid', finding_id: 'uuid', outcome: 'text', rationale: 'text', governance_group_id: 'uuid', reviewer_key_id: 'uuid', imported: 'boolean', created_at: 'timestamptz' }
  await insertMany(db, 'reviews', columns, rows.map((row) => ({ ...row, imported: true })))
}
