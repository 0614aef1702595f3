import { type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool, type Updateable, sql } from 'kysely'
import type { Database, Executor, FindingsTable } from '../../db/database.ts'
import { bumped, deleteVersioned } from '../../db/versioned.ts'
import { FindingSchema } from './findings.schemas.ts'

export const FINDING_COLUMNS = [
  'findings.id',
  'findings.force_code',
  'findings.reference',
  'findings.kind',
  'findings.title',
  'findings.text',
  'findings.scope',
  'findings.inspection_id',
  'findings.parent_id',
  'findings.deadline_text',
  'findings.due_date',
  'findings.due_date_resolved',
  'findings.force_lead',
  'findings.delivery_lead',
  'findings.governance_group_id',
  'findings.status',
  'findings.status_note',
  'findings.portal_status',
  'findings.portal_note',
  'findings.superseded_by_id',
  'findings.closed_via',
  'findings.version',
  'findings.created_at',
  'findings.updated_at'
] as const

export type FindingValues = Omit<Updateable<FindingsTable>, 'id' | 'force_code' | 'version' | 'created_at' | 'updated_at' | 'search'>

/** The questions of each finding, as one JSON array per row, so a page costs one query. */
const questionsOf = sql<Array<{ framework: string; ref: string }>>`coalesce((
  select json_agg(json_build_object('framework', fq.framework_key, 'ref', fq.question_ref) order by fq.framework_key, fq.question_ref)
  from finding_questions fq where fq.finding_id = findings.id
), '[]'::json)`

export function selectFindings(db: Executor) {
  return db.selectFrom('findings').select([...FINDING_COLUMNS, questionsOf.as('questions')])
}

/**
 * The findings with what a person reads beside each link: the inspection's key and title, the
 * group's name, the parent's and the successor's references. Subqueries rather than joins, so the
 * query is still over `findings` alone and every filter and order of a list applies unchanged.
 */
export function selectFindingsWithNames(db: Executor) {
  return selectFindings(db).select((eb) => [
    eb.selectFrom('inspections').select('inspections.key').whereRef('inspections.id', '=', 'findings.inspection_id').as('inspection_key'),
    eb.selectFrom('inspections').select('inspections.title').whereRef('inspections.id', '=', 'findings.inspection_id').as('inspection_title'),
    eb.selectFrom('governance_groups').select('governance_groups.name').whereRef('governance_groups.id', '=', 'findings.governance_group_id').as('governance_group_name'),
    eb.selectFrom('findings as parent').select('parent.reference').whereRef('parent.id', '=', 'findings.parent_id').as('parent_reference'),
    eb.selectFrom('findings as successor').select('successor.reference').whereRef('successor.id', '=', 'findings.superseded_by_id').as('superseded_by_reference')
  ])
}

export async function findById(db: Executor, id: string) {
  return selectFindings(db).where('findings.id', '=', id).executeTakeFirst()
}
export type FindingRow = NonNullable<Awaited<ReturnType<typeof findById>>>

export async function findByReference(db: Executor, force: string, reference: string) {
  return selectFindings(db).where('findings.force_code', '=', force).where('findings.reference', '=', reference).executeTakeFirst()
}

