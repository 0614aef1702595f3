import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { type ConfigError, loadConfig } from '../../src/config.ts'
import type { Role } from '../../src/domain/access/roles.ts'
import { authenticate, createKey as createKeyRecord } from '../../src/domain/api-keys/api-keys.service.ts'
import { addressBucket } from '../../src/domain/rate-limits/rate-limiter.ts'
import { countHits } from '../../src/domain/rate-limits/rate-limits.repository.ts'
import { securitySettings, serverOptions } from '../../src/server-options.ts'
import { ADMIN_KEY, buildTestApp } from '../helper.ts'
import { awayFromWindowEdge } from './windows.ts'

const PER_KEY = 5
const PER_ADDRESS = 8
const { app, request, database, config } = await buildTestApp(t, { rateLimitPerKey: PER_KEY, rateLimitPerAddress: PER_ADDRESS })

/** Keys made straight through the service: the admin key has the same small quota as any other here. */
const admin = (await authenticate(database.db, ADMIN_KEY))!
async function createKey(role: Role, force: string | null, name: string): Promise<string> {
  const { secret } = await createKeyRecord(database.db, admin, { keyId: admin.keyId, requestId: 'test' }, { name, role, force })
  return secret
}

t.beforeEach(() => awayFromWindowEdge(database.db))

let addresses = 0
/** A client address of its own for each test, so that the address limit of one does not leak into another. */
const newAddress = () => `198.51.100.${++addresses}`

const limitHeaders = (headers: Record<string, unknown>) => ({
  limit: Number(headers['ratelimit-limit']),
  remaining: Number(headers['ratelimit-remaining']),
  reset: Number(headers['ratelimit-reset'])
})

