import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import pino from 'pino'
import type { Test } from 'tap'
import { buildApp } from '../src/app.ts'
import { type Config, loadConfig } from '../src/config.ts'
import { type DatabaseHandle, openDatabase } from '../src/db/connect.ts'
import type { Db, Executor } from '../src/db/database.ts'
import type { Role } from '../src/domain/access/roles.ts'
import { applyDocument } from '../src/domain/exchange/apply-document.ts'
import { checkDocument } from '../src/domain/exchange/register-document.ts'
import { prepareDatabase } from '../src/prepare.ts'
import { pageCacheSettings, securitySettings, serverOptions, webhookSettings } from '../src/server-options.ts'
import { headerMismatch } from './response-headers.ts'
import { PG_TEMPLATE_DB, TEST_SERVICE_ROLE, adminQuery, pgliteFromTemplate, testDatabaseUrl, withDatabase, withUser } from './setup/template.ts'

/** Loads the example register of 002 into force cleveland, as `npm run example:load` does. */
export async function loadExample(database: DatabaseHandle) {
  const text = await readFile(new URL('../examples/cleveland-register.json', import.meta.url), 'utf8')
  return applyDocument(database.db, { keyId: null, requestId: 'test:example' }, checkDocument(JSON.parse(text)))
}

/** The national admin key every test app starts with (adopted through ADMIN_API_KEY, as in production). */
export const ADMIN_KEY = 'prk_test-national-admin-key-0123456789abcdef'

export const backend = testDatabaseUrl() === null ? 'embedded' : 'postgres'

export function testConfig(overrides: Partial<Config> = {}): Config {
  // The delivery worker and the audit sealer run only in the tests that are about them. Rate limits
  // are counted in every test, but generous enough that only the tests about them reach one.
  const env = {
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: ADMIN_KEY,
    WEBHOOKS_ENABLED: 'false',
    AUDIT_SEAL_MS: '0',
    RATE_LIMIT_PER_KEY: '1000000',
    RATE_LIMIT_PER_ADDRESS: '1000000',
    AUTH_FAILURE_LIMIT: '1000000',
    DATABASE_SERVICE_ROLE: TEST_SERVICE_ROLE
  }
  return { ...loadConfig(env), ...overrides }
}

/**
 * A database of its own for one test file: a copy of the run's prepared template, on the backend
 * the run was asked for (PGlite unless DATABASE_URL is set). Dropped when the test ends. On
 * PostgreSQL the handle is the service's login (TEST_SERVICE_ROLE), the server's URL the owner's.
 */
export async function openTestDatabase(t: Test, config: Config = testConfig()): Promise<DatabaseHandle> {
  const logger = pino({ level: 'silent' })
  const url = testDatabaseUrl()
  if (url === null) {
    const handle = await openDatabase({ ...config, databaseUrl: null }, logger, { pglite: await pgliteFromTemplate() })
    t.teardown(() => handle.close())
    return handle
  }
  const name = `peel_register_test_${randomBytes(6).toString('hex')}`
  await adminQuery(url, `create database ${name} template ${PG_TEMPLATE_DB}`)
  const owner = withDatabase(url, name)
  const handle = await openDatabase({ ...config, databaseUrl: withUser(owner, TEST_SERVICE_ROLE), databaseMigrationUrl: owner }, logger)
  t.teardown(async () => {
    await handle.close()
    await adminQuery(url, `drop database if exists ${name} with (force)`)
  })
  return handle
}

/**
 * Runs `work` as the tables' owner, not the service: to do what only an owner can (tamper with the
 * audit log, drop a table). On PostgreSQL over the owner's own connection; on the embedded
 * database, whose one session the service SET ROLE'd, by resetting the role for the while.
 */
export async function asOwner<T>(database: DatabaseHandle, work: (db: Db) => Promise<T>): Promise<T> {
  if (database.migrationUrl !== null) {
    const owner = await openDatabase({ ...testConfig(), databaseUrl: database.migrationUrl, databaseMigrationUrl: null }, pino({ level: 'silent' }))
    try {
      return await work(owner.db)
    } finally {
      await owner.close()
    }
  }
  const role = (await sql<{ role: string }>`select current_user as role`.execute(database.db)).rows[0]!.role
  await sql`reset role`.execute(database.db)
  try {
    return await work(database.db)
  } finally {
    await sql`set role ${sql.id(role)}`.execute(database.db)
  }
}

export interface TestApp {
  app: FastifyInstance
  database: DatabaseHandle
  config: Config
  /** Sends a request with the given key (the national admin key unless told otherwise). */
  request(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>
  /** Creates a key through the API and returns its secret. */
  createKey(role: Role, force: string | null, name?: string): Promise<string>
}

/** The application as production builds it (same options, same start-up steps), on a test database. */
export async function buildTestApp(t: Test, overrides: Partial<Config> = {}): Promise<TestApp> {
  const config = testConfig(overrides)
  const database = await openTestDatabase(t, config)
  await prepareDatabase(database, config, pino({ level: 'silent' }))
  const app = await buildApp({
    server: serverOptions(config),
    database,
    webhooks: webhookSettings(config),
    security: securitySettings(config),
    pageCache: pageCacheSettings(config),
    auditSealMs: config.auditSealMs
  })
  t.teardown(() => app.close())

  const request: TestApp['request'] = async ({ key = ADMIN_KEY, headers, ...options }) => {
    const response = await app.inject({
      ...options,
      headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers }
    })
    // Every answer's headers are held to the contract (test/response-headers.ts).
    const mismatch = typeof options.url === 'string' ? headerMismatch(String(options.method ?? 'GET'), options.url, response) : null
    if (mismatch) throw new Error(`the response's headers break the contract: ${mismatch}`)
    return response
  }

  return {
    app,
    database,
    config,
    request,
    async createKey(role, force, name = `${role} of ${force ?? 'national'}`) {
      const response = await request({ method: 'POST', url: '/v1/api-keys', payload: { name, role, force } })
      if (response.statusCode !== 201) throw new Error(`could not create key: ${response.body}`)
      return response.json<{ key: string }>().key
    }
  }
}

/** The snapshot a statement begun now reads (which transactions it sees as committed), as the page cache keeps it. */
export async function snapshotNow(db: Executor): Promise<string> {
  const result = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(db)
  return result.rows[0]!.snapshot
}
