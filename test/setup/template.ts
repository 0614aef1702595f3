import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { PGLITE_OPTIONS } from '../../src/db/connect.ts'

/**
 * Where the test run's prepared database lives. Migrating and loading reference data takes seconds;
 * doing it once per run and copying the result per test file keeps every file isolated and fast.
 */
export const PGLITE_TEMPLATE = new URL('../../.tap/pglite-template.tar', import.meta.url)
/**
 * On a PostgreSQL server, one template per checkout: each run drops and rebuilds it, so runs from
 * two checkouts against one server (a clone under CI beside a working copy) would otherwise pull
 * it from under each other.
 */
export const PG_TEMPLATE_DB = `peel_register_test_template_${createHash('sha256').update(fileURLToPath(new URL('../..', import.meta.url))).digest('hex').slice(0, 10)}`

/**
 * The service's role in the tests, namespaced per checkout as the template is (roles belong to the
 * whole server). On PostgreSQL the test apps log in as it, with the server's DATABASE_URL as the
 * owner's connection (DATABASE_MIGRATION_URL), so every test runs on the grants production gets.
 */
export const TEST_SERVICE_ROLE = `peel_register_test_service_${PG_TEMPLATE_DB.slice(-10)}`

export function testDatabaseUrl(): string | null {
  const url = process.env.DATABASE_URL
  return url === undefined || url.trim() === '' ? null : url
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** The same server and database, logged in as `user` (the tests' server trusts local connections). */
export function withUser(url: string, user: string): string {
  const u = new URL(url)
  u.username = user
  u.password = ''
  return u.toString()
}

/** Runs `statement` on the server's maintenance connection (the database DATABASE_URL names). */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export async function saveTemplate(pglite: PGlite): Promise<void> {
  const dump = await pglite.dumpDataDir('none')
  await mkdir(new URL('.', PGLITE_TEMPLATE), { recursive: true })
  await writeFile(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()))
}

export async function pgliteFromTemplate(): Promise<PGlite> {
  const tar = await readFile(PGLITE_TEMPLATE)
  return PGlite.create({ ...PGLITE_OPTIONS, loadDataDir: new Blob([tar]) })
}
