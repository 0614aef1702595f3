import t from 'tap'
import { ADMIN_KEY } from '../helper.ts'
import { buildLoggedApp } from './logged-app.ts'
import { awayFromWindowEdge } from './windows.ts'

const FAILURES = 3
const { app, lines } = await buildLoggedApp(t, { authFailureLimit: FAILURES, rateLimitPerAddress: 50 }, 'info')

t.beforeEach(() => awayFromWindowEdge(app.db, 900))

const get = (remoteAddress: string, authorization?: string) =>
  app.inject({ method: 'GET', url: '/v1/forces', remoteAddress, headers: authorization === undefined ? {} : { authorization } })

const failuresLogged = () =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'authentication failed')

t.test('failed authentications from one address get 429 after AUTH_FAILURE_LIMIT, long before the address limit', async (t) => {
  const address = '203.0.113.10'
  for (let i = 1; i <= FAILURES; i++) {
    const response = await get(address, `Bearer prk_wrong-key-number-${i}-000000000000000000000000000`)
    t.equal(response.statusCode, 401, `failure ${i} is a 401`)
    t.equal(response.headers['ratelimit-limit'], String(FAILURES), 'the headers describe the failure quota')
    t.equal(response.headers['ratelimit-remaining'], String(FAILURES - i))
  }
  const refused = await get(address, 'Bearer prk_wrong-key-number-4-000000000000000000000000000')
  t.equal(refused.statusCode, 429)
  const retryAfter = Number(refused.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 900, `retry within the 15-minute window (${retryAfter} s)`)
  t.match(refused.json(), {
    type: '/problems/too-many-requests',
    status: 429,
    detail: new RegExp(`^Too many failed authentications from your address: more than ${FAILURES} in 15 minutes\\. Retry after \\d+ s\\.$`)
  })
  t.equal((await get(address, 'Basic dXNlcjpwYXNz')).statusCode, 429, 'a malformed header is a failure too')

  t.equal((await get(address, `Bearer ${ADMIN_KEY}`)).statusCode, 200, 'a valid key from that address still works')
  t.equal((await get('203.0.113.11', 'Bearer prk_wrong-key-elsewhere-0000000000000000000000000')).statusCode, 401, 'another address is not affected')
})

t.test('a request with no key at all is not a failed authentication', async (t) => {
  const address = '203.0.113.20'
  for (let i = 0; i < FAILURES + 2; i++) {
    const response = await get(address)
    t.equal(response.statusCode, 401)
    t.equal(response.headers['ratelimit-limit'], '50', 'counted against the address only')
  }
})

t.test('each failure is logged as a warning with the key’s prefix, never the key', async (t) => {
  const before = failuresLogged().length
  const wrong = 'prk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde'
  const custom = 'a-long-custom-password-that-is-not-a-prk-key-0123'
  await get('203.0.113.30', `Bearer ${wrong}`)
  await get('203.0.113.30', `Bearer ${custom}`)
  await get('203.0.113.30', 'Token abc')
  const logged = failuresLogged().slice(before)
  t.equal(logged.length, 3)
  t.match(logged[0], { level: 40, reason: 'unknown', keyPrefix: 'prk_AbCdEf', address: '203.0.113.30', requestId: String })
  t.match(logged[1], { level: 40, reason: 'unknown', keyPrefix: null }, 'nothing at all of a secret that is not one of our keys')
  t.match(logged[2], { level: 40, reason: 'malformed' })
  const text = lines.join('\n')
  t.notOk(text.includes(wrong), 'the whole key is never logged')
  t.notOk(text.includes(wrong.slice(0, 12)), 'nor more than its prefix')
  t.notOk(text.includes(custom.slice(0, 8)), 'nor any of another secret')
  t.notOk(text.includes(ADMIN_KEY), 'nor a valid key')
})

t.test('a revoked key is logged as revoked', async (t) => {
  const created = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: { name: 'to be revoked', role: 'viewer', force: null }
  })
  const { id, key } = created.json()
  await app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  const before = failuresLogged().length
  const response = await get('203.0.113.40', `Bearer ${key}`)
  t.equal(response.statusCode, 401)
  t.equal(response.json().detail, 'The API key is unknown or has been revoked.', 'the caller is not told which')
  t.match(failuresLogged().slice(before), [{ reason: 'revoked', keyPrefix: key.slice(0, 10) }], 'the log says which')
})
