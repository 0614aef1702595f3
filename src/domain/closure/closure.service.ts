import type { Static } from 'typebox'
import type { Selectable } from 'kysely'
import type { ClosedVia, ClosureTransitionsTable, Db, Executor } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { bumped } from '../../db/versioned.ts'
import { conflict, forbidden, invalidField, notFound } from '../../problems.ts'
import { type Principal, canSeeForce } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import * as apiKeys from '../api-keys/api-keys.repository.ts'
import * as findingsRepo from '../findings/findings.repository.ts'
import { toFinding, visibleFinding } from '../findings/findings.service.ts'
import * as progress from '../progress/progress.repository.ts'
import { forceForRead } from '../shared/force-scope.ts'
import { idempotent } from '../shared/idempotency.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import { type ClosureAction, type ClosureStatus, TRANSITIONS, findingFollows, sameHolder } from './closure.rules.ts'
import type { CreateClosureRequestBody } from './closure.schemas.ts'

const AUDIT = 'closure_request'

async function load(db: Executor, id: string) {
  return db.selectFrom('closure_requests').selectAll().where('id', '=', id).executeTakeFirst()
}
type Row = NonNullable<Awaited<ReturnType<typeof load>>>

/** Several requests with their moves, in two queries whatever the page size. */
async function toViews(db: Executor, rows: Row[]) {
  if (rows.length === 0) return []
  const moves = await db
    .selectFrom('closure_transitions')
    .selectAll()
    .where(
      'request_id',
      'in',
      rows.map((r) => r.id)
    )
    .orderBy('id')
    .execute()
  return rows.map((row) => view(row, moves.filter((t) => t.request_id === row.id)))
}

async function toView(db: Executor, row: Row) {
  const [one] = await toViews(db, [row])
  return one!
}

type Move = Selectable<ClosureTransitionsTable>

function view(row: Row, transitions: Move[]) {
  return {
    id: row.id,
    findingId: row.finding_id,
    force: row.force_code,
    status: row.status as ClosureStatus,
    summary: row.summary,
    evidence: row.evidence as Array<{ title: string; kind: 'other'; location: string | null; date: string | null; updateId: string }>,
    reviewId: row.review_id,
    createdBy: row.created_by,
    submittedBy: row.submitted_by,
    transitions: transitions.map((t) => ({
      action: t.action as ClosureAction | 'create',
      from: t.from_status as ClosureStatus | null,
      to: t.to_status as ClosureStatus,
      note: t.note,
      actor: t.actor_key_id,
      at: t.at.toISOString()
    })),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString()
  }
}

async function visible(db: Executor, principal: Principal, id: string): Promise<Row> {
  const row = await load(db, id)
  if (!row || !canSeeForce(principal, row.force_code)) throw notFound(`No closure request ${id}.`)
  return row
}

async function couldBeSubmitter(db: Executor, submitter: string, actor: string | null): Promise<boolean> {
  if (actor === null) return false
  const submitterHolders = await apiKeys.secretHolders(db, submitter)
  const actorHolders = await apiKeys.secretHolders(db, actor)
  return sameHolder({ id: submitter, holders: submitterHolders }, { id: actor, holders: actorHolders })
}

/** The finding takes the state its request has reached, on the record like any other change. */
async function followFinding(trx: Executor, actor: Actor, findingId: string, status: ClosureStatus) {
  const before = await findingsRepo.findById(trx, findingId)
  if (!before) return
  const next = findingFollows(status)
  const values: { status: string; closed_via: ClosedVia | null; portal_status?: string; portal_note?: string | null } = {
    status: next.status,
    closed_via: next.status === 'closed' ? 'closure_request' : null
  }
  if (next.portalStatus !== undefined) values.portal_status = next.portalStatus
  if (next.portalNote !== undefined) values.portal_note = next.portalNote
  if (before.status === values.status && (values.portal_status ?? before.portal_status) === before.portal_status) return
  await trx.updateTable('findings').set(bumped(values)).where('id', '=', findingId).execute()
  const after = await findingsRepo.findById(trx, findingId)
  await recordAudit(trx, actor, {
    entityType: 'finding',
    entityId: findingId,
    action: `closure:${status}`,
    force: before.force_code,
    before: toFinding(before),
    after: toFinding(after!)
  })
}

