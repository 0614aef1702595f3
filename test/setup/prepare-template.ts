/**
 * tap's `before` step: builds the database every test file starts from, with the same migrations
 * and reference data the service applies on start.
 */
import { PGlite } from '@electric-sql/pglite'
import pino from 'pino'
import { PGLITE_OPTIONS, openDatabase } from '../../src/db/connect.ts'
import { loadConfig } from '../../src/config.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { ensureServiceRole, grantServicePrivileges } from '../../src/db/roles.ts'
import { loadReferenceData } from '../../src/domain/reference/reference-loader.ts'
import { PG_TEMPLATE_DB, TEST_SERVICE_ROLE, adminQuery, saveTemplate, testDatabaseUrl, withDatabase } from './template.ts'

const logger = pino({ level: 'silent' })
const url = testDatabaseUrl()

if (url === null) {
  const pglite = await PGlite.create(PGLITE_OPTIONS)
  const handle = await openDatabase({ ...loadConfig({}), databaseUrl: null }, logger, { pglite })
  await migrateToLatest(handle.db)
  await loadReferenceData(handle.db)
  const refused = await ensureServiceRole(handle.db, TEST_SERVICE_ROLE)
  if (refused !== null) throw new Error(refused)
  await grantServicePrivileges(handle.db, TEST_SERVICE_ROLE)
  await saveTemplate(pglite)
  await handle.close()
} else {
  await adminQuery(url, `drop database if exists ${PG_TEMPLATE_DB} with (force)`)
  await adminQuery(url, `create database ${PG_TEMPLATE_DB}`)
  // A login role of its own, as a deployment with DATABASE_MIGRATION_URL gives the service.
  await adminQuery(url, `do $$ begin create role ${TEST_SERVICE_ROLE} login; exception when duplicate_object or unique_violation then null; end $$`)
  const handle = await openDatabase({ ...loadConfig({}), databaseUrl: withDatabase(url, PG_TEMPLATE_DB) }, logger)
  await migrateToLatest(handle.db)
  await loadReferenceData(handle.db)
  await grantServicePrivileges(handle.db, TEST_SERVICE_ROLE)
  await handle.close()
}
