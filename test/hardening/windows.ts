import { sql } from 'kysely'
import type { Db } from '../../src/db/database.ts'

/**
 * Waits, if need be, until the database's clock is at least `margin` seconds away from the end of
 * the current fixed window of `seconds`, so that a test's run of requests falls in one window.
 */
export async function awayFromWindowEdge(db: Db, seconds = 60, margin = 5): Promise<void> {
  const { rows } = await sql<{ into: number }>`select (extract(epoch from clock_timestamp()) % ${seconds}::int)::float8 as "into"`.execute(db)
  const left = seconds - rows[0]!.into
  if (left < margin) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 100))
}
