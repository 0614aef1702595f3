import { insertMany } from '../../db/batches.ts'
import type { Executor } from '../../db/database.ts'

/** Who is acting: the key behind the request (null for the service itself) and the request id. */
export interface Actor {
  keyId: string | null
  requestId: string | null
}

export const SYSTEM_ACTOR: Actor = { keyId: null, requestId: null }

export interface AuditEntry {
  entityType: string
  entityId: string
  /** The record whose history this change belongs to; the entity itself unless said. */
  rootId?: string
  action: string
  force: string | null
  before?: unknown
  after?: unknown
}

/**
 * The one way every write is recorded. Call it with the transaction that makes the change, so the
 * record and the change commit or roll back together.
 */
export async function recordAudit(trx: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await trx.insertInto('audit_log').values(auditRow(actor, entry)).execute()
}

/**
 * Many entries in a few statements, for writes that change thousands of records at once (an
 * import). The entries keep the order given, in the log as in the change feed.
 */
export async function recordAudits(trx: Executor, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  await insertMany(trx, 'audit_log', AUDIT_COLUMNS, entries.map((entry) => auditRow(actor, entry)))
}

const AUDIT_COLUMNS = {
  actor_key_id: 'uuid',
  request_id: 'text',
  force_code: 'text',
  entity_type: 'text',
  entity_id: 'text',
  root_id: 'text',
  action: 'text',
  before: 'jsonb',
  after: 'jsonb'
}

function auditRow(actor: Actor, entry: AuditEntry) {
  return {
    actor_key_id: actor.keyId,
    request_id: actor.requestId,
    force_code: entry.force,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    root_id: entry.rootId ?? entry.entityId,
    action: entry.action,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after)
  }
}
