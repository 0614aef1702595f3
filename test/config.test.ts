import { spawn } from 'node:child_process'
import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.ts'

const RANDOM_KEY = 'prk_Jq3vX9_tWm0aLr7eYk2bN5sPz8cHd1fGu4iOx6'

t.test('defaults: embedded database under ./data, loopback, port 3000', async (t) => {
  const config = loadConfig({}, '/srv/app')
  t.equal(config.databaseUrl, null)
  t.equal(config.dataDir, '/srv/app/data')
  t.equal(config.host, '127.0.0.1')
  t.equal(config.port, 3000)
  t.equal(config.logLevel, 'info')
  t.equal(config.adminApiKey, null)
})

t.test('reads every documented variable', async (t) => {
  const config = loadConfig(
    {
      DATABASE_URL: 'postgres://u:p@db:5432/peel',
      DATA_DIR: '/var/peel',
      HOST: '0.0.0.0',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      ADMIN_API_KEY: RANDOM_KEY,
      DATABASE_POOL_MAX: '20',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_STATEMENT_TIMEOUT_MS: '9000',
      REQUEST_TIMEOUT_MS: '12000',
      BODY_LIMIT_BYTES: '2048',
      TRUST_PROXY: 'true'
    },
    '/srv/app'
  )
  t.match(config, {
    databaseUrl: 'postgres://u:p@db:5432/peel',
    dataDir: '/var/peel',
    host: '0.0.0.0',
    port: 8080,
    logLevel: 'debug',
    adminApiKey: RANDOM_KEY,
    databasePoolMax: 20,
    databaseConnectTimeoutMs: 2000,
    databaseStatementTimeoutMs: 9000,
    requestTimeoutMs: 12000,
    bodyLimitBytes: 2048,
    trustProxy: true
  })
})

t.test('the database roles: a migration URL beside DATABASE_URL, a service role for one connection', async (t) => {
  const defaults = loadConfig({})
  t.match(defaults, { databaseMigrationUrl: null, databaseServiceRole: 'peel_register_service', auditSealMs: 1000 })
  const split = loadConfig({
    DATABASE_URL: 'postgres://peel_service:s@db:5432/peel',
    DATABASE_MIGRATION_URL: 'postgres://peel_owner:o@db:5432/peel',
    DATABASE_SERVICE_ROLE: 'peel_requests',
    AUDIT_SEAL_MS: '0'
  })
  t.match(split, { databaseMigrationUrl: 'postgres://peel_owner:o@db:5432/peel', databaseServiceRole: 'peel_requests', auditSealMs: 0 })
  const error = t.throws(() => loadConfig({ DATABASE_MIGRATION_URL: 'postgres://o@db/peel', DATABASE_SERVICE_ROLE: 'Robert"); drop' })) as ConfigError
  t.match(error.problems, [/^DATABASE_MIGRATION_URL needs DATABASE_URL too/, /^DATABASE_SERVICE_ROLE must be a role name/])
  t.throws(() => loadConfig({ DATABASE_SERVICE_ROLE: 'pg_monitor' }), /DATABASE_SERVICE_ROLE/, "not one of PostgreSQL's own")
})

t.test('names every bad variable at once', async (t) => {
  const error = t.throws(() =>
    loadConfig({
      DATABASE_URL: 'mysql://nope',
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      ADMIN_API_KEY: 'short',
      DATABASE_POOL_MAX: '0',
      TRUST_PROXY: 'maybe'
    })
  ) as ConfigError
  t.ok(error instanceof ConfigError)
  t.equal(error.problems.length, 6)
  for (const name of ['DATABASE_URL', 'PORT', 'LOG_LEVEL', 'ADMIN_API_KEY', 'DATABASE_POOL_MAX', 'TRUST_PROXY']) {
    t.ok(error.problems.some((p) => p.startsWith(`${name} `)), `names ${name}`)
  }
  t.match(error.message, /PORT must be a whole number, got "eighty"/)
  t.match(error.message, /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/)
})

t.test('ADMIN_API_KEY must look random: long, varied, no repeats, not a run', async (t) => {
  const weak: Array<[string, RegExp]> = [
    ['short-but-random-9Xq', /at least 32 characters/],
    ['a'.repeat(64), /about 0 bits, at least 88 are needed/],
    ['ab'.repeat(20), /about 40 bits/],
    ['Password1234Password1234Password', /a run of 8 characters appears twice/],
    ['0123456789'.repeat(4), /a run of 8 characters appears twice/],
    ['abcdefghijklmnopqrstuvwxyz0123456789', /neighbouring characters are equal or in sequence/],
    ['with a space in the middle of a long key', /printable ASCII without spaces/]
  ]
  for (const [key, why] of weak) {
    const error = t.throws(() => loadConfig({ ADMIN_API_KEY: key })) as ConfigError
    t.ok(error instanceof ConfigError, key)
    t.match(error.problems, [new RegExp(`^ADMIN_API_KEY .*${why.source}`)], key)
  }
  const strong = [
    RANDOM_KEY,
    'prk_test-national-admin-key-0123456789abcdef',
    'q9Ld0lIvY0Zr2m1s8o3V1cQm8u5aZJpP6jFrN0yqk9E=',
    '5ffba9decb5543b389bcb23e32345fe9',
    '3f2a9c1e-77b4-4d0a-9e55-c1d2b3a4f5e6'
  ]
  for (const key of strong) t.equal(loadConfig({ ADMIN_API_KEY: key }).adminApiKey, key, `${key} is accepted`)
})

t.test('a port out of range and a URL that is not one are refused', async (t) => {
  t.throws(() => loadConfig({ PORT: '70000' }), { message: /PORT must be between 0 and 65535, got 70000/ })
  t.throws(() => loadConfig({ DATABASE_URL: 'not a url' }), { message: /DATABASE_URL must be a URL/ })
})

t.test('the server refuses to start on bad configuration and says which variable', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 78, 'exits with EX_CONFIG')
  t.match(stderr, /Invalid configuration:\n {2}- PORT must be a whole number, got "eighty"/)
})