/** How many findings point at an inspection or a governance group (which may then not be removed). */
export async function countLinkedTo(db: Executor, column: 'inspection_id' | 'governance_group_id', id: string): Promise<number> {
  const row = await db
    .selectFrom('findings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', id)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** id, kind and force of several findings at once, to check the links a write makes. */
export async function kindsOf(db: Executor, ids: string[]) {
  if (ids.length === 0) return []
  return db.selectFrom('findings').select(['id', 'kind', 'force_code', 'parent_id']).where('id', 'in', ids).execute()
}

export interface SortKey {
  /** The expression ordered on, unique together with id. */
  expression: Expression<unknown>
  direction: 'asc' | 'desc'
}

export interface FindingFilter {
  force?: string
  reference?: string
  kinds?: string[]
  statuses?: string[]
  portalStatuses?: string[]
  scope?: string
  inspectionId?: string
  category?: string
  question?: { framework: string; ref: string }
  lead?: string
  forceLead?: string
  deliveryLead?: string
  governanceGroupId?: string
  parentId?: string
  discrepancy?: boolean
  topLevel?: boolean
  overdueOn?: string
  dueBefore?: string
  dueAfter?: string
  q?: string
}

/** Milliseconds-precision ISO 8601 in UTC, as Date.prototype.toISOString writes it. */
const isoTime = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

/** The SQL of each field of a finding as the API shows it (the values toFinding gives). */
const findingFields = (asOf: string): Record<keyof typeof FindingSchema.properties, RawBuilder<unknown>> => ({
  id: sql`findings.id`,
  force: sql`findings.force_code`,
  reference: sql`findings.reference`,
  kind: sql`findings.kind`,
  title: sql`findings.title`,
  text: sql`findings.text`,
  scope: sql`findings.scope`,
  inspectionId: sql`findings.inspection_id`,
  parentId: sql`findings.parent_id`,
  questions: questionsOf,
  deadlineText: sql`findings.deadline_text`,
  dueDate: sql`findings.due_date`,
  dueDateResolved: sql`findings.due_date_resolved`,
  overdue: sql`coalesce(findings.due_date < ${asOf}::date and findings.status in ('open', 'closure_requested'), false)`,
  forceLead: sql`findings.force_lead`,
  deliveryLead: sql`findings.delivery_lead`,
  governanceGroupId: sql`findings.governance_group_id`,
  status: sql`findings.status`,
  statusNote: sql`findings.status_note`,
  portalStatus: sql`findings.portal_status`,
  portalNote: sql`findings.portal_note`,
  supersededById: sql`findings.superseded_by_id`,
  closedVia: sql`findings.closed_via`,
  version: sql`findings.version`,
  createdAt: isoTime('findings.created_at'),
  updatedAt: isoTime('findings.updated_at')
})

/**
 * A finding as the API shows it, built by PostgreSQL as JSON text in the order of FindingSchema
 * (as the response serializer writes it): a page of them goes to the client without being parsed
 * into objects and serialised again. test/register/finding-json.test.ts holds it equal to toFinding.
 */
export function findingJson(asOf: string) {
  const fields = findingFields(asOf)
  const pairs = Object.keys(FindingSchema.properties).map((name) => sql`${sql.lit(name)}, ${fields[name as keyof typeof fields]}`)
  return sql<string>`json_build_object(${sql.join(pairs)})::text`
}

export function filtered(db: Executor, filter: FindingFilter) {
  return narrowed(selectFindings(db), filter)
}

/** The filter over any selection from findings, e.g. one that selects only findingJson. */
export function narrowed<O>(query: SelectQueryBuilder<Database, 'findings', O>, filter: FindingFilter): SelectQueryBuilder<Database, 'findings', O> {
  if (filter.force !== undefined) query = query.where('findings.force_code', '=', filter.force)
  if (filter.reference !== undefined) query = query.where('findings.reference', '=', filter.reference)
  if (filter.kinds) query = query.where('findings.kind', 'in', filter.kinds)
  if (filter.statuses) query = query.where('findings.status', 'in', filter.statuses)
  if (filter.portalStatuses) query = query.where('findings.portal_status', 'in', filter.portalStatuses)
  if (filter.scope !== undefined) query = query.where('findings.scope', '=', filter.scope)
  if (filter.inspectionId !== undefined) query = query.where('findings.inspection_id', '=', filter.inspectionId)
  if (filter.category !== undefined) {
    const category = filter.category
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('inspections')
          .select(sql`1`.as('one'))
          .whereRef('inspections.id', '=', 'findings.inspection_id')
          .where('inspections.category', '=', category)
      )
    )
  }
  if (filter.question) {
    const { framework, ref } = filter.question
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('finding_questions')
          .select(sql`1`.as('one'))
          .whereRef('finding_questions.finding_id', '=', 'findings.id')
          .where('finding_questions.framework_key', '=', framework)
          .where('finding_questions.question_ref', '=', ref)
      )
    )
  }
  if (filter.lead !== undefined) {
    const lead = filter.lead.toLowerCase()
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['findings.force_lead']), '=', lead), eb(eb.fn('lower', ['findings.delivery_lead']), '=', lead)]))
  }
  if (filter.forceLead !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['findings.force_lead']), '=', filter.forceLead!.toLowerCase()))
  if (filter.deliveryLead !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['findings.delivery_lead']), '=', filter.deliveryLead!.toLowerCase()))
  if (filter.governanceGroupId !== undefined) query = query.where('findings.governance_group_id', '=', filter.governanceGroupId)
  if (filter.parentId !== undefined) query = query.where('findings.parent_id', '=', filter.parentId)
  if (filter.discrepancy !== undefined) {
    const disagree = sql<SqlBool>`(
      (findings.status in ('closed', 'superseded') and findings.portal_status = 'open')
      or (findings.status in ('open', 'closure_requested') and findings.portal_status = 'closed')
      or findings.portal_status = 'not_on_portal')`
    query = query.where(filter.discrepancy ? disagree : sql<SqlBool>`not ${disagree}`)
  }
  if (filter.topLevel === true) query = query.where('findings.parent_id', 'is', null)
  if (filter.topLevel === false) query = query.where('findings.parent_id', 'is not', null)
  if (filter.overdueOn !== undefined) {
    query = query
      .where('findings.status', 'in', ['open', 'closure_requested'])
      .where('findings.due_date', '<', filter.overdueOn)
  }
  if (filter.dueBefore !== undefined) query = query.where('findings.due_date', '<', filter.dueBefore)
  if (filter.dueAfter !== undefined) query = query.where('findings.due_date', '>', filter.dueAfter)
  if (filter.q !== undefined) query = query.where(matchesSearch(filter.q, filter.force))
  return query
}