t.test('a key gets its quota per minute, counted down in the RateLimit headers, then a 429 problem', async (t) => {
  const key = await createKey('viewer', 'cleveland', 'busy dashboard')
  const remoteAddress = newAddress()
  for (let i = 1; i <= PER_KEY; i++) {
    const response = await request({ method: 'GET', url: '/v1/forces/cleveland', key, remoteAddress })
    t.equal(response.statusCode, 200, `request ${i} passes`)
    const { limit, remaining, reset } = limitHeaders(response.headers)
    t.equal(limit, PER_KEY, 'the limit closest to being used up is the key’s')
    t.equal(remaining, PER_KEY - i)
    t.ok(reset >= 1 && reset <= 60, `resets within the minute (${reset})`)
  }
  const refused = await request({ method: 'GET', url: '/v1/forces/cleveland', key, remoteAddress })
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  const retryAfter = Number(refused.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After in seconds (${retryAfter})`)
  t.same(limitHeaders(refused.headers), { limit: PER_KEY, remaining: 0, reset: retryAfter })
  t.match(refused.json(), {
    type: '/problems/too-many-requests',
    title: 'Too many requests',
    status: 429,
    detail: new RegExp(`^This API key made more than ${PER_KEY} requests in a minute\\. Retry after \\d+ s\\.$`),
    instance: '/v1/forces/cleveland'
  })

  const other = await createKey('viewer', 'cleveland', 'another dashboard')
  t.equal((await request({ method: 'GET', url: '/v1/forces/cleveland', key: other, remoteAddress: newAddress() })).statusCode, 200, 'another key is not affected')
})

t.test('requests without a key count against their address', async (t) => {
  const remoteAddress = newAddress()
  for (let i = 1; i <= PER_ADDRESS; i++) {
    const response = await request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress })
    t.equal(response.statusCode, 401)
    t.same(limitHeaders(response.headers).remaining, PER_ADDRESS - i, 'counted against the address')
  }
  const refused = await request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress })
  t.equal(refused.statusCode, 429)
  t.match(refused.json().detail, new RegExp(`^More than ${PER_ADDRESS} requests came from your address in a minute`))
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress: newAddress() })).statusCode, 401, 'another address is not affected')
})

t.test('an address is shared by the keys behind it; unknown routes count too', async (t) => {
  const remoteAddress = newAddress()
  const [a, b] = [await createKey('viewer', 'durham', 'a'), await createKey('viewer', 'durham', 'b')]
  for (let i = 0; i < 3; i++) t.equal((await request({ method: 'GET', url: '/v1/forces', key: a, remoteAddress })).statusCode, 200)
  for (let i = 0; i < 3; i++) t.equal((await request({ method: 'GET', url: '/v1/forces', key: b, remoteAddress })).statusCode, 200)
  const unknown = await request({ method: 'GET', url: '/no-such-route', key: null, remoteAddress })
  t.equal(unknown.statusCode, 404)
  t.equal(limitHeaders(unknown.headers).remaining, 1, 'a 404 is counted against the address')
  const last = await request({ method: 'GET', url: '/v1/forces', key: b, remoteAddress })
  t.equal(last.statusCode, 200)
  t.same(limitHeaders(last.headers), { ...limitHeaders(last.headers), limit: PER_ADDRESS, remaining: 0 }, 'the headers describe the tighter limit: the address’s')
  const refused = await request({ method: 'GET', url: '/v1/forces', key: a, remoteAddress })
  t.equal(refused.statusCode, 429)
  t.match(refused.json().detail, /from your address/)
})

t.test('health checks, the docs and the contract are never counted nor refused', async (t) => {
  const remoteAddress = newAddress()
  for (let i = 0; i <= PER_ADDRESS; i++) await request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress })
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress })).statusCode, 429, 'the address is over its limit')
  for (const url of ['/health/live', '/health/ready', '/docs', '/docs/', '/docs/json', '/docs/static/swagger-ui.css', '/openapi.json']) {
    const response = await request({ method: 'GET', url, key: null, remoteAddress })
    t.equal(response.statusCode, 200, url)
    t.equal(response.headers['ratelimit-limit'], undefined, `${url} carries no RateLimit headers`)
  }
})

t.test('every instance counts against the same numbers, kept in PostgreSQL', async (t) => {
  const second = await buildApp({ server: serverOptions(config), database, security: securitySettings(config) })
  t.teardown(() => second.close())
  const key = await createKey('viewer', 'kent', 'two instances')
  const remoteAddress = newAddress()
  const statuses: number[] = []
  for (let i = 0; i <= PER_KEY; i++) {
    const instance = i % 2 === 0 ? app : second
    const response = await instance.inject({ method: 'GET', url: '/v1/forces', headers: { authorization: `Bearer ${key}` }, remoteAddress })
    statuses.push(response.statusCode)
  }
  t.same(statuses, [200, 200, 200, 200, 200, 429], 'the sixth request is refused, whichever instance takes it')
  const rows = await database.db.selectFrom('rate_limit_counters').select(['bucket', 'hits']).where('bucket', 'like', '%kent%').execute()
  t.same(rows, [], 'buckets name keys by id, not by anything of the key')
  const byAddress = await database.db.selectFrom('rate_limit_counters').select('hits').where('bucket', '=', `address:${remoteAddress}`).execute()
  t.same(byAddress, [{ hits: PER_KEY + 1 }], 'one row per bucket and window, one hit per request')
})

t.test('concurrent requests are counted exactly: no more pass than the limit', async (t) => {
  const key = await createKey('viewer', 'kent', 'concurrent')
  const remoteAddress = newAddress()
  const responses = await Promise.all(
    Array.from({ length: PER_KEY * 3 }, () => request({ method: 'GET', url: '/v1/forces', key, remoteAddress: remoteAddress }))
  )
  const passed = responses.filter((r) => r.statusCode === 200).length
  const refused = responses.filter((r) => r.statusCode === 429).length
  t.equal(passed, PER_KEY)
  t.equal(refused, PER_KEY * 2)
})

t.test('a new window starts afresh; ended windows are deleted by the counting statement now and then', async (t) => {
  const key = await createKey('viewer', 'kent', 'next window')
  const remoteAddress = newAddress()
  for (let i = 0; i <= PER_KEY; i++) await request({ method: 'GET', url: '/v1/forces', key, remoteAddress })
  t.equal((await request({ method: 'GET', url: '/v1/forces', key, remoteAddress })).statusCode, 429)
  // As if the minute had passed: the windows so far end an hour ago.
  await sql`update rate_limit_counters set window_start = window_start - interval '1 hour', expires_at = expires_at - interval '1 hour'`.execute(database.db)
  const next = await request({ method: 'GET', url: '/v1/forces', key, remoteAddress })
  t.equal(next.statusCode, 200, 'the next window has the whole quota')
  t.equal(limitHeaders(next.headers).remaining, PER_KEY - 1)

  const ended = async () => Number((await sql<{ n: number }>`select count(*)::int as n from rate_limit_counters where expires_at <= now()`.execute(database.db)).rows[0]!.n)
  t.ok((await ended()) > 0, 'ended windows are still there')
  await countHits(database.db, [{ bucket: 'test:probe', windowSeconds: 60 }], false)
  t.ok((await ended()) > 0, 'a count without the purge leaves them')
  const [probe] = await countHits(database.db, [{ bucket: 'test:probe', windowSeconds: 60 }], true)
  t.equal(await ended(), 0, 'a count with the purge deletes them')
  t.match(probe, { bucket: 'test:probe', hits: 2 }, 'and still counts')
})

t.test('the limits are off at 0, and no counter is written', async (t) => {
  const off = await buildTestApp(t, { rateLimitPerKey: 0, rateLimitPerAddress: 0, authFailureLimit: 0 })
  for (let i = 0; i < 3; i++) {
    const response = await off.request({ method: 'GET', url: '/v1/forces' })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['ratelimit-limit'], undefined)
  }
  const rows = await off.database.db.selectFrom('rate_limit_counters').selectAll().execute()
  t.same(rows, [])
})

t.test('IPv6 clients are counted by their /64; IPv4-mapped addresses as IPv4', async (t) => {
  t.equal(addressBucket('192.0.2.7'), '192.0.2.7')
  t.equal(addressBucket('::ffff:192.0.2.7'), '192.0.2.7')
  t.equal(addressBucket('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64')
  t.equal(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64')
  t.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(addressBucket('::1'), '0:0:0:0::/64')
  t.equal(addressBucket('fe80::1%eth0'), 'fe80:0:0:0::/64')
  t.equal(addressBucket('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64')

  const statuses: number[] = []
  for (let i = 1; i <= PER_ADDRESS + 1; i++) {
    statuses.push((await request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress: `2001:db8:7:7::${i.toString(16)}` })).statusCode)
  }
  t.equal(statuses.at(-1), 429, 'stepping through one /64 does not escape the limit')
})

t.test('behind the proxies TRUST_PROXY lists, a client is counted by the address the nearest proxy saw', async (t) => {
  const proxied = await buildTestApp(t, { rateLimitPerAddress: 2, trustProxy: ['127.0.0.1', '10.0.0.0/8'] })
  const via = (forwarded: string) =>
    proxied.request({ method: 'GET', url: '/v1/forces', key: null, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwarded } })
  // The client writes what it likes into X-Forwarded-For; each proxy appends the address it saw.
  t.equal((await via('192.0.2.1, 203.0.113.77, 10.1.2.3')).statusCode, 401)
  t.equal((await via('192.0.2.2, 203.0.113.77, 10.1.2.3')).statusCode, 401)
  t.equal((await via('192.0.2.3, 203.0.113.77, 10.1.2.3')).statusCode, 429, 'a forged entry does not make a new client')
  t.equal((await via('203.0.113.78, 10.1.2.3')).statusCode, 401, 'another client behind the same proxies has its own count')
})

t.test('the contract declares 429 with Retry-After on every /v1 operation, and the RateLimit headers on its 2xx and 4xx answers', async (t) => {
  type Response = { headers?: Record<string, { $ref: string }> }
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, Response> }>>; components: { headers: Record<string, unknown> } }
  const declared = Object.keys(document.components.headers)
  t.same(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'].filter((name) => !declared.includes(name)), [], 'each described once')
  const missing: string[] = []
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1/')) continue
    for (const [method, { responses }] of Object.entries(operations)) {
      const label = `${method.toUpperCase()} ${path}`
      if (!responses['429']?.headers?.['Retry-After']) missing.push(`${label} 429 Retry-After`)
      for (const [status, response] of Object.entries(responses)) {
        if (/^[24]/.test(status) && !response.headers?.['RateLimit-Remaining']) missing.push(`${label} ${status} RateLimit-*`)
      }
    }
  }
  t.same(missing, [])
})

t.test('configuration: per minute, 0 turns a limit off', async (t) => {
  const defaults = loadConfig({})
  t.match(defaults, { rateLimitPerKey: 1200, rateLimitPerAddress: 3000, authFailureLimit: 20 })
  t.match(loadConfig({ RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '50', AUTH_FAILURE_LIMIT: '5' }), { rateLimitPerKey: 0, rateLimitPerAddress: 50, authFailureLimit: 5 })
  const error = t.throws(() => loadConfig({ RATE_LIMIT_PER_KEY: 'lots', AUTH_FAILURE_LIMIT: '-1' })) as ConfigError
  t.same(error.problems, ['RATE_LIMIT_PER_KEY must be a whole number, got "lots"', 'AUTH_FAILURE_LIMIT must be a whole number, got "-1"'])

  t.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.10,fd00::/8' }).trustProxy, ['10.0.0.0/8', '192.0.2.10', 'fd00::/8'])
  for (const bad of ['maybe', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8']) {
    const problem = t.throws(() => loadConfig({ TRUST_PROXY: bad }), bad) as ConfigError
    t.match(problem.problems, [/^TRUST_PROXY must be true, false or a comma-separated list of proxy addresses/], bad)
  }
})
