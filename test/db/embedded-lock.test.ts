import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import t from 'tap'
import { DataDirLockedError } from '../../src/db/data-dir-lock.ts'
import { openDatabase } from '../../src/db/connect.ts'
import { backend, testConfig } from '../helper.ts'

if (backend !== 'embedded') {
  t.pass('the embedded database is tested when DATABASE_URL is not set')
} else {
  const logger = pino({ level: 'silent' })
  const dataDir = await mkdtemp(path.join(tmpdir(), 'peel-register-lock-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const config = testConfig({ databaseUrl: null, dataDir, adminApiKey: null })

  t.test('a second process cannot open the same data folder', async (t) => {
    const holder = await openDatabase(config, logger)
    await t.rejects(openDatabase(config, logger), DataDirLockedError, 'not twice in one process')

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `
        import('./src/db/connect.ts').then(async ({ openDatabase }) => {
          const pino = (await import('pino')).default
          try { await openDatabase(${JSON.stringify({ ...config })}, pino({ level: 'silent' })); process.exit(0) }
          catch (e) { console.error(e.name + ': ' + e.message); process.exit(3) }
        })`],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    )
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    const code = await new Promise((resolve) => child.on('exit', resolve))
    t.equal(code, 3)
    t.match(stderr, new RegExp(`DataDirLockedError: The embedded database in .* is in use by another process \\(pid ${process.pid}\\)`))
    await holder.close()
  })
}
