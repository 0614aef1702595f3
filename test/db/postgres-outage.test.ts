import net from 'node:net'
import { sql } from 'kysely'
import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/db/connect.ts'
import { serverOptions } from '../../src/server-options.ts'
import { backend, buildTestApp } from '../helper.ts'
import { testDatabaseUrl } from '../setup/template.ts'

/**
 * A TCP relay between the service and PostgreSQL that the test can cut and restore, so the
 * database really goes away (refused connections, dropped sockets) and really comes back.
 */
class Relay {
  private server: net.Server | null = null
  private sockets = new Set<net.Socket>()
  port = 0

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target)
      for (const s of [client, upstream]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => s.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve))
    this.port = (this.server.address() as net.AddressInfo).port
  }

  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
  }
}

if (backend !== 'postgres') {
  t.pass('outages are tested against a real PostgreSQL server (set DATABASE_URL)')
} else {
  const base = new URL(testDatabaseUrl()!)
  const relay = new Relay({ host: base.hostname, port: Number(base.port || 5432) })
  await relay.open()

  const { request, database, config } = await buildTestApp(t, { databaseConnectTimeoutMs: 1000, databaseStatementTimeoutMs: 4321 })
  t.teardown(() => relay.cut().catch(() => {}))

  // A second app on the same test database, reached through the relay.
  const current = await sql<{ name: string }>`select current_database() as name`.execute(database.db)
  const relayedUrl = new URL(base)
  relayedUrl.hostname = '127.0.0.1'
  relayedUrl.port = String(relay.port)
  relayedUrl.pathname = `/${current.rows[0]!.name}`
  const relayed = await openDatabase({ ...config, databaseUrl: relayedUrl.toString() }, pino({ level: 'silent' }))
  const app = await buildApp({ server: serverOptions(config), database: relayed })
  t.teardown(async () => {
    await app.close()
    await relayed.close()
  })
  const key = (await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'outage', role: 'viewer', force: null } })).json().key
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } })

  t.test('the pool applies the statement timeout', async (t) => {
    const row = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(relayed.db)
    t.equal(row.rows[0]?.statement_timeout, '4321ms')
  })

  t.test('a database that goes away gives 503 problems, and the service recovers by itself', async (t) => {
    t.equal((await get('/v1/forces')).statusCode, 200, 'up')
    t.equal((await get('/health/ready')).statusCode, 200)

    await relay.cut()
    const down = await get('/v1/forces')
    t.equal(down.statusCode, 503, 'an API call while the database is away')
    t.equal(down.headers['retry-after'], '5')
    t.match(down.headers['content-type'], /^application\/problem\+json/)
    t.equal(down.json().type, '/problems/database-unavailable')
    t.notMatch(down.body, /ECONNREFUSED|127\.0\.0\.1|terminated/, 'no driver detail leaks')
    t.equal((await get('/health/ready')).statusCode, 503, 'not ready')
    t.equal((await get('/health/live')).statusCode, 200, 'but alive')

    await relay.open()
    t.equal((await get('/health/ready')).statusCode, 200, 'ready again')
    const back = await get('/v1/forces')
    t.equal(back.statusCode, 200, 'API calls work again without a restart')
  })
}
