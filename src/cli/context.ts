import { randomUUID } from 'node:crypto'
import { access } from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import pino, { type Logger } from 'pino'
import { migrations } from '../../migrations/index.ts'
import { type Config, loadConfig } from '../config.ts'
import { type DatabaseHandle, openDatabase } from '../db/connect.ts'
import type { Db } from '../db/database.ts'
import type { Principal } from '../domain/access/roles.ts'
import type { Actor } from '../domain/audit/audit.repository.ts'
import { CLI_REQUEST_ID_PREFIX } from '../domain/audit/request-ids.ts'
import { scrubSecrets } from '../log-redaction.ts'
import type { Io } from './command.ts'
import { CliError, EXIT } from './errors.ts'

/**
 * Whoever runs the command line holds the database itself, so it acts as a national admin. It has
 * no API key of its own: the keys it creates have no creator, as the first admin key has none,
 * and its audit entries no key (`Principal.keyId` has no null, hence the cast).
 */
export const CLI_PRINCIPAL: Principal = { keyId: null as unknown as string, name: 'command line', role: 'admin', force: null }

/**
 * The audit log's actor for one run of a command: no key, and a request id that names the command
 * (`cli:keys-create:<uuid>`), so its entries can be told from the service's and found again.
 */
export function cliActor(command: string): Actor {
  return { keyId: null, requestId: `${CLI_REQUEST_ID_PREFIX}${command.replaceAll(' ', '-')}:${randomUUID()}` }
}

/** Logs go to stderr, never into output a command writes to stdout; warnings only unless LOG_LEVEL says otherwise. */
export function cliLogger(io: Io, config: Config): Logger {
  const level = io.env.LOG_LEVEL?.trim() ? config.logLevel : 'warn'
  return pino({ level, hooks: { streamWrite: scrubSecrets } }, pino.destination({ dest: 2, sync: true }))
}

export function cliConfig(io: Io): Config {
  return loadConfig(io.env, io.cwd)
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false
  )
}

const notMigrated = (detail: string) => new CliError(EXIT.unavailable, `${detail}: run \`peel-register migrate\` first (or start the service, which migrates on start).`)

/** The schema this release expects: every migration it knows applied, and none it does not know. */
async function requireCurrentSchema(db: Db): Promise<void> {
  const table = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db)
  if (!table.rows[0]?.found) throw notMigrated('the database has no schema yet')
  const applied = (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((row) => row.name)
  const known = Object.keys(migrations)
  const unknown = applied.filter((name) => !known.includes(name))
  if (unknown.length > 0) {
    throw new CliError(EXIT.unavailable, `the database's schema is from a newer release (it has ${unknown.join(', ')}): use that release's command line.`)
  }
  const pending = known.filter((name) => !applied.includes(name))
  if (pending.length > 0) throw notMigrated(`the database's schema is behind this release (${pending.length} migration(s) to apply)`)
}

/**
 * Opens the configured database (DATABASE_URL, or the embedded one in DATA_DIR) for one command,
 * and closes it after. Unless told otherwise, refuses a database this release has not migrated:
 * only `migrate` and `example load` change the schema. An embedded folder that holds no database
 * is reported, not created.
 */
export async function withDatabase<T>(
  io: Io,
  work: (database: DatabaseHandle, config: Config) => Promise<T>,
  options: { migrated?: boolean } = {}
): Promise<T> {
  const migrated = options.migrated ?? true
  const config = cliConfig(io)
  if (migrated && config.databaseUrl === null && !(await exists(path.join(config.dataDir, 'PG_VERSION')))) {
    throw notMigrated(`there is no embedded database in ${config.dataDir} (DATA_DIR) yet`)
  }
  const database = await openDatabase(config, cliLogger(io, config))
  try {
    if (migrated) await requireCurrentSchema(database.db)
    return await work(database, config)
  } finally {
    await database.close()
  }
}
