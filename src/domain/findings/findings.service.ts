import { type SelectQueryBuilder, sql } from 'kysely'
import type { Static } from 'typebox'
import type { Database, Db, Executor } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { bumped } from '../../db/versioned.ts'
import { conflict, invalidField, notFound } from '../../problems.ts'
import { type Principal, type Role, canSeeForce } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import { assertKnownForce } from '../governance-groups/governance-groups.service.ts'
import * as groups from '../governance-groups/governance-groups.repository.ts'
import * as inspections from '../inspections/inspections.repository.ts'
import { staleOrMissing } from '../shared/concurrency.ts'
import { forceForRead, forceForWrite } from '../shared/force-scope.ts'
import { idempotent } from '../shared/idempotency.ts'
import { type CachedPage, type PageCache, pageKey } from '../shared/page-cache.ts'
import { decodeCursor, encodeCursor } from '../shared/pagination.ts'
import { resolveDeadline } from './deadlines.ts'
import type {
  CreateFindingBody,
  FINDING_KINDS,
  FINDING_SORTS,
  FINDING_STATUSES,
  FindingListQuery,
  PORTAL_STATUSES,
  UpdateFindingBody
} from './findings.schemas.ts'
import * as repo from './findings.repository.ts'

type CreateBody = Static<typeof CreateFindingBody>
type UpdateBody = Static<typeof UpdateFindingBody>
type ListQuery = Static<typeof FindingListQuery> & { limit: number }

const AUDIT = 'finding'
const OPEN_STATES = ['open', 'closure_requested']

export function today(): string {
  return new Date().toISOString().slice(0, 10)
}

export function toFinding(row: repo.FindingRow, asOf = today()) {
  return {
    id: row.id,
    force: row.force_code,
    reference: row.reference,
    kind: row.kind as (typeof FINDING_KINDS)[number],
    title: row.title,
    text: row.text,
    scope: row.scope as 'force' | 'national',
    inspectionId: row.inspection_id,
    parentId: row.parent_id,
    questions: row.questions,
    deadlineText: row.deadline_text,
    dueDate: row.due_date,
    dueDateResolved: row.due_date_resolved,
    overdue: row.due_date !== null && row.due_date < asOf && OPEN_STATES.includes(row.status),
    forceLead: row.force_lead,
    deliveryLead: row.delivery_lead,
    governanceGroupId: row.governance_group_id,
    status: row.status as (typeof FINDING_STATUSES)[number],
    statusNote: row.status_note,
    portalStatus: row.portal_status as (typeof PORTAL_STATUSES)[number],
    portalNote: row.portal_note,
    supersededById: row.superseded_by_id,
    closedVia: row.closed_via,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString()
  }
}
export type FindingView = ReturnType<typeof toFinding>

export function toAction(row: Omit<repo.ActionRow, 'created_at' | 'updated_at'> & { created_at: Date | string; updated_at: Date | string }) {
  return {
    id: row.id,
    findingId: row.finding_id,
    position: row.position,
    text: row.text,
    status: row.status as 'open' | 'done',
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString()
  }
}

export async function visibleFinding(db: Executor, principal: Principal, id: string): Promise<repo.FindingRow> {
  const row = await repo.findById(db, id)
  if (!row || !canSeeForce(principal, row.force_code)) throw notFound(`No finding ${id}.`)
  return row
}

function referenceTaken(error: unknown, reference: string | undefined): never {
  if (isUniqueViolation(error, 'findings_reference')) throw conflict(`The register already has a finding with reference ${reference}.`)
  throw error
}

/**
 * Closed and closure requested belong to the closure workflow (POST /v1/closure-requests); a
 * historic closure comes in by import. No create or PATCH may set them.
 */
function refuseWorkflowStatus(status: string): void {
  if (status === 'closure_requested') throw invalidField('body', 'status', 'closure_requested is set by a closure request: POST /v1/closure-requests')
  if (status === 'closed') {
    throw invalidField('body', 'status', 'closed is reached through a closure request (POST /v1/closure-requests), or brought in by an import for a closure made before the register was kept here')
  }
}

/**
 * The rules a finding's fields must keep together, checked against the register before writing:
 * links stay inside the force; only a recommendation has a parent, and it is a cause of concern;
 * supersededById is set exactly when the status is superseded.
 */
