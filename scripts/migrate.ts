/** `npm run db:migrate`: applies pending migrations and reference data to the configured database, then exits. */
import pino from 'pino'
import { ConfigError, loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/connect.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { loadReferenceData } from '../src/domain/reference/reference-loader.ts'

try {
  const config = loadConfig()
  const logger = pino({ level: config.logLevel })
  const database = await openDatabase(config, logger)
  try {
    const results = await migrateToLatest(database.db)
    if (results.length === 0) logger.info('schema already at the latest migration')
    for (const r of results) logger.info({ migration: r.migrationName, status: r.status }, 'migration')
    const reference = await loadReferenceData(database.db)
    logger.info(reference, 'reference data')
  } finally {
    await database.close()
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`}\n`)
  process.exit(1)
}
