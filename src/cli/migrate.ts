import type { Command } from './command.ts'
import { EXIT } from './errors.ts'

export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending migrations and reference data to the configured database',
  description: [
    'Brings the schema to the latest migration and applies the reference data (forces, PEEL frameworks, gradings, practice ' +
      'examples) whose files changed: what the service does on every start, without starting it. Safe to run while other ' +
      'instances start on the same PostgreSQL: they take turns.',
    'On the embedded database (no DATABASE_URL) the service must be stopped: one process at a time uses DATA_DIR. A ' +
      'DATA_DIR with no database in it gets a new one.',
    "With DATABASE_MIGRATION_URL it migrates as that role, the tables' owner, and grants DATABASE_URL's role what the " +
      'service needs; with DATABASE_URL alone, it grants that to DATABASE_SERVICE_ROLE (README, "Database roles").'
  ],
  examples: [
    'peel-register migrate',
    'DATABASE_URL=postgres://peel:peel@localhost:5432/peel_register peel-register migrate',
    'DATABASE_MIGRATION_URL=postgres://peel_owner:secret@db:5432/peel DATABASE_URL=postgres://peel_service:secret@db:5432/peel peel-register migrate'
  ],
  options: {},
  positionals: [],
  async run(_args, io) {
    const [{ withDatabase, cliLogger }, { migrateAndGrant }, { migrations }, { countAll }] = await Promise.all([
      import('./context.ts'),
      import('../prepare.ts'),
      import('../../migrations/index.ts'),
      import('../domain/api-keys/api-keys.repository.ts')
    ])
    return withDatabase(
      io,
      async (database, config) => {
        const { migrations: results, referenceApplied } = await migrateAndGrant(database, config, cliLogger(io, config))
        if (results.length === 0) io.stdout.write(`Schema already at the latest migration (${Object.keys(migrations).at(-1)}).\n`)
        for (const r of results) io.stdout.write(`Migration ${r.migrationName}: ${r.status === 'Success' ? 'applied' : r.status}\n`)
        io.stdout.write(referenceApplied.length > 0 ? `Reference data applied: ${referenceApplied.join(', ')}.\n` : 'Reference data already current.\n')
        if ((await countAll(database.db)) === 0) {
          io.stdout.write(
            'No API key exists yet: create one with `peel-register keys create --name NAME --role admin`, or start the service, which prints one.\n'
          )
        }
        return EXIT.ok
      },
      { migrated: false }
    )
  }
}
