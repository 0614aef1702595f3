import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { Logger } from 'pino'
import type { Config } from '../config.ts'
import type { Database, Db } from './database.ts'
import { StatementNames, prepareStatements } from './prepared-statements.ts'
import { acquireDataDirLock } from './data-dir-lock.ts'

export type Backend = 'embedded' | 'postgres'

export interface DatabaseHandle {
  /** The service's connection: after `runAs`, a new one (read it after preparing the database). */
  readonly db: Db
  backend: Backend
  /** The owner's connection string when it is not the service's (DATABASE_MIGRATION_URL); see src/db/roles.ts. */
  migrationUrl: string | null
  /** Runs every later statement as `role`, a role the session's user is a member of (SET ROLE). */
  runAs(role: string): Promise<void>
  /** Closes the pool (or the embedded database) and releases the data folder. */
  close(): Promise<void>
}

type DatabaseConfig = Pick<
  Config,
  'databaseUrl' | 'databaseMigrationUrl' | 'dataDir' | 'databasePoolMax' | 'databaseConnectTimeoutMs' | 'databaseStatementTimeoutMs'
>

const INT8_OID = 20
const DATE_OID = 1082

/**
 * Both backends must hand back the same JavaScript values: counts as numbers, and calendar dates as
 * 'YYYY-MM-DD' strings (a Date would shift with the server's time zone).
 */
export const PGLITE_OPTIONS = { parsers: { [DATE_OID]: (value: string) => value } }

/**
 * One code path for both backends: everything above this module sees a Kysely instance.
 * `pglite` lets tests hand in an embedded database they prepared themselves (from a template).
 */
export async function openDatabase(
  config: DatabaseConfig,
  logger: Logger,
  options: { pglite?: PGlite } = {}
): Promise<DatabaseHandle> {
  if (config.databaseUrl !== null) return openPostgres(config, config.databaseUrl, logger)
  if (options.pglite) return wrapPGlite(options.pglite, async () => {})
  await mkdir(config.dataDir, { recursive: true })
  const release = await acquireDataDirLock(config.dataDir)
  try {
    const pglite = await PGlite.create(config.dataDir, PGLITE_OPTIONS)
    return wrapPGlite(pglite, release)
  } catch (error) {
    await release()
    throw error
  }
}

function wrapPGlite(pglite: PGlite, release: () => Promise<void>): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    backend: 'embedded',
    migrationUrl: null,
    // One session serves everything, so the role holds for all that follows.
    async runAs(role) {
      await pglite.exec(`set role ${role}`)
    },
    async close() {
      try {
        await db.destroy()
      } finally {
        await release()
      }
    }
  }
}

function openPostgres(config: DatabaseConfig, connectionString: string, logger: Logger): DatabaseHandle {
  let db = postgresKysely(config, connectionString, logger, null)
  return {
    get db() {
      return db
    },
    backend: 'postgres',
    migrationUrl: config.databaseMigrationUrl,
    // A new pool whose connections start as the role: nothing of the owner's session lingers in one.
    async runAs(role) {
      const previous = db
      db = postgresKysely(config, connectionString, logger, role)
      await previous.destroy()
    },
    async close() {
      await db.destroy()
    }
  }
}

function postgresKysely(config: DatabaseConfig, connectionString: string, logger: Logger, role: string | null): Db {
  const pool = new pg.Pool({
    connectionString,
    ...(role === null ? {} : { options: `-c role=${role}` }),
    max: config.databasePoolMax,
    connectionTimeoutMillis: config.databaseConnectTimeoutMs,
    statement_timeout: config.databaseStatementTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'peel-register',
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === INT8_OID) return (value: string) => Number(value)
        if (oid === DATE_OID) return (value: string) => value
        return pg.types.getTypeParser(oid, format as 'text')
      }) as typeof pg.types.getTypeParser
    }
  })
  // An idle client's connection dropping (a PostgreSQL restart) must not crash the process;
  // the pool discards that client and the next checkout opens a new connection.
  const connectionLost = (error: Error) =>
    logger.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'database connection lost')
  pool.on('error', connectionLost)
  // A checked-out client has no pool listener; without one of its own, its socket dropping
  // mid-checkout would be an unhandled 'error' event. The query itself still fails and is answered.
  pool.on('connect', (client) => client.on('error', connectionLost))
  const statements = new StatementNames()
  pool.on('connect', (client) => prepareStatements(client, statements))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}
