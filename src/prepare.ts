import type { Logger } from 'pino'
import type { Config } from './config.ts'
import type { Db } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { ensureFirstAdminKey } from './domain/api-keys/api-keys.service.ts'
import { loadReferenceData } from './domain/reference/reference-loader.ts'

/**
 * What must hold before the service answers a request: the schema at the latest migration, the
 * reference data current, and at least one admin key. Used by the server and by the tests alike.
 * Returns the secret of a first admin key it generated, for the caller to show once.
 */
export async function prepareDatabase(
  db: Db,
  config: Pick<Config, 'adminApiKey'>,
  logger: Logger
): Promise<{ generatedAdminKey: string | null }> {
  const migrations = await migrateToLatest(db)
  for (const m of migrations) logger.info({ migration: m.migrationName, status: m.status }, 'migration applied')
  const reference = await loadReferenceData(db)
  if (reference.applied.length > 0) logger.info({ sets: reference.applied }, 'reference data applied')
  const first = await ensureFirstAdminKey(db, config.adminApiKey)
  if (first.created) logger.info({ fromEnvironment: first.secret === null }, 'first admin key created')
  return { generatedAdminKey: first.secret }
}
