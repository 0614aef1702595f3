import { Migrator, type MigrationResult } from 'kysely/migration'
import { migrations } from '../../migrations/index.ts'
import type { Db } from './database.ts'

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResult[]
  ) {
    super(message)
    this.name = 'MigrationError'
  }
}

/**
 * Brings the schema to the latest migration. Safe to run from several instances at once: Kysely
 * holds a PostgreSQL advisory lock for the whole run, so the others wait and then find nothing to do.
 */
export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations }
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) {
    const failed = results.find((r) => r.status === 'Error')
    const cause = error instanceof Error ? error.message : String(error)
    throw new MigrationError(
      failed ? `Migration ${failed.migrationName} failed: ${cause}` : `Migrations failed: ${cause}`,
      results
    )
  }
  return results
}
