import { type SqlBool, sql } from 'kysely'
import type { Executor } from '../../db/database.ts'
import { narrowed } from '../findings/findings.repository.ts'

/** Open in the register, as every report counts it: awaiting closure is still open. */
export const OPEN_STATUSES = ['open', 'closure_requested'] as const
const isOpen = sql<SqlBool>`findings.status in ('open', 'closure_requested')`

const actionOverdue = (asOf: string) =>
  sql<SqlBool>`ongoing_actions.status <> 'completed' and ongoing_actions.expected_completion < ${asOf}`

// ---- the summary table (001 section 2.1)

/**
 * Everything the summary table shows, as sums of these rows: per inspection category (null when
 * the finding has no inspection) and kind, the open findings, those of them not open on the portal,
 * and the findings open on the portal whatever their state here. Read from finding_counts, which
 * triggers keep in step with the register inside every write (migration 17-00), so the report
 * costs a few dozen rows whatever the register's size.
 */
export async function summaryCounts(db: Executor, force: string) {
  const rows = await db
    .selectFrom('finding_counts')
    .select(['category', 'kind', 'open', 'open_not_on_portal', 'on_portal'])
    .where('force_code', '=', force)
    .execute()
  return rows.map((row) => ({ ...row, category: row.category === '' ? null : row.category }))
}

/** The same numbers counted from the register itself: what finding_counts must always equal (tests check). */
export async function summaryCountsFromRegister(db: Executor, force: string) {
  return db
    .selectFrom('findings')
    .leftJoin('inspections', 'inspections.id', 'findings.inspection_id')
    .select([
      'inspections.category',
      'findings.kind',
      sql<number>`count(*) filter (where ${isOpen})::int`.as('open'),
      sql<number>`count(*) filter (where ${isOpen} and findings.portal_status <> 'open')::int`.as('open_not_on_portal'),
      sql<number>`count(*) filter (where findings.portal_status = 'open')::int`.as('on_portal')
    ])
    .where('findings.force_code', '=', force)
    .groupBy(['inspections.category', 'findings.kind'])
    .execute()
}
export type SummaryCountRow = Awaited<ReturnType<typeof summaryCounts>>[number]

/**
 * The findings whose register and portal states disagree, by reference: the findings list's own
 * `discrepancy` predicate, which is the partial index findings_discrepancies.
 */
export async function disagreements(db: Executor, force: string) {
  return narrowed(db.selectFrom('findings').select(['findings.id', 'findings.reference', 'findings.kind', 'findings.title', 'findings.status', 'findings.portal_status', 'findings.portal_note']), { force, discrepancy: true })
    .leftJoin('inspections', 'inspections.id', 'findings.inspection_id')
    .select('inspections.category')
    .orderBy('findings.reference')
    .orderBy('findings.id')
    .execute()
}
export type DisagreementRow = Awaited<ReturnType<typeof disagreements>>[number]

// ---- overdue

export interface Scope {
  force: string
  /** Only the findings this governance group monitors. */
  groupId?: string
}

/** The findings list's `overdue=true&asOf=` filter, with what a report prints beside each. */
export async function overdueFindings(db: Executor, scope: Scope, asOf: string) {
  const columns = ['findings.id', 'findings.reference', 'findings.kind', 'findings.title', 'findings.status', 'findings.deadline_text', 'findings.due_date', 'findings.force_lead', 'findings.delivery_lead', 'findings.governance_group_id'] as const
  return narrowed(db.selectFrom('findings').select(columns), { force: scope.force, overdueOn: asOf, governanceGroupId: scope.groupId })
    .leftJoin('inspections', 'inspections.id', 'findings.inspection_id')
    .leftJoin('governance_groups', 'governance_groups.id', 'findings.governance_group_id')
    .select(['inspections.category', 'governance_groups.name as group_name', sql<number>`${asOf}::date - findings.due_date`.as('days_overdue')])
    .orderBy('days_overdue', 'desc')
    .orderBy('findings.reference')
    .orderBy('findings.id')
    .execute()
}
export type OverdueFindingRow = Awaited<ReturnType<typeof overdueFindings>>[number]

