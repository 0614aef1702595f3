import { sql } from 'kysely'
import type { Executor } from '../../db/database.ts'

/** Audit entries that are not part of a force's register, and so never appear in the feed. */
export const NOT_IN_FEED = ['api_key', 'webhook']

/** A position in the feed: just after the entry written by transaction `txid` with id `id`. */
export interface FeedPosition {
  txid: string
  id: number
}

export const FEED_START: FeedPosition = { txid: '0', id: 0 }

export interface EventRow {
  id: number
  txid: string
  occurred_at: Date
  actor_key_id: string | null
  force_code: string | null
  entity_type: string
  entity_id: string
  root_id: string
  action: string
  before: unknown
  after: unknown
  request_id: string | null
}

export interface FeedFilter {
  force?: string
  /** Exact event types, e.g. finding.update. */
  types?: string[]
  /** Entity types whose every event is wanted (from patterns such as finding.*). */
  entities?: string[]
}

/** The event type as clients see it: entity and action, e.g. finding.update or finding.closure.closed. */
const eventType = sql<string>`entity_type || '.' || replace(action, ':', '.')`

/**
 * Entries after a position, in the order their transactions began, and only from transactions
 * older than every transaction still running. A transaction that began earlier but commits later
 * is therefore never skipped: until it ends, nothing from it or from any later transaction is
 * shown, so a reader that resumes from the last position it saw misses nothing and sees nothing twice.
 *
 * The order is by the table's columns, named with the table: a bare `txid` in `order by` would be
 * the selected text (`txid::text as txid`), where '1000' sorts before '998', and a reader would
 * skip events whenever transaction ids gain a digit.
 */
export async function after(db: Executor, position: FeedPosition, filter: FeedFilter, limit: number): Promise<EventRow[]> {
  const result = await afterQuery(position, filter, limit).execute(db)
  return result.rows.map((row) => ({ ...row, id: Number(row.id) }))
}

/** after's statement (test/db/indexes.test.ts checks an index gives its order, with no sort). */
export function afterQuery(position: FeedPosition, filter: FeedFilter, limit: number) {
  const types = filter.types ?? []
  const entities = filter.entities ?? []
  const typed = types.length > 0 || entities.length > 0
  return sql<EventRow>`
    select id, txid::text as txid, occurred_at, actor_key_id, force_code, entity_type, entity_id, root_id,
           action, before, after, request_id
    from audit_log
    where (txid, id) > (${position.txid}::xid8, ${position.id}::bigint)
      and txid < pg_snapshot_xmin(pg_current_snapshot())
      and entity_type <> all(${NOT_IN_FEED}::text[])
      ${filter.force === undefined ? sql`` : sql`and force_code = ${filter.force}`}
      ${typed ? sql`and (${eventType} = any(${types}::text[]) or entity_type = any(${entities}::text[]))` : sql``}
    order by audit_log.txid, audit_log.id
    limit ${limit}
  `
}

/** The position after the newest entry a reader can see now: where "from now on" starts (ordered as `after`). */
export async function head(db: Executor): Promise<FeedPosition> {
  const row = (await headQuery().execute(db)).rows[0]
  return row ? { txid: row.txid, id: Number(row.id) } : FEED_START
}

/** head's statement (test/db/indexes.test.ts checks it reads one entry from the end of an index). */
export function headQuery() {
  return sql<{ txid: string; id: number }>`
    select txid::text as txid, id from audit_log
    where txid < pg_snapshot_xmin(pg_current_snapshot())
    order by audit_log.txid desc, audit_log.id desc
    limit 1
  `
}

/**
 * Whether a change to a force's register (any force's, with force null) has committed that
 * `snapshot` did not see, by the audit log every write to a register adds to in its own
 * transaction. Entries with no force count for every force; entries that are not part of any
 * register (NOT_IN_FEED: keys, webhooks) count for none. Also gives the snapshot this check read
 * with, for whatever is built next.
 *
 * Only a transaction at or after the snapshot's xmin can be one it did not see, so the check reads
 * the log from there on (audit_log_force_feed and audit_log_national_feed; audit_log_feed across
 * forces): a handful of entries, however long the log. A transaction still running is not seen by
 * this check either, so it does not count until it commits; then it does, even if it began before
 * the snapshot was taken.
 */
export async function changedSince(db: Executor, force: string | null, snapshot: string): Promise<{ changed: boolean; now: string }> {
  const row = (await changedSinceQuery(force, snapshot).execute(db)).rows[0]!
  return { changed: row.changed, now: row.now }
}

/** changedSince's statement (test/db/indexes.test.ts checks the indexes serve it). */
export function changedSinceQuery(force: string | null, snapshot: string) {
  const unseen = sql`txid >= pg_snapshot_xmin(${snapshot}::pg_snapshot) and not pg_visible_in_snapshot(txid, ${snapshot}::pg_snapshot)`
  const inFeed = sql`entity_type <> all(${NOT_IN_FEED}::text[])`
  return sql<{ changed: boolean; now: string }>`
    select ${
      force === null
        ? sql`exists (select 1 from audit_log where ${unseen} and ${inFeed})`
        : sql`exists (select 1 from audit_log where force_code = ${force} and ${unseen} and ${inFeed})
              or exists (select 1 from audit_log where force_code is null and ${unseen} and ${inFeed})`
    } as changed, pg_current_snapshot()::text as now
  `
}
