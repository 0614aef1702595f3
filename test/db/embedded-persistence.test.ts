import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import t from 'tap'
import { openDatabase } from '../../src/db/connect.ts'
import { authenticate } from '../../src/domain/api-keys/api-keys.service.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { backend, testConfig } from '../helper.ts'

if (backend !== 'embedded') {
  t.pass('the embedded database is tested when DATABASE_URL is not set')
} else {
  const logger = pino({ level: 'silent' })
  const dataDir = await mkdtemp(path.join(tmpdir(), 'peel-register-persist-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))
  const config = testConfig({ databaseUrl: null, dataDir, adminApiKey: null })

  t.test('data survives a restart: the generated first key still works, and no second one is made', async (t) => {
    const first = await openDatabase(config, logger)
    const { generatedAdminKey } = await prepareDatabase(first, config, logger)
    t.match(generatedAdminKey, /^prk_/)
    await first.close()

    const second = await openDatabase(config, logger)
    t.teardown(() => second.close())
    const again = await prepareDatabase(second, config, logger)
    t.equal(again.generatedAdminKey, null, 'the first key is made once')
    const principal = await authenticate(second.db, generatedAdminKey!)
    t.match(principal, { role: 'admin', force: null })
  })

  t.test('a lock left behind by a process that died is taken over', async (t) => {
    const lock = path.join(dataDir, 'peel-register.lock')
    await writeFile(lock, '999999999')
    const handle = await openDatabase(config, logger)
    t.equal((await readFile(lock, 'utf8')).trim(), String(process.pid))
    await handle.close()
    await t.rejects(readFile(lock), { code: 'ENOENT' }, 'released on close')
  })
}
