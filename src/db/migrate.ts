import { sql } from 'kysely'
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
  if (await upToDate(db)) return []
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

/**
 * Whether every migration this release knows has been applied, and no other: one read, which is
 * all a restart needs, before the migrator's table checks and lock. Anything else (a new
 * database, a pending or unknown migration) goes to the migrator, which decides and reports.
 */
async function upToDate(db: Db): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
    const known = Object.keys(migrations).sort()
    return rows.length === known.length && rows.every((row, i) => row.name === known[i])
  } catch {
    return false
  }
}
