import type { Static } from 'typebox'
import type { Db, Executor } from '../../db/database.ts'
import { invalidField, notFound } from '../../problems.ts'
import type { Principal } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import { visibleFinding } from '../findings/findings.service.ts'
import * as groups from '../governance-groups/governance-groups.repository.ts'
import { staleOrMissing } from '../shared/concurrency.ts'
import { idempotent } from '../shared/idempotency.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import type { CreateProgressUpdateBody, CreateReviewBody, REVIEW_OUTCOMES, UpdateOngoingActionBody } from './progress.schemas.ts'
import * as repo from './progress.repository.ts'

type UpdateBody = Static<typeof CreateProgressUpdateBody>

const DAY_MS = 86_400_000
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS)

/** Ongoing actions with their date history and how far they have slipped, for a set of rows. */
async function withHistory(db: Executor, rows: repo.OngoingActionRow[]) {
  const dates = await repo.datesOf(db, rows.map((r) => r.id))
  return rows.map((row) => {
    const history = dates.filter((d) => d.action_id === row.id)
    const first = history.find((d) => d.expected_completion !== null)?.expected_completion ?? null
    const slip = first && row.expected_completion ? Math.max(0, days(first, row.expected_completion)) : 0
    return {
      id: row.id,
      findingId: row.finding_id,
      updateId: row.update_id,
      description: row.description,
      anticipatedImpact: row.anticipated_impact,
      expectedCompletion: row.expected_completion,
      status: row.status as 'ongoing' | 'not_started' | 'completed',
      dateHistory: history.map((d) => ({
        expectedCompletion: d.expected_completion,
        reason: d.reason,
        changedAt: d.changed_at.toISOString(),
        changedBy: d.changed_by
      })),
      slippageDays: slip,
      version: row.version,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString()
    }
  })
}

type UpdateRow = Awaited<ReturnType<typeof repo.updatesOf>>[number]

async function toUpdates(db: Executor, rows: UpdateRow[]) {
  const actions = await withHistory(db, await repo.ongoingActionsOf(db, { updateIds: rows.map((r) => r.id) }))
  return rows.map((row) => ({
    id: row.id,
    findingId: row.finding_id,
    position: row.position,
    activities: row.activities,
    impact: row.impact,
    evidence: row.evidence.map((e) => ({ title: e.title, kind: e.kind as 'other', location: e.location, date: e.date })),
    ongoingActions: actions.filter((a) => a.updateId === row.id),
    author: row.author_key_id,
    imported: row.imported,
    createdAt: row.created_at.toISOString()
  }))
}

export async function addUpdate(db: Db, principal: Principal, actor: Actor, findingId: string, body: UpdateBody, idempotencyKey?: string) {
  const finding = await visibleFinding(db, principal, findingId)
  return idempotent(db, principal, idempotencyKey, `addProgressUpdate:${findingId}`, body, async (trx) => {
    const row = await repo.insertUpdate(trx, {
      findingId,
      position: body.position,
      activities: body.activities,
      impact: body.impact ?? null,
      evidence: (body.evidence ?? []).map((e) => ({ title: e.title, kind: e.kind, location: e.location, date: e.date })),
      author: principal.keyId
    })
    for (const action of body.ongoingActions ?? []) {
      await repo.insertOngoingAction(
        trx,
        {
          findingId,
          updateId: row.id,
          description: action.description,
          anticipatedImpact: action.anticipatedImpact ?? null,
          expectedCompletion: action.expectedCompletion ?? null,
          status: action.status ?? 'ongoing'
        },
        principal.keyId
      )
    }
    const [view] = await toUpdates(trx, [row])
    await recordAudit(trx, actor, { entityType: 'progress_update', entityId: row.id, rootId: findingId, action: 'create', force: finding.force_code, after: view })
    return { status: 201, body: view! }
  })
}

export async function listUpdates(db: Db, principal: Principal, findingId: string, query: { limit: number; cursor?: string }) {
  await visibleFinding(db, principal, findingId)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['date', 'uuid'])
  const rows = await repo.updatesOf(db, findingId, after && { createdAt: after[0], id: after[1] }, query.limit + 1)
  const page = toPage(rows, query.limit, (row) => row, (row) => [row.created_at, row.id])
  return { items: await toUpdates(db, page.items), nextCursor: page.nextCursor }
}