async function checkLinks(trx: Executor, force: string, id: string | null, next: {
  kind: string
  status: string
  parentId: string | null
  supersededById: string | null
  inspectionId: string | null
  governanceGroupId: string | null
  questions?: Array<{ framework: string; ref: string }>
}): Promise<void> {
  if (next.parentId !== null) {
    if (next.kind !== 'recommendation') throw invalidField('body', 'parentId', 'is only for a recommendation (its cause of concern)')
    const [parent] = await repo.kindsOf(trx, [next.parentId])
    if (!parent || parent.force_code !== force) throw invalidField('body', 'parentId', 'is not a finding of this register')
    if (parent.kind !== 'cause_of_concern') throw invalidField('body', 'parentId', 'must be a cause of concern')
  }
  if (next.status === 'superseded' && next.supersededById === null) {
    throw invalidField('body', 'supersededById', 'is required when status is superseded: name the finding that replaced it')
  }
  if (next.status !== 'superseded' && next.supersededById !== null) {
    throw invalidField('body', 'status', 'must be superseded when supersededById is set')
  }
  if (next.supersededById !== null) {
    if (next.supersededById === id) throw invalidField('body', 'supersededById', 'cannot be the finding itself')
    const [successor] = await repo.kindsOf(trx, [next.supersededById])
    if (!successor || successor.force_code !== force) throw invalidField('body', 'supersededById', 'is not a finding of this register')
  }
  if (next.inspectionId !== null) {
    const inspection = await inspections.findById(trx, next.inspectionId)
    if (!inspection || inspection.force_code !== force) throw invalidField('body', 'inspectionId', 'is not an inspection of this register')
  }
  if (next.governanceGroupId !== null) {
    const group = await groups.findById(trx, next.governanceGroupId)
    if (!group || group.force_code !== force) throw invalidField('body', 'governanceGroupId', 'is not a governance group of this register')
  }
  if (next.questions && next.questions.length > 0) {
    const unknown = await repo.unknownQuestions(trx, next.questions)
    if (unknown.length > 0) {
      throw invalidField('body', 'questions', `has no such framework question: ${unknown.map((q) => `${q.framework} ${q.ref}`).join(', ')}`)
    }
  }
}

async function publishedOn(trx: Executor, inspectionId: string | null): Promise<string | null> {
  if (inspectionId === null) return null
  return (await inspections.findById(trx, inspectionId))?.published_on ?? null
}

/** A finding with its actions, in one query; not found if the principal (when given) may not see it. */
async function detail(db: Executor, id: string, principal?: Principal) {
  const row = await repo.findWithActions(db, id)
  if (!row || (principal && !canSeeForce(principal, row.force_code))) throw notFound(`No finding ${id}.`)
  const { actions, ...finding } = row
  return { ...toFinding(finding), actions: actions.map(toAction) }
}

export async function getFinding(db: Db, principal: Principal, id: string) {
  return detail(db, id, principal)
}

export async function createFinding(db: Db, principal: Principal, actor: Actor, body: CreateBody, idempotencyKey?: string) {
  const force = forceForWrite(principal, body.force)
  return idempotent(db, principal, idempotencyKey, 'createFinding', body, async (trx) => {
    await assertKnownForce(trx, force)
    const next = {
      kind: body.kind,
      status: body.status ?? 'open',
      parentId: body.parentId ?? null,
      supersededById: body.supersededById ?? null,
      inspectionId: body.inspectionId ?? null,
      governanceGroupId: body.governanceGroupId ?? null,
      questions: body.questions
    }
    if (body.status !== undefined) refuseWorkflowStatus(body.status)
    await checkLinks(trx, force, null, next)
    const resolved = body.dueDate === undefined ? resolveDeadline(body.deadlineText, await publishedOn(trx, next.inspectionId)) : null
    const id = await repo
      .insert(trx, force, {
        reference: body.reference,
        kind: body.kind,
        title: body.title,
        text: body.text,
        scope: body.scope ?? 'force',
        inspection_id: next.inspectionId,
        parent_id: next.parentId,
        deadline_text: body.deadlineText ?? null,
        due_date: body.dueDate ?? resolved,
        due_date_resolved: body.dueDate === undefined && resolved !== null,
        force_lead: body.forceLead ?? null,
        delivery_lead: body.deliveryLead ?? null,
        governance_group_id: next.governanceGroupId,
        status: next.status,
        status_note: body.statusNote ?? null,
        portal_status: body.portalStatus ?? 'open',
        portal_note: body.portalNote ?? null,
        superseded_by_id: next.supersededById
      })
      .catch((error) => referenceTaken(error, body.reference))
    await repo.replaceQuestions(trx, id, body.questions ?? [])
    await repo.insertActions(trx, id, (body.actions ?? []).map((a) => ({ text: a.text, status: a.status ?? 'open' })))
    const view = await detail(trx, id)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'create', force, after: view })
    return { status: 201, body: view }
  })
}