export async function createRequest(
  db: Db,
  principal: Principal,
  actor: Actor,
  body: Static<typeof CreateClosureRequestBody>,
  idempotencyKey?: string
) {
  await visibleFinding(db, principal, body.findingId).catch(() => {
    throw invalidField('body', 'findingId', 'is not a finding visible to this key')
  })
  return idempotent(db, principal, idempotencyKey, 'createClosureRequest', body, async (trx) => {
    const current = await findingsRepo.findById(trx, body.findingId)
    if (current!.status === 'closed' || current!.status === 'superseded') {
      throw conflict(`Finding ${current!.reference} is ${current!.status}: there is nothing to close.`)
    }
    if (body.reviewId) {
      const review = await progress.findReview(trx, body.reviewId)
      if (!review || review.finding_id !== body.findingId) throw invalidField('body', 'reviewId', 'is not a review of this finding')
      if (review.imported) throw invalidField('body', 'reviewId', 'is an imported review: a record of a decision made elsewhere, not the board decision a closure request rests on')
      if (review.outcome !== 'request_closure') throw invalidField('body', 'reviewId', `is a review with outcome ${review.outcome}: cite one whose outcome is request_closure`)
    }
    const evidence = await progress.evidenceOf(trx, body.findingId)
    const row = await trx
      .insertInto('closure_requests')
      .values({
        finding_id: body.findingId,
        force_code: current!.force_code,
        status: 'draft',
        summary: body.summary,
        evidence: JSON.stringify(evidence),
        review_id: body.reviewId ?? null,
        created_by: principal.keyId,
        submitted_by: null
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error) => {
        if (isUniqueViolation(error, 'closure_requests_one_live')) {
          throw conflict(`Finding ${current!.reference} already has a closure request under way.`)
        }
        throw error
      })
    await trx.insertInto('closure_transitions').values({ request_id: row.id, action: 'create', from_status: null, to_status: 'draft', note: null, actor_key_id: principal.keyId }).execute()
    await followFinding(trx, actor, body.findingId, 'draft')
    const view = await toView(trx, row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: row.id, rootId: body.findingId, action: 'create', force: row.force_code, after: view })
    return { status: 201, body: view }
  })
}

/**
 * Moves a request on. The move is one guarded update (`where status = <the state it was in>`), so
 * of two concurrent moves from the same state exactly one takes effect; the other is 409.
 */
export async function transition(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  action: ClosureAction,
  note: string | undefined,
  expectedVersion?: number
) {
  const rule = TRANSITIONS[action]
  if (!rule.roles.includes(principal.role)) {
    throw forbidden(`A ${principal.role} key may not ${action.replace(/_/g, ' ')} a closure request. Roles: ${rule.roles.join(', ')}.`)
  }
  if (rule.noteRequired && !note) throw invalidField('body', 'note', `is required to ${action}: record the feedback`)
  return db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      throw conflict(`The request moved on since you read it: it is now ${before.status} at ETag "${before.version}".`)
    }
    const from = before.status as ClosureStatus
    if (!rule.from.includes(from)) {
      throw conflict(`A request that is ${from} cannot be moved by ${action}; ${action} applies to ${rule.from.join(' or ')}.`)
    }
    if (rule.notBySubmitter && before.submitted_by !== null && (await couldBeSubmitter(trx, before.submitted_by, principal.keyId))) {
      throw forbidden(
        'This key may be held by whoever submitted the request: it is the submitting key, one among its issuers, or issued through the same admin key. ' +
          'The board decides: approve with a key issued by the operator or by another admin.'
      )
    }
    const updated = await trx
      .updateTable('closure_requests')
      .set(bumped(action === 'submit' ? { status: rule.to, submitted_by: principal.keyId } : { status: rule.to }))
      .where('id', '=', id)
      .where('status', '=', from)
      .where('version', '=', before.version)
      .returningAll()
      .executeTakeFirst()
    if (!updated) throw conflict(`The request moved on while you acted: it is no longer ${from}.`)
    await trx
      .insertInto('closure_transitions')
      .values({ request_id: id, action, from_status: from, to_status: rule.to, note: note ?? null, actor_key_id: principal.keyId })
      .execute()
    await followFinding(trx, actor, before.finding_id, rule.to)
    const view = await toView(trx, updated)
    await recordAudit(trx, actor, {
      entityType: AUDIT,
      entityId: id,
      rootId: before.finding_id,
      action,
      force: before.force_code,
      before: { status: from },
      after: { status: rule.to, note: note ?? null }
    })
    return view
  })
}

export async function getRequest(db: Db, principal: Principal, id: string) {
  return toView(db, await visible(db, principal, id))
}

export async function listRequests(
  db: Db,
  principal: Principal,
  query: { limit: number; cursor?: string; force?: string; status?: ClosureStatus[]; findingId?: string }
) {
  const force = forceForRead(principal, query.force)
  let select = db.selectFrom('closure_requests').selectAll()
  if (force !== undefined) select = select.where('force_code', '=', force)
  if (query.status) select = select.where('status', 'in', query.status)
  if (query.findingId) select = select.where('finding_id', '=', query.findingId)
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor, ['date', 'uuid'])
    select = select.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]))
  }
  const rows = await select.orderBy('created_at').orderBy('id').limit(query.limit + 1).execute()
  const page = toPage(rows, query.limit, (row) => row, (row) => [row.created_at, row.id])
  return { items: await toViews(db, page.items), nextCursor: page.nextCursor }
}
