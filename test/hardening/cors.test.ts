import t from 'tap'
import { type ConfigError, loadConfig } from '../../src/config.ts'
import { buildTestApp } from '../helper.ts'

const ALLOWED = 'https://dashboard.cleveland.example.police.uk'
const ALSO_ALLOWED = 'http://localhost:5173'
const OTHER = 'https://evil.example'

const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'))

const preflight = (origin: string) => ({
  method: 'OPTIONS' as const,
  url: '/v1/findings',
  key: null,
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' }
})

t.test('off by default: no CORS header for anyone, and no preflight', async (t) => {
  const { request } = await buildTestApp(t)
  const response = await request({ method: 'GET', url: '/v1/forces', headers: { origin: ALLOWED } })
  t.equal(response.statusCode, 200)
  t.same(corsHeaders(response.headers), [])
  const pre = await request(preflight(ALLOWED))
  t.equal(pre.statusCode, 404)
  t.same(corsHeaders(pre.headers), [])
})

t.test('with CORS_ORIGINS, the listed origins are served and preflighted; nothing for any other', async (t) => {
  const { request } = await buildTestApp(t, { corsOrigins: [ALLOWED, ALSO_ALLOWED] })

  for (const origin of [ALLOWED, ALSO_ALLOWED]) {
    const pre = await request(preflight(origin))
    t.equal(pre.statusCode, 204, `${origin}: preflight answered`)
    t.match(pre.headers, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, HEAD, POST, PATCH, DELETE',
      'access-control-allow-headers': 'authorization, content-type, idempotency-key, if-match, x-request-id',
      'access-control-max-age': '600'
    })
    t.equal(pre.headers['access-control-allow-credentials'], undefined, 'no credentials mode: keys are not cookies')
    t.match(pre.headers.vary, /Origin/)
  }

  const read = await request({ method: 'GET', url: '/v1/forces', headers: { origin: ALLOWED } })
  t.equal(read.statusCode, 200)
  t.equal(read.headers['access-control-allow-origin'], ALLOWED)
  const exposed = String(read.headers['access-control-expose-headers']).split(', ')
  for (const name of ['cache-status', 'content-disposition', 'etag', 'idempotent-replayed', 'link', 'location', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'x-request-id']) {
    t.ok(exposed.includes(name), `the page may read ${name}`)
  }
  const refused = await request({ method: 'GET', url: '/v1/forces', key: null, headers: { origin: ALLOWED } })
  t.equal(refused.statusCode, 401)
  t.equal(refused.headers['access-control-allow-origin'], ALLOWED, 'errors are readable by the page too')

  for (const origin of [OTHER, `${ALLOWED}.evil.example`, ALLOWED.replace('https:', 'http:'), `${ALLOWED}:443`, 'null']) {
    const pre = await request(preflight(origin))
    t.equal(pre.statusCode, 404, `${origin}: no preflight`)
    t.same(corsHeaders(pre.headers), [], `${origin}: no CORS header on the preflight`)
    const other = await request({ method: 'GET', url: '/v1/forces', headers: { origin } })
    t.same(corsHeaders(other.headers), [], `${origin}: no CORS header on a request`)
  }
  const noOrigin = await request({ method: 'GET', url: '/v1/forces' })
  t.same(corsHeaders(noOrigin.headers), [], 'nor without an Origin (not a browser)')
})

t.test('CORS_ORIGINS takes exact origins only', async (t) => {
  t.same(loadConfig({}).corsOrigins, [])
  t.same(loadConfig({ CORS_ORIGINS: ` ${ALLOWED} , ${ALSO_ALLOWED}` }).corsOrigins, [ALLOWED, ALSO_ALLOWED])
  for (const bad of ['*', 'https://*.police.uk', `${ALLOWED}/`, `${ALLOWED}/path`, 'dashboard.example', 'ftp://files.example', 'HTTPS://Dashboard.Example']) {
    const error = t.throws(() => loadConfig({ CORS_ORIGINS: bad }), bad) as ConfigError
    t.match(error.problems, [/^CORS_ORIGINS must /], bad)
  }
})

t.test('as the contract says: the allowed origin on every response, the health probes and problems included', async (t) => {
  const { app, request } = await buildTestApp(t, { corsOrigins: [ALLOWED] })
  type Operation = { responses: Record<string, { headers?: Record<string, unknown> }> }
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
  const undeclared = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).flatMap(([method, { responses }]) =>
      Object.entries(responses)
        .filter(([, response]) => !response.headers?.['Access-Control-Allow-Origin'])
        .map(([status]) => `${method.toUpperCase()} ${path} ${status}`)
    )
  )
  t.same(undeclared, [], 'every response of the contract declares Access-Control-Allow-Origin')
  for (const [url, status] of [['/health/live', 200], ['/health/ready', 200], ['/v1/forces/gotham', 404], ['/v1/findings?limit=0', 400]] as const) {
    const response = await request({ method: 'GET', url, headers: { origin: ALLOWED } })
    t.equal(response.statusCode, status, url)
    t.equal(response.headers['access-control-allow-origin'], ALLOWED, `${url}: Access-Control-Allow-Origin`)
  }
})

t.test('CORS_ORIGINS takes origins no longer than a host name allows', async (t) => {
  const longest = `https://${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}:65535`
  t.same(loadConfig({ CORS_ORIGINS: longest }).corsOrigins, [longest], `${longest.length} characters`)
  const error = t.throws(() => loadConfig({ CORS_ORIGINS: longest.replace(':65535', 'e:65535') })) as ConfigError
  t.match(error.problems, [/^CORS_ORIGINS must list origins of at most 267 characters/])
})
