import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import t from 'tap'
import { migrations } from '../../migrations/index.ts'
import { backupEmbedded, restoreEmbedded } from '../../src/db/backup.ts'
import { PGLITE_OPTIONS, openDatabase } from '../../src/db/connect.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { backend, testConfig } from '../helper.ts'
import { PGLITE_TEMPLATE } from '../setup/template.ts'
import { appOn, readFinding, rowCounts, silent, writeRegister } from './backup-fixture.ts'

const latest = Object.keys(migrations).at(-1)

if (backend !== 'embedded') {
  t.test('backup and restore of the embedded database', { skip: 'runs on the embedded backend; with DATABASE_URL set, pg-backup.test.ts tests pg_dump and pg_restore' }, async () => {})
} else {
  const work = await mkdtemp(path.join(tmpdir(), 'peel-register-backup-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  const source = path.join(work, 'source')
  const restored = path.join(work, 'restored')
  const file = path.join(work, 'backups', 'register.tar.gz')
  const config = testConfig({ databaseUrl: null, dataDir: source })

  /** Opens a data folder as the server does (lock, migrations, reference data, first key) with the app on it. */
  async function start(dataDir: string) {
    const database = await openDatabase({ ...config, dataDir }, silent)
    const applied = await migrateToLatest(database.db)
    await prepareDatabase(database, config, silent)
    const app = await appOn(database, config)
    return {
      ...app,
      database,
      applied,
      async stop() {
        await app.app.close()
        await database.close()
      }
    }
  }

  // The source folder starts from the run's prepared template rather than a new database: same schema, seconds sooner.
  const seed = await PGlite.create(source, { ...PGLITE_OPTIONS, loadDataDir: new Blob([await readFile(PGLITE_TEMPLATE)]) })
  await seed.close()
  const before = await start(source)
  const findingId = await writeRegister(before)
  const expected = { counts: await rowCounts(before.database.db), read: await readFinding(before, findingId) }
  await before.stop()

  t.test('a backup restores to the same register; the service starts on it with nothing to migrate', async (t) => {
    const backup = await backupEmbedded(source, file)
    t.equal(backup.lastMigration, latest)
    const archive = await readFile(file)
    t.equal(backup.bytes, archive.length)
    t.same([archive[0], archive[1]], [0x1f, 0x8b], 'gzip')
    t.notOk(gunzipSync(archive).includes('peel-register.lock'), 'the data-dir lock is not in the archive')

    const result = await restoreEmbedded(file, restored)
    t.same(result, { dataDir: restored, lastMigration: latest, pendingMigrations: [], unknownMigrations: [] })

    const after = await start(restored)
    t.teardown(() => after.stop())
    t.same(after.applied, [], 'no migration to apply')
    t.same(await rowCounts(after.database.db), expected.counts, 'every table has the same rows')
    t.same(await readFinding(after, findingId), expected.read, 'the finding, its updates, ongoing actions and history read the same')
    const more = await after.request({
      method: 'POST',
      url: `/v1/findings/${findingId}/updates`,
      payload: { position: 'Written after the restore.', activities: 'Checking the restored register takes writes.' }
    })
    t.equal(more.statusCode, 201, 'the restored register takes writes')
  })

  t.test('a folder in use is neither backed up nor restored into', async (t) => {
    const holder = await openDatabase(config, silent)
    t.teardown(() => holder.close())
    const inUse = { name: 'BackupError', message: /is in use by another process \(pid \d+\), most likely the service\. Stop it first/ }
    await t.rejects(backupEmbedded(source, path.join(work, 'other.tar.gz')), inUse)
    await t.rejects(restoreEmbedded(file, source, { force: true }), inUse, 'not even with force')
    const counts = await rowCounts(holder.db)
    t.same(counts, expected.counts, 'the folder is untouched')
  })

  t.test('restore refuses a folder that holds a database unless forced; forced, it replaces it', async (t) => {
    await t.rejects(restoreEmbedded(file, restored), { name: 'BackupError', message: /is not empty .* pass --force to replace/ })
    const diverged = await openDatabase({ ...config, dataDir: restored }, silent)
    await diverged.db.insertInto('governance_groups').values({ force_code: 'cleveland', name: 'Written after the backup' }).execute()
    await diverged.close()

    await restoreEmbedded(file, restored, { force: true })
    const after = await start(restored)
    t.teardown(() => after.stop())
    t.same(await rowCounts(after.database.db), expected.counts, 'what was written since the backup is gone')
    t.same(await readFinding(after, findingId), expected.read)
  })

  t.test('a file that is not a backup leaves the folder as it was', async (t) => {
    const junk = path.join(work, 'junk.tar.gz')
    await writeFile(junk, 'not a backup')
    await t.rejects(restoreEmbedded(junk, restored, { force: true }), { name: 'BackupError', message: /is not a backup of the embedded database/ })
    await writeFile(junk, (await readFile(file)).subarray(0, 4096))
    await t.rejects(restoreEmbedded(junk, restored, { force: true }), { name: 'BackupError', message: /is damaged/ })
    await t.rejects(restoreEmbedded(path.join(work, 'missing.tar.gz'), restored), { name: 'BackupError', message: /There is no backup file/ })
    await t.rejects(backupEmbedded(path.join(work, 'empty'), junk), { name: 'BackupError', message: /There is no embedded database in/ })
    const after = await openDatabase({ ...config, dataDir: restored }, silent)
    t.teardown(() => after.close())
    t.same(await rowCounts(after.db), expected.counts)
  })
}
