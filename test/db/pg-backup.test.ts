import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { type DatabaseHandle, openDatabase } from '../../src/db/connect.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { loadReferenceData } from '../../src/domain/reference/reference-loader.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { testConfig } from '../helper.ts'
import { adminQuery, testDatabaseUrl, withDatabase } from '../setup/template.ts'
import { appOn, readFinding, rowCounts, silent, writeRegister } from './backup-fixture.ts'

const exec = promisify(execFile)

/** The folder holding both pg_dump and pg_restore: on PATH, else the newest /usr/lib/postgresql/N/bin. */
async function postgresTools(): Promise<string | null> {
  const installed = (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
    .filter((version) => /^\d+$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => `/usr/lib/postgresql/${version}/bin`)
  const candidates = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...installed]
  const runnable = (file: string) => access(file, constants.X_OK).then(() => true, () => false)
  for (const dir of candidates) {
    if ((await runnable(path.join(dir, 'pg_dump'))) && (await runnable(path.join(dir, 'pg_restore')))) return dir
  }
  return null
}

const url = testDatabaseUrl()
const tools = url === null ? null : await postgresTools()

if (url === null) {
  t.test('pg_dump and pg_restore round trip', { skip: 'needs PostgreSQL: runs when DATABASE_URL is set (backup.test.ts covers the embedded database)' }, async () => {})
} else if (tools === null) {
  t.test('pg_dump and pg_restore round trip', { skip: 'pg_dump and pg_restore are neither on PATH nor in /usr/lib/postgresql/*/bin' }, async () => {})
} else {
  const config = testConfig()
  const suffix = randomBytes(6).toString('hex')
  const source = `peel_register_dump_source_${suffix}`
  const restored = `peel_register_dump_restored_${suffix}`
  const work = await mkdtemp(path.join(tmpdir(), 'peel-register-pg-dump-'))
  const file = path.join(work, 'register.dump')
  const open: DatabaseHandle[] = []
  t.teardown(async () => {
    for (const handle of open) await handle.close().catch(() => {})
    for (const name of [source, restored]) await adminQuery(url, `drop database if exists ${name} with (force)`)
    await rm(work, { recursive: true, force: true })
  })
  const connect = async (name: string) => {
    const handle = await openDatabase({ ...config, databaseUrl: withDatabase(url, name) }, silent)
    open.push(handle)
    return handle
  }
  const run = async (tool: 'pg_dump' | 'pg_restore', args: string[]) => {
    try {
      return await exec(path.join(tools, tool), args)
    } catch (error) {
      throw new Error(`${tool} failed: ${(error as { stderr?: string }).stderr ?? (error as Error).message}`)
    }
  }
  t.comment((await run('pg_dump', ['--version'])).stdout.trim())

  // An empty database that the service prepares as on its first start, then a register written through the API.
  await adminQuery(url, `create database ${source}`)
  const before = await connect(source)
  await prepareDatabase(before, config, silent)
  const beforeApp = await appOn(before, config)
  const findingId = await writeRegister(beforeApp)
  const expected = { counts: await rowCounts(before.db), read: await readFinding(beforeApp, findingId) }
  await beforeApp.app.close()

  t.test('pg_dump -Fc, then pg_restore into an empty database: the same register, nothing to migrate', async (t) => {
    // The service may keep running: pg_dump reads one consistent snapshot.
    await run('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${withDatabase(url, source)}`])
    await adminQuery(url, `create database ${restored}`)
    await run('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', `--dbname=${withDatabase(url, restored)}`, file])

    const after = await connect(restored)
    t.same(await migrateToLatest(after.db), [], 'no migration to apply')
    t.same((await loadReferenceData(after.db)).applied, [], 'the reference data is current')
    t.same(await prepareDatabase(after, config, silent), { generatedAdminKey: null }, 'the keys came with it: no new first key')
    t.same(await rowCounts(after.db), expected.counts, 'every table has the same rows')

    const afterApp = await appOn(after, config)
    t.teardown(() => afterApp.app.close())
    t.same(await readFinding(afterApp, findingId), expected.read, 'the finding, its updates, ongoing actions and history read the same')
    const more = await afterApp.request({
      method: 'POST',
      url: `/v1/findings/${findingId}/updates`,
      payload: { position: 'Written after the restore.', activities: 'Checking the sequences came across too.' }
    })
    t.equal(more.statusCode, 201, 'the restored register takes writes')
  })

  t.test('pg_restore --clean --if-exists puts back a database that has moved on', async (t) => {
    const handle = await connect(restored)
    await handle.db.insertInto('governance_groups').values({ force_code: 'cleveland', name: 'Written after the backup' }).execute()
    t.notSame(await rowCounts(handle.db), expected.counts)
    await handle.close()

    await run('pg_restore', ['--no-owner', '--no-privileges', '--clean', '--if-exists', '--single-transaction', `--dbname=${withDatabase(url, restored)}`, file])
    const after = await connect(restored)
    t.same(await rowCounts(after.db), expected.counts)
    const afterApp = await appOn(after, config)
    t.teardown(() => afterApp.app.close())
    t.same(await readFinding(afterApp, findingId), expected.read)
  })
}
