/**
 * `npm run example:load`: loads the example register (002: Cleveland Police's open HMICFRS items
 * after the 2019 PEEL inspection) into force `cleveland` on the configured database. Idempotent:
 * a second run reports everything unchanged.
 */
import { readFile } from 'node:fs/promises'
import pino from 'pino'
import { ConfigError, loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/connect.ts'
import { SYSTEM_ACTOR } from '../src/domain/audit/audit.repository.ts'
import { applyDocument } from '../src/domain/exchange/apply-document.ts'
import { checkDocument } from '../src/domain/exchange/register-document.ts'
import { prepareDatabase } from '../src/prepare.ts'

const file = process.argv[2] ?? new URL('../examples/cleveland-register.json', import.meta.url).pathname

try {
  const config = loadConfig()
  const logger = pino({ level: config.logLevel })
  const database = await openDatabase(config, logger)
  try {
    const { generatedAdminKey } = await prepareDatabase(database.db, config, logger)
    if (generatedAdminKey) process.stdout.write(`First start: the admin API key is ${generatedAdminKey} (shown once).\n`)
    const document = checkDocument(JSON.parse(await readFile(file, 'utf8')))
    const report = await applyDocument(database.db, { ...SYSTEM_ACTOR, requestId: 'example:load' }, document)
    process.stdout.write(`Example register loaded into ${document.force}:\n${JSON.stringify(report, null, 2)}\n`)
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `example:load failed: ${(error as Error).message}`}\n`)
  process.exit(1)
}