export async function updateFinding(db: Db, principal: Principal, actor: Actor, id: string, version: number, body: UpdateBody) {
  return db.transaction().execute(async (trx) => {
    const before = await visibleFinding(trx, principal, id)
    const pick = <K extends keyof UpdateBody, V>(key: K, current: V) => (body[key] === undefined ? current : (body[key] as V))
    const next = {
      kind: pick('kind', before.kind),
      status: pick('status', before.status),
      parentId: pick('parentId', before.parent_id),
      supersededById: pick('supersededById', before.superseded_by_id),
      inspectionId: pick('inspectionId', before.inspection_id),
      governanceGroupId: pick('governanceGroupId', before.governance_group_id),
      questions: body.questions
    }
    await checkLinks(trx, before.force_code, id, next)
    if (body.status !== undefined && body.status !== before.status) {
      refuseWorkflowStatus(body.status)
      const live = await trx
        .selectFrom('closure_requests')
        .select('id')
        .where('finding_id', '=', id)
        .where('status', 'not in', ['closed', 'rejected', 'withdrawn'])
        .executeTakeFirst()
      if (live) throw conflict(`Closure request ${live.id} is under way: its transitions set the status.`)
    }
    if (next.parentId === id) throw invalidField('body', 'parentId', 'cannot be the finding itself')

    const values: repo.FindingValues = {}
    const columns: Array<[keyof UpdateBody, keyof repo.FindingValues]> = [
      ['reference', 'reference'],
      ['kind', 'kind'],
      ['title', 'title'],
      ['text', 'text'],
      ['scope', 'scope'],
      ['inspectionId', 'inspection_id'],
      ['parentId', 'parent_id'],
      ['deadlineText', 'deadline_text'],
      ['forceLead', 'force_lead'],
      ['deliveryLead', 'delivery_lead'],
      ['governanceGroupId', 'governance_group_id'],
      ['status', 'status'],
      ['statusNote', 'status_note'],
      ['portalStatus', 'portal_status'],
      ['portalNote', 'portal_note'],
      ['supersededById', 'superseded_by_id']
    ]
    for (const [field, column] of columns) {
      if (body[field] !== undefined) (values as Record<string, unknown>)[column] = body[field]
    }
    if (values.status !== undefined && values.status !== before.status) values.closed_via = null
    // A date given is kept as given; otherwise it follows the deadline's words and the inspection.
    if (body.dueDate !== undefined) {
      values.due_date = body.dueDate
      values.due_date_resolved = false
    } else if ((body.deadlineText !== undefined || body.inspectionId !== undefined) && (before.due_date_resolved || before.due_date === null)) {
      const resolved = resolveDeadline(pick('deadlineText', before.deadline_text), await publishedOn(trx, next.inspectionId))
      values.due_date = resolved
      values.due_date_resolved = resolved !== null
    }

    const updated = await repo.update(trx, id, version, values).catch((error) => referenceTaken(error, body.reference))
    if (!updated) staleOrMissing(before, `finding ${id}`)
    if (body.questions !== undefined) await repo.replaceQuestions(trx, id, body.questions)
    const after = await repo.findById(trx, id)
    const view = toFinding(after!)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'update', force: before.force_code, before: toFinding(before), after: view })
    return { ...view, actions: (await repo.actionsOf(trx, id)).map(toAction) }
  })
}

/** Keeps resolved due dates in step when an inspection's publication date changes. */
export async function refreshResolvedDueDates(trx: Executor, actor: Actor, inspectionId: string, published: string | null) {
  const rows = await repo
    .selectFindings(trx)
    .where('findings.inspection_id', '=', inspectionId)
    .where((eb) => eb.or([eb('findings.due_date_resolved', '=', true), eb('findings.due_date', 'is', null)]))
    .where('findings.deadline_text', 'is not', null)
    .execute()
  for (const row of rows) {
    const resolved = resolveDeadline(row.deadline_text, published)
    if (resolved === row.due_date) continue
    await trx
      .updateTable('findings')
      .set(bumped({ due_date: resolved, due_date_resolved: resolved !== null }))
      .where('id', '=', row.id)
      .execute()
    const after = await repo.findById(trx, row.id)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: row.id, action: 'update', force: row.force_code, before: toFinding(row), after: toFinding(after!) })
  }
}

