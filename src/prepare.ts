import type { MigrationResult } from 'kysely/migration'
import type { Logger } from 'pino'
import type { Config } from './config.ts'
import { type DatabaseHandle, openDatabase } from './db/connect.ts'
import type { Db } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { currentRole, ensureServiceRole, grantServicePrivileges } from './db/roles.ts'
import { ensureFirstAdminKey } from './domain/api-keys/api-keys.service.ts'
import { loadReferenceData } from './domain/reference/reference-loader.ts'

export type PrepareConfig = Pick<
  Config,
  'adminApiKey' | 'databaseServiceRole' | 'dataDir' | 'databasePoolMax' | 'databaseConnectTimeoutMs' | 'databaseStatementTimeoutMs'
>

/**
 * What must hold before the service answers a request: the schema at the latest migration, the
 * reference data current, the service's role granted what it needs (src/db/roles.ts), the
 * service's connection running as that role, and at least one admin key. Used by the server and
 * by the tests alike. Returns the secret of a first admin key it generated, for the caller to show once.
 */
export async function prepareDatabase(
  database: DatabaseHandle,
  config: PrepareConfig,
  logger: Logger
): Promise<{ generatedAdminKey: string | null }> {
  const { migrations, referenceApplied } = await migrateAndGrant(database, config, logger)
  for (const m of migrations) logger.info({ migration: m.migrationName, status: m.status }, 'migration applied')
  if (referenceApplied.length > 0) logger.info({ sets: referenceApplied }, 'reference data applied')
  const first = await ensureFirstAdminKey(database.db, config.adminApiKey)
  if (first.created) logger.info({ fromEnvironment: first.secret === null }, 'first admin key created')
  return { generatedAdminKey: first.secret }
}

/**
 * Migrations and reference data as the tables' owner, then the grants to the service's role; with
 * one connection for both, the handle runs as that role from then on. What `peel-register migrate` runs.
 */
export async function migrateAndGrant(
  database: DatabaseHandle,
  config: PrepareConfig,
  logger: Logger
): Promise<{ migrations: MigrationResult[]; referenceApplied: string[] }> {
  if (database.migrationUrl === null) {
    const prepared = await prepareSchema(database.db)
    await switchToServiceRole(database, config.databaseServiceRole, logger)
    return prepared
  }
  const service = await currentRole(database.db)
  const owner = await openDatabase({ ...config, databaseUrl: database.migrationUrl, databaseMigrationUrl: null, databasePoolMax: 1 }, logger)
  try {
    const prepared = await prepareSchema(owner.db)
    await grantToServiceLogin(owner.db, service, logger)
    return prepared
  } finally {
    await owner.close()
  }
}

async function prepareSchema(owner: Db): Promise<{ migrations: MigrationResult[]; referenceApplied: string[] }> {
  const migrations = await migrateToLatest(owner)
  const reference = await loadReferenceData(owner)
  return { migrations, referenceApplied: reference.applied }
}

/**
 * One connection string (or the embedded database): the owner grants a role without login what the
 * service needs, and the service's sessions SET ROLE to it. Injected SQL could still `SET ROLE NONE`
 * back to the owner: only a second login role (DATABASE_MIGRATION_URL) closes that door.
 */
async function switchToServiceRole(database: DatabaseHandle, role: string, logger: Logger): Promise<void> {
  const refused = await ensureServiceRole(database.db, role)
  if (refused !== null) {
    logger.warn({ role, reason: refused }, 'the service runs as the owner of its tables: it could alter or truncate the audit log (see README, "Database roles")')
    return
  }
  await grantServicePrivileges(database.db, role)
  await database.runAs(role)
}

/** Two connection strings: the service's login role gets the grants, and nothing more. */
async function grantToServiceLogin(owner: Db, service: { name: string; superuser: boolean }, logger: Logger): Promise<void> {
  const ownerRole = await currentRole(owner)
  if (ownerRole.name === service.name || service.superuser) {
    logger.warn(
      { role: service.name },
      `DATABASE_URL's role ${service.superuser ? 'is a superuser' : 'is the owner'}: it could alter or truncate the audit log; give the service a role of its own (see README, "Database roles")`
    )
    return
  }
  await grantServicePrivileges(owner, service.name)
}
