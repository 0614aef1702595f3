import { sql } from 'kysely'
import type { Executor } from '../../db/database.ts'

export interface Hit {
  bucket: string
  windowSeconds: number
}

export interface Counted {
  bucket: string
  /** Requests in the bucket's current window, this one included. */
  hits: number
  /** Whole seconds until the window ends, at least 1. */
  resetSeconds: number
}

/**
 * Adds one request to each bucket's current window and returns the new counts, in one statement.
 * Windows are cut from the database's clock, so every instance puts a request in the same window
 * whatever its own clock says. With `purgeExpired`, the same statement deletes the rows of
 * windows that have ended.
 */
export async function countHits(db: Executor, hits: readonly Hit[], purgeExpired: boolean): Promise<Counted[]> {
  const result = await sql<Counted>`
    with wanted as (
      select w.bucket, w.seconds, date_bin(make_interval(secs => w.seconds), now(), timestamptz '1970-01-01 00:00:00+00') as window_start
      from unnest(${hits.map((h) => h.bucket)}::text[], ${hits.map((h) => h.windowSeconds)}::int[]) as w(bucket, seconds)
    ), purged as (
      delete from rate_limit_counters where ${purgeExpired}::boolean and expires_at <= now()
    )
    insert into rate_limit_counters as c (bucket, window_start, expires_at, hits)
    select bucket, window_start, window_start + make_interval(secs => seconds), 1 from wanted
    on conflict (bucket, window_start) do update set hits = c.hits + 1
    returning bucket, hits, greatest(ceil(extract(epoch from expires_at - now())), 1)::int as "resetSeconds"
  `.execute(db)
  return result.rows
}