// ---- listing

type Sort = (typeof FINDING_SORTS)[number] | 'rank'

function sortExpression(sort: Sort, q: string | undefined) {
  switch (sort) {
    case 'reference':
    case '-reference':
      return { expr: sql<string>`findings.reference`, type: 'string' as const }
    case 'dueDate':
    case '-dueDate':
      // Undated findings last, whichever the direction.
      return { expr: sql<string>`coalesce(findings.due_date, ${sort === 'dueDate' ? '9999-12-31' : '0001-01-01'}::date)::text`, type: 'string' as const }
    case 'updatedAt':
    case '-updatedAt':
      return { expr: sql<string>`to_char(findings.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')`, type: 'string' as const }
    case 'createdAt':
    case '-createdAt':
      return { expr: sql<string>`to_char(findings.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')`, type: 'string' as const }
    case 'rank':
      return { expr: repo.rankOf(q!), type: 'rank' as const }
  }
}

/** The filters, order and cursor of a findings list page, over a given selection. */
function listPage<O extends { id: string }>(db: Db, principal: Principal, query: ListQuery, select: (db: Db, asOf: string) => SelectQueryBuilder<Database, 'findings', O>) {
  const force = forceForRead(principal, query.force)
  const q = query.q?.trim() ? query.q.trim() : undefined
  const sort: Sort = query.sort ?? (q ? 'rank' : 'reference')
  const descending = sort.startsWith('-') || sort === 'rank'
  const { expr } = sortExpression(sort, q)
  const asOf = query.asOf ?? today()
  let question: { framework: string; ref: string } | undefined
  if (query.question) {
    const [framework, ref] = query.question.split(':') as [string, string]
    question = { framework, ref }
  }
  let page = repo
    .narrowed(select(db, asOf), {
      force,
      reference: query.reference,
      kinds: query.kind,
      statuses: query.status,
      portalStatuses: query.portalStatus,
      scope: query.scope,
      inspectionId: query.inspectionId,
      category: query.category,
      question,
      lead: query.lead,
      forceLead: query.forceLead,
      deliveryLead: query.deliveryLead,
      governanceGroupId: query.governanceGroupId,
      parentId: query.parentId,
      discrepancy: query.discrepancy,
      topLevel: query.topLevel,
      overdueOn: query.overdue === true ? asOf : undefined,
      dueBefore: query.dueBefore,
      dueAfter: query.dueAfter,
      q
    })
    .select(expr.as('sort_key'))

  if (query.overdue === false) {
    page = page.where((eb) =>
      eb.or([eb('findings.due_date', 'is', null), eb('findings.due_date', '>=', asOf), eb('findings.status', 'not in', OPEN_STATES)])
    )
  }

  if (query.cursor !== undefined) {
    const [key, id] = sort === 'rank' ? decodeCursor(query.cursor, ['decimal', 'uuid']) : decodeCursor(query.cursor, ['text', 'uuid'])
    const value = sort === 'rank' ? sql<string>`${key}::numeric` : sql<string>`${key}`
    page = page.where((eb) =>
      eb.or([
        eb(expr, descending ? '<' : '>', value),
        eb.and([eb(expr, '=', value), eb('findings.id', '>', id)])
      ])
    )
  }

  return {
    asOf,
    /** The page's rows, and the cursor of the page after it (null on the last). */
    async fetch() {
      const rows = await page
        .orderBy(expr, descending ? 'desc' : 'asc')
        .orderBy('findings.id')
        .limit(query.limit + 1)
        .execute()
      const items = rows.slice(0, query.limit)
      const last = items.at(-1)
      return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([String(last.sort_key), last.id]) : null }
    }
  }
}

/** A page of findings, each with the names of what it links to (for the CSV form, where a person reads ids poorly). */
export async function listFindings(db: Db, principal: Principal, query: ListQuery) {
  const list = listPage(db, principal, query, (db) => repo.selectFindingsWithNames(db))
  const { items, nextCursor } = await list.fetch()
  return {
    items: items.map((row) => ({
      ...toFinding(row, list.asOf),
      inspectionKey: row.inspection_key,
      inspectionTitle: row.inspection_title,
      parentReference: row.parent_reference,
      governanceGroupName: row.governance_group_name,
      supersededByReference: row.superseded_by_reference
    })),
    nextCursor
  }
}
export type NamedFindingView = Awaited<ReturnType<typeof listFindings>>['items'][number]

