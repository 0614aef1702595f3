import { sql } from 'kysely'
import pg from 'pg'
import { postgresBinDir } from '../../scripts/lib/cluster.ts'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import { testDatabaseUrl, withDatabase } from '../setup/template.ts'

export const json = { 'content-type': 'application/json' }

/** Whatever a 5xx body must never show: driver messages, SQL, addresses, stack frames. */
export const INTERNALS = /ECONN|terminat|canceling statement|statement timeout|timeout exceeded|127\.0\.0\.1|postgres|select |update |insert |\.ts:\d|at .+\(/i

export function newFindingBody(reference: string, extra: Record<string, unknown> = {}) {
  return { reference, kind: 'area_for_improvement', title: `Fault test ${reference}`, text: `The force should survive ${reference}.`, ...extra }
}

export function progressBody(position: string) {
  return { position, activities: 'Dip sample of cases.', evidence: [], ongoingActions: [] }
}

/** The connection string of the database a test app runs on (PostgreSQL only). */
export async function connectionStringOf(database: DatabaseHandle): Promise<string> {
  const current = await sql<{ name: string }>`select current_database() as name`.execute(database.db)
  return withDatabase(testDatabaseUrl()!, current.rows[0]!.name)
}

/**
 * Another session on the same database holding locks in an open transaction, as a slow writer
 * elsewhere would. A row held FOR UPDATE makes updates of it, and inserts that reference it, wait;
 * a table held in ACCESS EXCLUSIVE mode makes even reads of it wait. All until release().
 */
export interface LockHolder {
  lockRow(table: string, id: string): Promise<void>
  lockTable(table: string): Promise<void>
  /** How many other sessions of this database wait on a lock. */
  waiters(): Promise<number>
  /** Resolves once at least `count` sessions wait on a lock; fails after `timeoutMs`. */
  untilWaiting(count: number, timeoutMs?: number): Promise<void>
  release(): Promise<void>
}

export async function openLockHolder(connectionString: string): Promise<LockHolder> {
  const client = new pg.Client({ connectionString, application_name: 'fault-test-lock-holder' })
  await client.connect()
  await client.query('begin')
  let released = false
  const waiters = async () => {
    // Within a transaction PostgreSQL keeps serving the first snapshot of the activity view.
    await client.query('select pg_stat_clear_snapshot()')
    const result = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()"
    )
    return result.rows[0]!.n
  }
  return {
    async lockRow(table, id) {
      await client.query(`select 1 from ${table} where id = $1 for update`, [id])
    },
    async lockTable(table) {
      await client.query(`lock table ${table} in access exclusive mode`)
    },
    waiters,
    async untilWaiting(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while ((await waiters()) < count) {
        if (Date.now() > deadline) throw new Error(`fewer than ${count} sessions came to wait on a lock within ${timeoutMs} ms`)
        await sleep(50)
      }
    },
    async release() {
      if (released) return
      released = true
      try {
        await client.query('commit')
      } finally {
        await client.end()
      }
    }
  }
}

/** One number from a query on its own connection, e.g. a count. */
export async function queryNumber(connectionString: string, statement: string, values: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    const result = await client.query<{ n: string | number }>(statement, values)
    return Number(result.rows[0]!.n)
  } finally {
    await client.end()
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The options of a test that starts a private PostgreSQL cluster. Locally, without PostgreSQL's
 * server binaries, it is skipped with the reason; in CI, which installs them, it runs anyway and
 * fails, saying they were not found.
 */
export function privateClusterTest(): { skip: string | false } {
  if (postgresBinDir() !== null || process.env.CI) return { skip: false }
  return { skip: 'needs PostgreSQL server binaries (initdb, pg_ctl) to start a private cluster, and none were found on this machine' }
}

/** The status codes seen and how often, for a t.comment. */
export function tally(statuses: number[]): string {
  const counts = new Map<number, number>()
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1)
  return [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${n} × ${s}`).join(', ')
}