/**
 * The findings whose words match a search (websearch syntax). Within one force, through the index
 * findings_search_in_force (migration 2026-11-30T10-00-00, whose expression this must repeat
 * exactly): the finding's words and its force's word '@code', the query's words and that word. A
 * query of stop words only matches nothing, as it does against findings.search alone.
 */
export function matchesSearch(q: string, force: string | undefined) {
  const words = sql`websearch_to_tsquery('english', ${q})`
  if (force === undefined) return sql<SqlBool>`findings.search @@ ${words}`
  return sql<SqlBool>`(findings.search || array_to_tsvector(array['@' || findings.force_code])) @@ (${words} && quote_literal(${`@${force}`})::tsquery) and numnode(${words}) > 0`
}

export const rankOf = (q: string) =>
  sql<string>`round(ts_rank_cd(findings.search, websearch_to_tsquery('english', ${q}))::numeric, 6)`

export async function insert(db: Executor, force: string, values: FindingValues & { reference: string; kind: string; title: string; text: string; scope: string; status: string; portal_status: string }) {
  const row = await db.insertInto('findings').values({ force_code: force, ...values }).returning('id').executeTakeFirstOrThrow()
  return row.id
}

export async function update(db: Executor, id: string, expectedVersion: number, values: FindingValues) {
  return db
    .updateTable('findings')
    .set(bumped(values))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning('id')
    .executeTakeFirst()
}

export async function replaceQuestions(db: Executor, findingId: string, questions: Array<{ framework: string; ref: string }>) {
  await db.deleteFrom('finding_questions').where('finding_id', '=', findingId).execute()
  const unique = [...new Map(questions.map((q) => [`${q.framework} ${q.ref}`, q])).values()]
  if (unique.length === 0) return
  await db
    .insertInto('finding_questions')
    .values(unique.map((q) => ({ finding_id: findingId, framework_key: q.framework, question_ref: q.ref })))
    .execute()
}

