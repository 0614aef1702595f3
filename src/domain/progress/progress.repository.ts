import { sql } from 'kysely'
import type { Evidence, Executor } from '../../db/database.ts'
import { bumped } from '../../db/versioned.ts'

export async function insertUpdate(
  db: Executor,
  values: { findingId: string; position: string; activities: string; impact: string | null; evidence: Evidence[]; author: string | null }
) {
  return db
    .insertInto('progress_updates')
    .values({
      finding_id: values.findingId,
      position: values.position,
      activities: values.activities,
      impact: values.impact,
      evidence: JSON.stringify(values.evidence),
      author_key_id: values.author
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function insertOngoingAction(
  db: Executor,
  values: { findingId: string; updateId: string; description: string; anticipatedImpact: string | null; expectedCompletion: string | null; status: string },
  author: string | null
) {
  const row = await db
    .insertInto('ongoing_actions')
    .values({
      finding_id: values.findingId,
      update_id: values.updateId,
      description: values.description,
      anticipated_impact: values.anticipatedImpact,
      expected_completion: values.expectedCompletion,
      status: values.status
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await db
    .insertInto('ongoing_action_dates')
    .values({ action_id: row.id, expected_completion: values.expectedCompletion, reason: null, changed_by: author })
    .execute()
  return row
}

/** Newest first: the latest position leads. */
export async function updatesOf(db: Executor, findingId: string, after: { createdAt: Date; id: string } | undefined, limit: number) {
  let query = db.selectFrom('progress_updates').selectAll().where('finding_id', '=', findingId)
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])])
    )
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()
}

export async function updateOf(db: Executor, findingId: string, updateId: string) {
  return db.selectFrom('progress_updates').selectAll().where('finding_id', '=', findingId).where('id', '=', updateId).executeTakeFirst()
}

export async function ongoingActionsOf(db: Executor, filter: { findingId?: string; updateIds?: string[]; actionId?: string }) {
  let query = db.selectFrom('ongoing_actions').selectAll()
  if (filter.findingId !== undefined) query = query.where('finding_id', '=', filter.findingId)
  if (filter.updateIds !== undefined) {
    if (filter.updateIds.length === 0) return []
    query = query.where('update_id', 'in', filter.updateIds)
  }
  if (filter.actionId !== undefined) query = query.where('id', '=', filter.actionId)
  // Actions reported together share the update's time; their first dates were recorded in the order reported.
  return query.orderBy('created_at').orderBy(reportedOrder).orderBy('id').execute()
}
const reportedOrder = sql`(select min(d.id) from ongoing_action_dates d where d.action_id = ongoing_actions.id)`
export type OngoingActionRow = Awaited<ReturnType<typeof ongoingActionsOf>>[number]

export async function datesOf(db: Executor, actionIds: string[]) {
  if (actionIds.length === 0) return []
  return db.selectFrom('ongoing_action_dates').selectAll().where('action_id', 'in', actionIds).orderBy('id').execute()
}

export async function updateOngoingAction(db: Executor, id: string, expectedVersion: number, values: { expected_completion?: string | null; status?: string }) {
  return db
    .updateTable('ongoing_actions')
    .set(bumped(values))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returningAll()
    .executeTakeFirst()
}

export async function recordDate(db: Executor, actionId: string, expectedCompletion: string | null, reason: string, author: string | null) {
  await db
    .insertInto('ongoing_action_dates')
    .values({ action_id: actionId, expected_completion: expectedCompletion, reason, changed_by: author })
    .execute()
}

/** Every piece of evidence gathered for a finding so far, oldest update first. */
export async function evidenceOf(db: Executor, findingId: string) {
  const rows = await db
    .selectFrom('progress_updates')
    .select(['id', 'evidence', 'created_at'])
    .where('finding_id', '=', findingId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.flatMap((row) => row.evidence.map((e) => ({ ...e, updateId: row.id })))
}

export async function insertReview(
  db: Executor,
  values: { findingId: string; outcome: string; rationale: string; groupId: string | null; reviewer: string | null }
) {
  return db
    .insertInto('reviews')
    .values({
      finding_id: values.findingId,
      outcome: values.outcome,
      rationale: values.rationale,
      governance_group_id: values.groupId,
      reviewer_key_id: values.reviewer
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function reviewOf(db: Executor, findingId: string, reviewId: string) {
  return db.selectFrom('reviews').selectAll().where('finding_id', '=', findingId).where('id', '=', reviewId).executeTakeFirst()
}

export async function reviewsOf(db: Executor, findingId: string) {
  return db.selectFrom('reviews').selectAll().where('finding_id', '=', findingId).orderBy('created_at', 'desc').orderBy('id').execute()
}

export async function findReview(db: Executor, id: string) {
  return db.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirst()
}
