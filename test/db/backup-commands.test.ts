import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import t from 'tap'
import { migrations } from '../../migrations/index.ts'
import { PGLITE_OPTIONS, openDatabase } from '../../src/db/connect.ts'
import { backend, testConfig } from '../helper.ts'
import { PGLITE_TEMPLATE } from '../setup/template.ts'
import { rowCounts, silent } from './backup-fixture.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the file behind `npm run db:<script>` as npm would, on the given DATA_DIR. */
async function run(script: 'backup' | 'restore', args: string[], dataDir: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stdout, stderr }
}

if (backend !== 'embedded') {
  t.test('npm run db:backup and db:restore', { skip: 'they work on the embedded database: tested when DATABASE_URL is not set' }, async () => {})
} else {
  const work = await mkdtemp(path.join(tmpdir(), 'peel-register-backup-commands-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  const source = path.join(work, 'source')
  const restored = path.join(work, 'restored')
  const file = path.join(work, 'register.tar.gz')
  const seed = await PGlite.create(source, { ...PGLITE_OPTIONS, loadDataDir: new Blob([await readFile(PGLITE_TEMPLATE)]) })
  await seed.close()

  t.test('npm run db:backup -- FILE, then npm run db:restore -- FILE [--force]', async (t) => {
    const backedUp = await run('backup', [file], source)
    t.equal(backedUp.code, 0, backedUp.stderr)
    t.match(backedUp.stdout, `Backed up ${source} to ${file}`)

    const first = await run('restore', [file], restored)
    t.equal(first.code, 0, first.stderr)
    t.match(first.stdout, `Restored ${file} into ${restored} (schema at ${Object.keys(migrations).at(-1)})`)
    const refused = await run('restore', [file], restored)
    t.equal(refused.code, 1)
    t.match(refused.stderr, /^db:restore: .* is not empty .*--force/)
    const forced = await run('restore', [file, '--force'], restored)
    t.equal(forced.code, 0, forced.stderr)

    const copy = await openDatabase(testConfig({ databaseUrl: null, dataDir: restored }), silent)
    const original = await openDatabase(testConfig({ databaseUrl: null, dataDir: source }), silent)
    t.same(await rowCounts(copy.db), await rowCounts(original.db))
    await copy.close()

    // `original` holds the source folder's lock, as a running service would.
    const busy = await run('backup', [path.join(work, 'other.tar.gz')], source).finally(() => original.close())
    t.equal(busy.code, 1)
    t.match(busy.stderr, /^db:backup: Cannot back up .* in use by another process \(pid \d+\)/)
  })

  t.test('usage and configuration mistakes', async (t) => {
    const usage = await run('restore', [], restored)
    t.equal(usage.code, 64)
    t.match(usage.stderr, /usage: npm run db:restore -- FILE \[--force\]/)
    const unknown = await run('backup', [file, '--compress'], source)
    t.equal(unknown.code, 64)
    t.match(unknown.stderr, /Unknown option '--compress'/)
    const postgres = await run('backup', [file], source, { DATABASE_URL: 'postgres://peel@localhost:5432/peel' })
    t.equal(postgres.code, 1)
    t.match(postgres.stderr, /DATABASE_URL is set: .* pg_dump -Fc/)
  })
}
