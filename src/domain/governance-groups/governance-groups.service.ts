import type { Db, Executor } from '../../db/database.ts'
import { isUniqueViolation } from '../../db/errors.ts'
import { conflict, invalidField, notFound } from '../../problems.ts'
import { type Principal, canSeeForce } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import { countLinkedTo } from '../findings/findings.repository.ts'
import * as forces from '../forces/forces.repository.ts'
import { staleOrMissing } from '../shared/concurrency.ts'
import { forceForRead, forceForWrite } from '../shared/force-scope.ts'
import { idempotent } from '../shared/idempotency.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import * as repo from './governance-groups.repository.ts'

type Row = NonNullable<Awaited<ReturnType<typeof repo.findById>>>

export function toGroup(row: Row) {
  return {
    id: row.id,
    force: row.force_code,
    name: row.name,
    chair: row.chair,
    meetingFrequency: row.meeting_frequency,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString()
  }
}
export type GroupView = ReturnType<typeof toGroup>

const AUDIT = 'governance_group'

async function visible(db: Executor, principal: Principal, id: string): Promise<Row> {
  const row = await repo.findById(db, id)
  if (!row || !canSeeForce(principal, row.force_code)) throw notFound(`No governance group ${id}.`)
  return row
}

export async function assertKnownForce(db: Executor, force: string): Promise<void> {
  if (!(await forces.exists(db, force))) throw invalidField('body', 'force', `is not a known force code: ${force}`)
}

function nameTaken(error: unknown, name: string): never {
  if (isUniqueViolation(error, 'governance_groups_name')) throw conflict(`The register already has a governance group named ${name}.`)
  throw error
}

export async function listGroups(db: Db, principal: Principal, query: { limit: number; cursor?: string; force?: string }) {
  const force = forceForRead(principal, query.force)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['text', 'text', 'uuid'])
  const rows = await repo.list(db, { force, after: after && { force: after[0], name: after[1], id: after[2] }, limit: query.limit + 1 })
  return toPage(rows, query.limit, toGroup, (row) => [row.force_code, row.name, row.id])
}

export async function getGroup(db: Db, principal: Principal, id: string) {
  return toGroup(await visible(db, principal, id))
}

export async function createGroup(
  db: Db,
  principal: Principal,
  actor: Actor,
  body: { force?: string; name: string; chair?: string | null; meetingFrequency?: string | null },
  idempotencyKey?: string
) {
  const force = forceForWrite(principal, body.force)
  return idempotent(db, principal, idempotencyKey, 'createGovernanceGroup', body, async (trx) => {
    await assertKnownForce(trx, force)
    const row = await repo
      .insert(trx, force, { name: body.name, chair: body.chair ?? null, meeting_frequency: body.meetingFrequency ?? null })
      .catch((error) => nameTaken(error, body.name))
    const view = toGroup(row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: row.id, action: 'create', force, after: view })
    return { status: 201, body: view }
  })
}

export async function updateGroup(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  version: number,
  body: { name?: string; chair?: string | null; meetingFrequency?: string | null }
) {
  return db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    const values: Partial<repo.GroupValues> = {}
    if (body.name !== undefined) values.name = body.name
    if (body.chair !== undefined) values.chair = body.chair
    if (body.meetingFrequency !== undefined) values.meeting_frequency = body.meetingFrequency
    const row = await repo.update(trx, id, version, values).catch((error) => nameTaken(error, body.name ?? ''))
    if (!row) staleOrMissing(before, `governance group ${id}`)
    const view = toGroup(row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'update', force: row.force_code, before: toGroup(before), after: view })
    return view
  })
}

export async function deleteGroup(db: Db, principal: Principal, actor: Actor, id: string, version: number) {
  await db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    const assigned = await countLinkedTo(trx, 'governance_group_id', id)
    if (assigned > 0) throw conflict(`${assigned} findings are assigned to this group: reassign them first.`)
    const removed = await repo.remove(trx, id, version).catch((error: { code?: string }) => {
      // A finding assigned to the group meanwhile: the foreign key refuses, and so do we.
      if (error?.code === '23503') throw conflict('Findings are assigned to this group: reassign them first.')
      throw error
    })
    if (!removed) staleOrMissing(before, `governance group ${id}`)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'delete', force: before.force_code, before: toGroup(before) })
  })
}