/** Ongoing actions of open findings, not completed and expected before asOf. */
export async function overdueActions(db: Executor, scope: Scope, asOf: string) {
  let query = db
    .selectFrom('ongoing_actions')
    .innerJoin('findings', 'findings.id', 'ongoing_actions.finding_id')
    .leftJoin('inspections', 'inspections.id', 'findings.inspection_id')
    .leftJoin('governance_groups', 'governance_groups.id', 'findings.governance_group_id')
    .select([
      'ongoing_actions.id',
      'ongoing_actions.finding_id',
      'ongoing_actions.description',
      'ongoing_actions.status',
      'ongoing_actions.expected_completion',
      sql<number>`${asOf}::date - ongoing_actions.expected_completion`.as('days_overdue'),
      'findings.reference',
      'findings.kind',
      'findings.title',
      'inspections.category',
      'findings.force_lead',
      'findings.delivery_lead',
      'findings.governance_group_id',
      'governance_groups.name as group_name'
    ])
    .where('findings.force_code', '=', scope.force)
    .where(isOpen)
    .where(actionOverdue(asOf))
  if (scope.groupId !== undefined) query = query.where('findings.governance_group_id', '=', scope.groupId)
  return query
    .orderBy('days_overdue', 'desc')
    .orderBy('findings.reference')
    .orderBy('ongoing_actions.created_at')
    .orderBy('ongoing_actions.id')
    .execute()
}
export type OverdueActionRow = Awaited<ReturnType<typeof overdueActions>>[number]

// ---- by lead, by group

export type Grouping = 'force_lead' | 'delivery_lead' | 'governance_group_id'

/**
 * The open findings of a force counted per lead (any case) or per governance group, one row per
 * value (null included), in one grouped query. A lead's `label` is the spelling used most often.
 */
export async function openCounts(db: Executor, force: string, asOf: string, by: Grouping) {
  const column = sql.ref(`findings.${by}`)
  const key = by === 'governance_group_id' ? sql<string | null>`${column}::text` : sql<string | null>`lower(${column})`
  const lateActions = db
    .selectFrom('ongoing_actions')
    .select(['ongoing_actions.finding_id', sql<number>`count(*)::int`.as('n')])
    .where(actionOverdue(asOf))
    .groupBy('ongoing_actions.finding_id')
    .as('late')
  const ofKind = (kind: string) => sql<number>`count(*) filter (where findings.kind = ${kind})::int`
  return db
    .selectFrom('findings')
    .leftJoin(lateActions, 'late.finding_id', 'findings.id')
    .select([
      key.as('key'),
      (by === 'governance_group_id' ? sql<string | null>`null` : sql<string | null>`mode() within group (order by ${column})`).as('label'),
      sql<number>`count(*)::int`.as('open'),
      sql<number>`count(*) filter (where findings.status = 'closure_requested')::int`.as('closure_requested'),
      sql<number>`count(*) filter (where findings.due_date < ${asOf})::int`.as('overdue'),
      sql<number>`coalesce(sum(late.n), 0)::int`.as('actions_overdue'),
      sql<string | null>`min(findings.due_date) filter (where findings.due_date >= ${asOf})`.as('next_due_date'),
      ofKind('cause_of_concern').as('causes_of_concern'),
      ofKind('recommendation').as('recommendations'),
      ofKind('area_for_improvement').as('areas_for_improvement')
    ])
    .where('findings.force_code', '=', force)
    .where(isOpen)
    .groupBy(key)
    .execute()
}
export type OpenCountRow = Awaited<ReturnType<typeof openCounts>>[number]

export async function groupsOf(db: Executor, force: string) {
  return db.selectFrom('governance_groups').select(['id', 'name']).where('force_code', '=', force).orderBy('name').orderBy('id').execute()
}

// ---- board pack

/** When the group last met, as far as the register knows: its latest review. */
export async function lastReviewBy(db: Executor, groupId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('reviews')
    .select((eb) => eb.fn.max('reviews.created_at').as('at'))
    .where('reviews.governance_group_id', '=', groupId)
    .executeTakeFirst()
  return row?.at ?? null
}

