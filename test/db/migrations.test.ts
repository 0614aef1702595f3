import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import { Migrator, NO_MIGRATIONS } from 'kysely/migration'
import pino from 'pino'
import t, { type Test } from 'tap'
import { migrations } from '../../migrations/index.ts'
import { type DatabaseHandle, PGLITE_OPTIONS, openDatabase } from '../../src/db/connect.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadReferenceData } from '../../src/domain/reference/reference-loader.ts'
import { testConfig } from '../helper.ts'
import { adminQuery, testDatabaseUrl, withDatabase } from '../setup/template.ts'

const logger = pino({ level: 'silent' })
const url = testDatabaseUrl()

/** An empty database, not the prepared template: migrations must build everything from nothing. */
async function emptyDatabase(t: Test): Promise<() => Promise<DatabaseHandle>> {
  if (url === null) {
    const pglite = await PGlite.create(PGLITE_OPTIONS)
    const handle = await openDatabase({ ...testConfig(), databaseUrl: null }, logger, { pglite })
    t.teardown(() => handle.close())
    return async () => handle
  }
  const name = `peel_register_empty_${randomBytes(6).toString('hex')}`
  await adminQuery(url, `create database ${name}`)
  const handles: DatabaseHandle[] = []
  t.teardown(async () => {
    for (const h of handles) await h.close()
    await adminQuery(url, `drop database if exists ${name} with (force)`)
  })
  return async () => {
    const handle = await openDatabase({ ...testConfig(), databaseUrl: withDatabase(url, name) }, logger)
    handles.push(handle)
    return handle
  }
}

async function tables(handle: DatabaseHandle): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name
  `.execute(handle.db)
  return result.rows.map((r) => r.table_name)
}

t.test('migrations build the schema from an empty database, then have nothing left to do', async (t) => {
  const open = await emptyDatabase(t)
  const handle = await open()
  const first = await migrateToLatest(handle.db)
  t.same(first.map((r) => r.migrationName), Object.keys(migrations))
  t.ok(first.every((r) => r.status === 'Success'))
  t.same(await tables(handle), [
    'api_keys',
    'audit_log',
    'audit_seals',
    'closure_requests',
    'closure_transitions',
    'crosswalk_links',
    'crosswalk_unmatched',
    'finding_actions',
    'finding_counts',
    'finding_questions',
    'findings',
    'forces',
    'framework_questions',
    'frameworks',
    'governance_groups',
    'gradings',
    'idempotency_keys',
    'inspections',
    'kysely_migration',
    'kysely_migration_lock',
    'ongoing_action_dates',
    'ongoing_actions',
    'practice_areas',
    'practice_examples',
    'progress_updates',
    'rate_limit_counters',
    'reference_data',
    'reviews',
    'webhook_attempts',
    'webhook_deliveries',
    'webhook_dispatch',
    'webhooks'
  ])
  t.same(await migrateToLatest(handle.db), [], 'a second run applies nothing')
})

t.test('two instances migrating at once apply each migration once', async (t) => {
  const open = await emptyDatabase(t)
  // On PostgreSQL these are two pools, as two processes would have; on PGlite one process owns the folder.
  const [a, b] = url === null ? [await open(), await open()] : await Promise.all([open(), open()])
  const [ra, rb] = await Promise.all([migrateToLatest(a!.db), migrateToLatest(b!.db)])
  t.equal(ra.length + rb.length, Object.keys(migrations).length, 'the migrations ran once in all')
  const applied = await a!.db.selectFrom('kysely_migration' as never).select(sql`count(*)::int`.as('n')).executeTakeFirstOrThrow()
  t.equal((applied as { n: number }).n, Object.keys(migrations).length)
  await Promise.all([loadReferenceData(a!.db), loadReferenceData(b!.db)])
  const forces = await a!.db.selectFrom('forces').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(Number(forces.n), 43, 'reference data loaded once, not twice')
})

t.test('every migration can be rolled back and applied again', async (t) => {
  const open = await emptyDatabase(t)
  const handle = await open()
  await migrateToLatest(handle.db)
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } })
  const down = await migrator.migrateTo(NO_MIGRATIONS)
  t.error(down.error)
  t.same(await tables(handle), ['kysely_migration', 'kysely_migration_lock'])
  t.equal((await migrateToLatest(handle.db)).length, Object.keys(migrations).length)
})

t.test('reference data loads once and again only when its file changes', async (t) => {
  const open = await emptyDatabase(t)
  const handle = await open()
  await migrateToLatest(handle.db)
  const first = await loadReferenceData(handle.db)
  t.ok(first.applied.includes('forces'))
  const second = await loadReferenceData(handle.db)
  t.same(second.applied, [], 'unchanged files are not applied again')
  // A release with corrected data: the stored checksum no longer matches, so the file applies in place.
  await handle.db.updateTable('forces').set({ name: 'Wrong Name' }).where('code', '=', 'cleveland').execute()
  await handle.db.updateTable('reference_data').set({ checksum: 'old release' }).where('name', '=', 'forces').execute()
  const upgraded = await loadReferenceData(handle.db)
  t.same(upgraded.applied, ['forces'])
  const cleveland = await handle.db.selectFrom('forces').select('name').where('code', '=', 'cleveland').executeTakeFirstOrThrow()
  t.equal(cleveland.name, 'Cleveland Police')

  // A framework re-applied in place keeps the gradings and examples that point into it.
  const count = async (table: 'gradings' | 'practice_examples') =>
    Number((await handle.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const before = [await count('gradings'), await count('practice_examples')]
  await handle.db.updateTable('reference_data').set({ checksum: 'old release' }).where('name', '=', 'framework:peel-2021').execute()
  t.same((await loadReferenceData(handle.db)).applied, ['framework:peel-2021'])
  t.same([await count('gradings'), await count('practice_examples')], before)
  t.same(before, [43 * 12 + 39 * 11, 161 + 116])
})