/**
 * The same page as listFindings, as the response body: PostgreSQL builds each finding's JSON, so
 * a page of long texts is neither parsed into objects nor serialised again; and a page asked for
 * again is given from the cache while its register is unchanged (shared/page-cache.ts). The
 * page's date (asOf, today by default) is part of its key, so `overdue` is never a day behind.
 */
export async function listFindingsJson(db: Db, principal: Principal, query: ListQuery, cache: PageCache): Promise<CachedPage> {
  const force = forceForRead(principal, query.force)
  const pageQuery: ListQuery = { ...query, force, asOf: query.asOf ?? today() }
  return cache.page(db, force ?? null, pageKey(pageQuery), async () => {
    const list = listPage(db, principal, pageQuery, (db, asOf) =>
      db.selectFrom('findings').select(['findings.id', repo.findingJson(asOf).as('json'), sql<string>`pg_current_snapshot()::text`.as('snapshot')])
    )
    const { items, nextCursor } = await list.fetch()
    return {
      body: `{"items":[${items.map((row) => row.json).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`,
      snapshot: items[0]?.snapshot ?? null
    }
  })
}

// ---- actions

export async function listActions(db: Db, principal: Principal, findingId: string) {
  await visibleFinding(db, principal, findingId)
  return { items: (await repo.actionsOf(db, findingId)).map(toAction), nextCursor: null }
}

export async function getAction(db: Db, principal: Principal, findingId: string, actionId: string) {
  await visibleFinding(db, principal, findingId)
  const row = await repo.findAction(db, findingId, actionId)
  if (!row) throw notFound(`Finding ${findingId} has no action ${actionId}.`)
  return toAction(row)
}

export async function addAction(db: Db, principal: Principal, actor: Actor, findingId: string, body: { text: string; status?: string }, idempotencyKey?: string) {
  const finding = await visibleFinding(db, principal, findingId)
  return idempotent(db, principal, idempotencyKey, `addAction:${findingId}`, body, async (trx) => {
    const [row] = await repo.insertActions(trx, findingId, [{ text: body.text, status: body.status ?? 'open' }])
    const view = toAction(row!)
    await recordAudit(trx, actor, { entityType: 'finding_action', entityId: view.id, rootId: findingId, action: 'create', force: finding.force_code, after: view })
    return { status: 201, body: view }
  })
}

export async function updateAction(
  db: Db,
  principal: Principal,
  actor: Actor,
  findingId: string,
  actionId: string,
  version: number,
  body: { text?: string; status?: string }
) {
  return db.transaction().execute(async (trx) => {
    const finding = await visibleFinding(trx, principal, findingId)
    const before = await repo.findAction(trx, findingId, actionId)
    if (!before) throw notFound(`Finding ${findingId} has no action ${actionId}.`)
    const row = await repo.updateAction(trx, actionId, version, body)
    if (!row) staleOrMissing(before, `action ${actionId}`)
    const view = toAction(row)
    await recordAudit(trx, actor, {
      entityType: 'finding_action',
      entityId: actionId,
      rootId: findingId,
      action: 'update',
      force: finding.force_code,
      before: toAction(before),
      after: view
    })
    return view
  })
}

export async function removeAction(db: Db, principal: Principal, actor: Actor, findingId: string, actionId: string, version: number) {
  await db.transaction().execute(async (trx) => {
    const finding = await visibleFinding(trx, principal, findingId)
    const before = await repo.findAction(trx, findingId, actionId)
    if (!before) throw notFound(`Finding ${findingId} has no action ${actionId}.`)
    if (!(await repo.deleteAction(trx, actionId, version))) staleOrMissing(before, `action ${actionId}`)
    await recordAudit(trx, actor, { entityType: 'finding_action', entityId: actionId, rootId: findingId, action: 'delete', force: finding.force_code, before: toAction(before) })
  })
}

// ---- history

export async function findingHistory(db: Db, principal: Principal, findingId: string, query: { limit: number; cursor?: string }) {
  await visibleFinding(db, principal, findingId)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['serial'])[0]
  const rows = await repo.history(db, findingId, after, query.limit + 1)
  const page = rows.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map((row) => ({
      id: String(row.id),
      at: row.occurred_at.toISOString(),
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      // Keys are never deleted, so the key behind an entry is always found.
      actor: row.actor_key_id && row.actor_name !== null && row.actor_role !== null ? { keyId: row.actor_key_id, name: row.actor_name, role: row.actor_role as Role } : null,
      requestId: row.request_id,
      before: row.before,
      after: row.after
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([String(last.id)]) : null
  }
}
