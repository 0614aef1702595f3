import type { Static } from 'typebox'
import type { Db, Executor } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { conflict, invalidField, notFound } from '../../problems.ts'
import { type Principal, canSeeForce } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import { countLinkedTo } from '../findings/findings.repository.ts'
import { refreshResolvedDueDates } from '../findings/findings.service.ts'
import * as frameworks from '../frameworks/frameworks.repository.ts'
import { assertKnownForce } from '../governance-groups/governance-groups.service.ts'
import { staleOrMissing } from '../shared/concurrency.ts'
import { forceForRead, forceForWrite } from '../shared/force-scope.ts'
import { idempotent } from '../shared/idempotency.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import type { CATEGORIES, CreateInspectionBody, INSPECTION_KINDS, SCOPES, UpdateInspectionBody } from './inspections.schemas.ts'
import * as repo from './inspections.repository.ts'

type Row = NonNullable<Awaited<ReturnType<typeof repo.findById>>>
type CreateBody = Static<typeof CreateInspectionBody>
type UpdateBody = Static<typeof UpdateInspectionBody>

export function toInspection(row: Row) {
  return {
    id: row.id,
    force: row.force_code,
    key: row.key,
    title: row.title,
    label: row.label,
    kind: row.kind as (typeof INSPECTION_KINDS)[number],
    category: row.category as (typeof CATEGORIES)[number],
    scope: row.scope as (typeof SCOPES)[number],
    year: row.year,
    startedOn: row.started_on,
    endedOn: row.ended_on,
    publishedOn: row.published_on,
    framework: row.framework_key,
    milestones: row.milestones as CreateBody['milestones'] & object,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString()
  }
}

const AUDIT = 'inspection'

async function visible(db: Executor, principal: Principal, id: string): Promise<Row> {
  const row = await repo.findById(db, id)
  if (!row || !canSeeForce(principal, row.force_code)) throw notFound(`No inspection ${id}.`)
  return row
}

/** The columns a create or update body sets; fields it leaves out are left as they are. */
function valuesOf(body: UpdateBody): repo.InspectionValues {
  const values: repo.InspectionValues = {}
  if (body.key !== undefined) values.key = body.key
  if (body.title !== undefined) values.title = body.title
  if (body.label !== undefined) values.label = body.label
  if (body.kind !== undefined) values.kind = body.kind
  if (body.category !== undefined) values.category = body.category
  if (body.scope !== undefined) values.scope = body.scope
  if (body.year !== undefined) values.year = body.year
  if (body.startedOn !== undefined) values.started_on = body.startedOn
  if (body.endedOn !== undefined) values.ended_on = body.endedOn
  if (body.publishedOn !== undefined) values.published_on = body.publishedOn
  if (body.framework !== undefined) values.framework_key = body.framework
  if (body.milestones !== undefined) values.milestones = JSON.stringify(body.milestones)
  return values
}

async function checkFields(db: Executor, body: UpdateBody, current?: Row): Promise<void> {
  if (body.framework !== undefined && body.framework !== null && !(await frameworks.findFramework(db, body.framework))) {
    throw invalidField('body', 'framework', `is not a framework version: ${body.framework}`)
  }
  const started = body.startedOn === undefined ? current?.started_on : body.startedOn
  const ended = body.endedOn === undefined ? current?.ended_on : body.endedOn
  if (started && ended && ended < started) throw invalidField('body', 'endedOn', 'must not be before startedOn')
}

function keyTaken(error: unknown, key: string | undefined): never {
  if (isUniqueViolation(error, 'inspections_key')) throw conflict(`The register already has an inspection with key ${key}.`)
  throw error
}

export async function listInspections(
  db: Db,
  principal: Principal,
  query: { limit: number; cursor?: string; force?: string; category?: string; kind?: string; scope?: string; year?: number }
) {
  const force = forceForRead(principal, query.force)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['text', 'text'])
  const rows = await repo.list(db, { ...query, force, after: after && { force: after[0], key: after[1] }, limit: query.limit + 1 })
  return toPage(rows, query.limit, toInspection, (row) => [row.force_code, row.key])
}

export async function getInspection(db: Db, principal: Principal, id: string) {
  return toInspection(await visible(db, principal, id))
}

export async function createInspection(db: Db, principal: Principal, actor: Actor, body: CreateBody, idempotencyKey?: string) {
  const force = forceForWrite(principal, body.force)
  return idempotent(db, principal, idempotencyKey, 'createInspection', body, async (trx) => {
    await assertKnownForce(trx, force)
    await checkFields(trx, body)
    const row = await repo
      .insert(trx, force, {
        ...valuesOf(body),
        key: body.key,
        title: body.title,
        kind: body.kind,
        category: body.category,
        scope: body.scope,
        year: body.year,
        milestones: JSON.stringify(body.milestones ?? [])
      })
      .catch((error) => keyTaken(error, body.key))
    const view = toInspection(row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: row.id, action: 'create', force, after: view })
    return { status: 201, body: view }
  })
}

export async function updateInspection(db: Db, principal: Principal, actor: Actor, id: string, version: number, body: UpdateBody) {
  return db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    await checkFields(trx, body, before)
    const row = await repo.update(trx, id, version, valuesOf(body)).catch((error) => keyTaken(error, body.key))
    if (!row) staleOrMissing(before, `inspection ${id}`)
    if (row.published_on !== before.published_on) await refreshResolvedDueDates(trx, actor, id, row.published_on)
    const view = toInspection(row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'update', force: row.force_code, before: toInspection(before), after: view })
    return view
  })
}

export async function deleteInspection(db: Db, principal: Principal, actor: Actor, id: string, version: number) {
  await db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    const count = await countLinkedTo(trx, 'inspection_id', id)
    if (count > 0) throw conflict(`${count} findings came from this inspection: it cannot be removed while they are on the register.`)
    const removed = await repo.remove(trx, id, version).catch((error: { code?: string }) => {
      if (error?.code === '23503') throw conflict('Findings came from this inspection: it cannot be removed.')
      throw error
    })
    if (!removed) staleOrMissing(before, `inspection ${id}`)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'delete', force: before.force_code, before: toInspection(before) })
  })
}