/** The group's open findings whose latest progress update is newer than their latest review (or that have none). */
export async function dueForReview(db: Executor, groupId: string) {
  return db
    .selectFrom('findings')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('progress_updates')
          .select(['progress_updates.id', 'progress_updates.position', 'progress_updates.created_at'])
          .whereRef('progress_updates.finding_id', '=', 'findings.id')
          .orderBy('progress_updates.created_at', 'desc')
          .orderBy('progress_updates.id')
          .limit(1)
          .as('latest_update'),
      (join) => join.onTrue()
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('reviews')
          .select(['reviews.id', 'reviews.outcome', 'reviews.created_at'])
          .whereRef('reviews.finding_id', '=', 'findings.id')
          .orderBy('reviews.created_at', 'desc')
          .orderBy('reviews.id')
          .limit(1)
          .as('latest_review'),
      (join) => join.onTrue()
    )
    .select([
      'findings.id',
      'findings.reference',
      'findings.kind',
      'findings.title',
      'findings.status',
      'latest_update.id as update_id',
      'latest_update.position as update_position',
      'latest_update.created_at as update_at',
      'latest_review.id as review_id',
      'latest_review.outcome as review_outcome',
      'latest_review.created_at as review_at'
    ])
    .where('findings.governance_group_id', '=', groupId)
    .where(isOpen)
    .where((eb) => eb.or([eb('latest_review.id', 'is', null), eb('latest_update.created_at', '>', eb.ref('latest_review.created_at'))]))
    .orderBy('findings.reference')
    .orderBy('findings.id')
    .execute()
}

/** Closure requests of the group's findings now before the board, with when they were (last) submitted. */
export async function awaitingBoard(db: Executor, groupId: string) {
  return db
    .selectFrom('closure_requests')
    .innerJoin('findings', 'findings.id', 'closure_requests.finding_id')
    .select((eb) => [
      'closure_requests.id',
      'closure_requests.finding_id',
      'findings.reference',
      'findings.title',
      'closure_requests.summary',
      'closure_requests.version',
      sql<number>`jsonb_array_length(closure_requests.evidence)`.as('evidence_count'),
      eb
        .selectFrom('closure_transitions')
        .select((t) => t.fn.max('closure_transitions.at').as('at'))
        .whereRef('closure_transitions.request_id', '=', 'closure_requests.id')
        .where('closure_transitions.to_status', '=', 'board_review')
        .as('submitted_at')
    ])
    .where('closure_requests.status', '=', 'board_review')
    .where('findings.governance_group_id', '=', groupId)
    .orderBy('submitted_at')
    .orderBy('findings.reference')
    .execute()
}

/**
 * Every move of an expected completion date of the group's findings' ongoing actions, made on or
 * after `since` (a UTC day; null for all). Each row of ongoing_action_dates after an action's first
 * is a move from the row before it.
 */
export async function slippage(db: Executor, groupId: string, since: string | null) {
  const byAction = sql`partition by ongoing_action_dates.action_id order by ongoing_action_dates.id`
  const moves = db
    .selectFrom('ongoing_action_dates')
    .innerJoin('ongoing_actions', 'ongoing_actions.id', 'ongoing_action_dates.action_id')
    .innerJoin('findings', 'findings.id', 'ongoing_actions.finding_id')
    .select([
      'ongoing_action_dates.id',
      'ongoing_action_dates.action_id',
      'ongoing_actions.finding_id',
      'findings.reference',
      'ongoing_actions.description',
      sql<string | null>`lag(ongoing_action_dates.expected_completion) over (${byAction})`.as('from_date'),
      'ongoing_action_dates.expected_completion as to_date',
      sql<number>`row_number() over (${byAction})::int`.as('nth'),
      'ongoing_action_dates.reason',
      'ongoing_action_dates.changed_at'
    ])
    .where('findings.governance_group_id', '=', groupId)
    .as('moves')
  let query = db
    .selectFrom(moves)
    .selectAll()
    .select(sql<number | null>`moves.to_date - moves.from_date`.as('days_slipped'))
    .where('moves.nth', '>', 1)
  if (since !== null) query = query.where(sql<SqlBool>`(moves.changed_at at time zone 'UTC')::date >= ${since}::date`)
  return query.orderBy('moves.changed_at').orderBy('moves.id').execute()
}
