import { sql } from 'kysely'
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

/**
 * Seals up to `max` committed entries into the hash chain (audit_seal() in the database, see
 * migrations/2026-12-07T20-20-00-audit-seals.ts) and says how many it sealed: 0 when another
 * sealer holds the chain at this moment, or nothing is waiting.
 */
export async function sealAudit(db: Executor, max: number): Promise<number> {
  const { rows } = await sql<{ sealed: number }>`select audit_seal(${max}::int) as sealed`.execute(db)
  return Number(rows[0]!.sealed)
}

/** An entry's fields as the seal encoded them: text as PostgreSQL writes it, in AUDIT_CHAIN_FIELDS order. */
const fieldTexts = sql<(string | null)[]>`array[
  a.id::text, a.txid::text, to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  a.actor_key_id::text, a.force_code, a.entity_type, a.entity_id, a.root_id, a.action, a.before::text, a.after::text, a.request_id
]`

export interface SealRow {
  seq: string
  auditId: string
  txid: string
  hash: Uint8Array
  fieldDigests: Uint8Array
  sealedAt: Date
  /** The sealed entry's fields now, or null when no entry has its id any more. */
  fields: (string | null)[] | null
}

/** Seals after `seq`, in chain order, each with its entry as the log holds it now. */
export async function sealsAfter(db: Executor, seq: string, limit: number): Promise<SealRow[]> {
  const { rows } = await sql<{
    seq: string
    audit_id: string
    txid: string
    hash: Uint8Array
    field_digests: Uint8Array
    sealed_at: Date
    fields: (string | null)[] | null
  }>`
    select s.seq::text as seq, s.audit_id::text as audit_id, s.txid::text as txid, s.hash, s.field_digests, s.sealed_at,
           case when a.id is null then null else ${fieldTexts} end as fields
    from audit_seals s left join audit_log a on a.id = s.audit_id
    where s.seq > ${seq}::bigint
    order by s.seq
    limit ${limit}
  `.execute(db)
  return rows.map((r) => ({ seq: r.seq, auditId: r.audit_id, txid: r.txid, hash: r.hash, fieldDigests: r.field_digests, sealedAt: r.sealed_at, fields: r.fields }))
}

export interface UnsealedEntry {
  id: string
  txid: string
  occurredAt: string
}

/**
 * The first entry, in chain order, that has no seal though it comes before `position` (a sealed
 * entry's): sealing never skips an entry, so such a one was added, or had its id or txid changed,
 * after the entries around it were sealed. Reads the whole log: for verifying, not for requests.
 */
export async function firstUnsealedBefore(db: Executor, position: { txid: string; id: string }): Promise<UnsealedEntry | null> {
  const { rows } = await sql<{ id: string; txid: string; occurred_at: string }>`
    select a.id::text as id, a.txid::text as txid, to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at
    from audit_log a
    where (a.txid, a.id) < (${position.txid}::xid8, ${position.id}::bigint)
      and not exists (select 1 from audit_seals s where s.audit_id = a.id)
    order by a.txid, a.id
    limit 1
  `.execute(db)
  const row = rows[0]
  return row ? { id: row.id, txid: row.txid, occurredAt: row.occurred_at } : null
}

/** Entries after `position` (the last seal's; all of them with none): those not sealed yet. */
export async function countAfter(db: Executor, position: { txid: string; id: string } | null): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from audit_log
    ${position === null ? sql`` : sql`where (txid, id) > (${position.txid}::xid8, ${position.id}::bigint)`}
  `.execute(db)
  return Number(rows[0]!.n)
}