/** Which of these (framework, ref) pairs are not questions of the frameworks. */
export async function unknownQuestions(db: Executor, questions: Array<{ framework: string; ref: string }>) {
  if (questions.length === 0) return []
  const known = await db
    .selectFrom('framework_questions')
    .select(['framework_key', 'ref'])
    .where((eb) => eb.or(questions.map((q) => eb.and([eb('framework_key', '=', q.framework), eb('ref', '=', q.ref)]))))
    .execute()
  const set = new Set(known.map((k) => `${k.framework_key} ${k.ref}`))
  return questions.filter((q) => !set.has(`${q.framework} ${q.ref}`))
}

// ---- actions

const ACTION_COLUMNS = ['id', 'finding_id', 'position', 'text', 'status', 'version', 'created_at', 'updated_at'] as const

export async function actionsOf(db: Executor, findingId: string) {
  return db.selectFrom('finding_actions').select(ACTION_COLUMNS).where('finding_id', '=', findingId).orderBy('position').execute()
}
export type ActionRow = Awaited<ReturnType<typeof actionsOf>>[number]

/** A finding's actions as one JSON array (timestamps as ISO text), so a finding and its actions are one query. */
const actionsJson = sql<Array<Omit<ActionRow, 'created_at' | 'updated_at'> & { created_at: string; updated_at: string }>>`coalesce((
  select json_agg(json_build_object('id', a.id, 'finding_id', a.finding_id, 'position', a.position, 'text', a.text,
    'status', a.status, 'version', a.version, 'created_at', a.created_at, 'updated_at', a.updated_at) order by a.position)
  from finding_actions a where a.finding_id = findings.id
), '[]'::json)`

export async function findWithActions(db: Executor, id: string) {
  return selectFindings(db).select(actionsJson.as('actions')).where('findings.id', '=', id).executeTakeFirst()
}

export async function findAction(db: Executor, findingId: string, actionId: string) {
  return db.selectFrom('finding_actions').select(ACTION_COLUMNS).where('finding_id', '=', findingId).where('id', '=', actionId).executeTakeFirst()
}

export async function insertActions(db: Executor, findingId: string, actions: Array<{ text: string; status: string }>) {
  if (actions.length === 0) return []
  const last = await db
    .selectFrom('finding_actions')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('finding_id', '=', findingId)
    .executeTakeFirst()
  const start = Number(last?.max ?? 0)
  return db
    .insertInto('finding_actions')
    .values(actions.map((a, i) => ({ finding_id: findingId, position: start + i + 1, text: a.text, status: a.status })))
    .returning(ACTION_COLUMNS)
    .execute()
}

export async function updateAction(db: Executor, actionId: string, expectedVersion: number, values: { text?: string; status?: string }) {
  return db
    .updateTable('finding_actions')
    .set(bumped(values))
    .where('id', '=', actionId)
    .where('version', '=', expectedVersion)
    .returning(ACTION_COLUMNS)
    .executeTakeFirst()
}

export async function deleteAction(db: Executor, actionId: string, expectedVersion: number) {
  return deleteVersioned(db, 'finding_actions', actionId, expectedVersion)
}

// ---- history

export async function history(db: Executor, rootId: string, afterId: string | undefined, limit: number) {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('api_keys', 'api_keys.id', 'audit_log.actor_key_id')
    .select([
      'audit_log.id',
      'audit_log.occurred_at',
      'audit_log.action',
      'audit_log.entity_type',
      'audit_log.entity_id',
      'audit_log.actor_key_id',
      'api_keys.name as actor_name',
      'api_keys.role as actor_role',
      'audit_log.request_id',
      'audit_log.before',
      'audit_log.after'
    ])
    .where('audit_log.root_id', '=', rootId)
  if (afterId !== undefined) query = query.where('audit_log.id', '>', afterId)
  return query.orderBy('audit_log.id').limit(limit).execute()
}