export async function getUpdate(db: Db, principal: Principal, findingId: string, updateId: string) {
  await visibleFinding(db, principal, findingId)
  const row = await repo.updateOf(db, findingId, updateId)
  if (!row) throw notFound(`Finding ${findingId} has no progress update ${updateId}.`)
  const [view] = await toUpdates(db, [row])
  return view!
}

export async function getOngoingAction(db: Db, principal: Principal, findingId: string, actionId: string) {
  await visibleFinding(db, principal, findingId)
  const [row] = await repo.ongoingActionsOf(db, { findingId, actionId })
  if (!row) throw notFound(`Finding ${findingId} has no ongoing action ${actionId}.`)
  const [view] = await withHistory(db, [row])
  return view!
}

export async function listOngoingActions(db: Db, principal: Principal, findingId: string) {
  await visibleFinding(db, principal, findingId)
  return { items: await withHistory(db, await repo.ongoingActionsOf(db, { findingId })), nextCursor: null }
}

export async function changeOngoingAction(
  db: Db,
  principal: Principal,
  actor: Actor,
  findingId: string,
  actionId: string,
  version: number,
  body: Static<typeof UpdateOngoingActionBody>
) {
  return db.transaction().execute(async (trx) => {
    const finding = await visibleFinding(trx, principal, findingId)
    const [before] = await repo.ongoingActionsOf(trx, { findingId, actionId })
    if (!before) throw notFound(`Finding ${findingId} has no ongoing action ${actionId}.`)
    const moving = body.expectedCompletion !== undefined && body.expectedCompletion !== before.expected_completion
    if (moving && body.reason === undefined) {
      throw invalidField('body', 'reason', 'is required to move the expected completion date: say why it moved')
    }
    const values: { expected_completion?: string | null; status?: string } = {}
    if (moving) values.expected_completion = body.expectedCompletion
    if (body.status !== undefined) values.status = body.status
    const row = await repo.updateOngoingAction(trx, actionId, version, values)
    if (!row) staleOrMissing(before, `ongoing action ${actionId}`)
    if (moving) await repo.recordDate(trx, actionId, body.expectedCompletion ?? null, body.reason!, principal.keyId)
    const [beforeView] = await withHistory(trx, [before])
    const [view] = await withHistory(trx, [row])
    await recordAudit(trx, actor, {
      entityType: 'ongoing_action',
      entityId: actionId,
      rootId: findingId,
      action: 'update',
      force: finding.force_code,
      before: beforeView,
      after: view
    })
    return view!
  })
}

function toReview(row: Awaited<ReturnType<typeof repo.reviewsOf>>[number]) {
  return {
    id: row.id,
    findingId: row.finding_id,
    outcome: row.outcome as (typeof REVIEW_OUTCOMES)[number],
    rationale: row.rationale,
    governanceGroupId: row.governance_group_id,
    reviewer: row.reviewer_key_id,
    imported: row.imported,
    createdAt: row.created_at.toISOString()
  }
}

export async function addReview(
  db: Db,
  principal: Principal,
  actor: Actor,
  findingId: string,
  body: Static<typeof CreateReviewBody>,
  idempotencyKey?: string
) {
  const finding = await visibleFinding(db, principal, findingId)
  return idempotent(db, principal, idempotencyKey, `addReview:${findingId}`, body, async (trx) => {
    const groupId = body.governanceGroupId ?? null
    if (groupId !== null) {
      const group = await groups.findById(trx, groupId)
      if (!group || group.force_code !== finding.force_code) throw invalidField('body', 'governanceGroupId', 'is not a governance group of this register')
    }
    const row = await repo.insertReview(trx, { findingId, outcome: body.outcome, rationale: body.rationale, groupId, reviewer: principal.keyId })
    const view = toReview(row)
    await recordAudit(trx, actor, { entityType: 'review', entityId: row.id, rootId: findingId, action: 'create', force: finding.force_code, after: view })
    return { status: 201, body: view }
  })
}

export async function getReview(db: Db, principal: Principal, findingId: string, reviewId: string) {
  await visibleFinding(db, principal, findingId)
  const row = await repo.reviewOf(db, findingId, reviewId)
  if (!row) throw notFound(`Finding ${findingId} has no review ${reviewId}.`)
  return toReview(row)
}

export async function listReviews(db: Db, principal: Principal, findingId: string) {
  await visibleFinding(db, principal, findingId)
  return { items: (await repo.reviewsOf(db, findingId)).map(toReview), nextCursor: null }
}
