import t from 'tap'
import { ADMIN_KEY } from '../helper.ts'
import { startReceiver, until } from '../webhooks/receiver.ts'
import { buildLoggedApp } from './logged-app.ts'

// Everything the service logs, at its most talkative, while requests carry every kind of secret:
// API keys (valid, wrong, revoked, rotated), webhook signing secrets, idempotency keys.
const { app, lines } = await buildLoggedApp(t, {
  webhooksEnabled: true,
  webhookPollMs: 20,
  webhookRetrySchedule: [],
  webhookTimeoutMs: 1000,
  webhookAllowPrivateNetworks: true,
  authFailureLimit: 2
})

const secrets: Array<[string, string]> = [['the admin key', ADMIN_KEY]]
const call = (options: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; key?: string; headers?: Record<string, string>; payload?: object }) =>
  app.inject({
    method: options.method,
    url: options.url,
    payload: options.payload,
    headers: { authorization: `Bearer ${options.key ?? ADMIN_KEY}`, ...options.headers }
  })

t.test('requests carrying every kind of secret', async (t) => {
  const created = await call({ method: 'POST', url: '/v1/api-keys', payload: { name: 'logged', role: 'registrar', force: 'cleveland' } })
  t.equal(created.statusCode, 201)
  const { id, key } = created.json()
  secrets.push(['a new key', key])
  t.equal((await call({ method: 'GET', url: '/v1/forces', key })).statusCode, 200)

  const rotated = await call({ method: 'POST', url: `/v1/api-keys/${id}/rotate` })
  secrets.push(['a rotated key', rotated.json().key])
  t.equal((await call({ method: 'GET', url: '/v1/forces', key })).statusCode, 401, 'the old secret, refused')

  const wrong = 'prk_ThisIsAWrongKeyThatMustNeverBeLogged0123456'
  secrets.push(['a wrong key', wrong])
  for (let i = 0; i < 3; i++) await call({ method: 'GET', url: '/v1/forces', key: wrong }) // the last is a 429
  const password = 'correct-horse-battery-staple-but-not-a-key'
  secrets.push(['a password sent as a key', password])
  await call({ method: 'GET', url: '/v1/forces', key: password })
  await call({ method: 'GET', url: '/v1/forces', headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } })

  const receiver = await startReceiver(() => 500)
  t.teardown(receiver.close)
  const hook = await call({ method: 'POST', url: '/v1/webhooks', payload: { force: 'cleveland', url: receiver.url, eventTypes: ['finding.*'] } })
  t.equal(hook.statusCode, 201)
  secrets.push(['a webhook secret', hook.json().secret])
  const replaced = await call({ method: 'POST', url: `/v1/webhooks/${hook.json().id}/secret`, headers: { 'if-match': String(hook.headers.etag) } })
  t.equal(replaced.statusCode, 200)
  secrets.push(['a replaced webhook secret', replaced.json().secret])

  const idempotencyKey = 'idem-5b1f0c8e-logged-never-0f3a'
  secrets.push(['an idempotency key', idempotencyKey])
  const finding = { force: 'cleveland', reference: 'LOG-1', kind: 'recommendation', title: 'Logged', text: 'Text.' }
  for (let i = 0; i < 2; i++) {
    const response = await call({ method: 'POST', url: '/v1/findings', key: rotated.json().key, headers: { 'idempotency-key': idempotencyKey }, payload: finding })
    t.equal(response.statusCode, 201, i === 0 ? 'created' : 'replayed')
  }
  const mismatch = await call({ method: 'POST', url: '/v1/findings', key: rotated.json().key, headers: { 'idempotency-key': idempotencyKey }, payload: { ...finding, title: 'Other' } })
  t.equal(mismatch.statusCode, 422)

  // The delivery is attempted (the receiver fails it) and given up on: the worker's paths log too.
  // Generous deadline: on a shared PostgreSQL, another database's long transaction holds the
  // change feed's commit-safe horizon back, and the event with it.
  await until(() => receiver.received.length > 0, 'a delivery attempt', 90_000)
  t.match(receiver.received[0]!.headers['webhook-signature'], /^v1,/, 'the receiver got a signature, not the secret')
  await until(() => lines.some((line) => line.includes('webhook delivery failed for good')), 'the worker to log the failure', 30_000)
})

t.test('secrets in query strings and paths, under any name, valid or not, on routes that exist or not', async (t) => {
  const named: Array<[string, string]> = [
    ['api_key', 'prk_QueryStringKeyNeverLogged0123456789abcdefghijk'],
    ['key', 'plain-key-value-never-logged-4711'],
    ['token', 'a-bearer-token-never-logged-0815'],
    ['access_token', 'eyJhbGciOiJIUzI1NiJ9.never-logged'],
    ['client_secret', 'client-secret-never-logged-1234'],
    ['Authorization', 'Bearer opaque-auth-never-logged-99'],
    ['X-API-KEY', 'shouting-key-never-logged-5678'],
    ['password', 'hunter2-but-longer-never-logged']
  ]
  for (const [name, value] of named) {
    secrets.push([`a query parameter named ${name}`, value])
    await call({ method: 'GET', url: `/v1/forces?${encodeURIComponent(name)}=${encodeURIComponent(value)}` })
    await call({ method: 'GET', url: `/v1/no-such-route?${encodeURIComponent(name)}=${encodeURIComponent(value)}` })
  }
  const anyName = 'prk_KeyPrefixUnderAnyNameNeverLogged0123456789abcd'
  const encoded = 'prk%5FEncodedKeyPrefixNeverLogged0123456789abcdefg'
  const hookSecret = 'whsec_QnVyaWVkIGluIGEgcXVlcnkgc3RyaW5nIG5ldmVyIGxvZ2dlZA=='
  secrets.push(['a key under any parameter name', anyName], ['a percent-encoded key', encoded.replace('%5F', '_')], ['a webhook secret in a query', hookSecret])
  await call({ method: 'GET', url: `/v1/findings?q=${anyName}` })
  await call({ method: 'GET', url: `/v1/findings?q=${encoded}`, key: anyName })
  await call({ method: 'GET', url: `/v1/forces?x=${encodeURIComponent(hookSecret)}&flag` })
  await call({ method: 'GET', url: `/v1/api-keys/${anyName}` })
  const wrongInQuery = 'prk_OnlyInTheQueryNoHeaderNeverLogged0123456789ab'
  secrets.push(['a key sent only as ?api_key=', wrongInQuery])
  const bare = await app.inject({ method: 'GET', url: `/v1/forces?api_key=${wrongInQuery}` })
  t.equal(bare.statusCode, 401, 'a key in the query string is not a way in')

  // Errors and careless lines, at every level the service logs at.
  const inError = 'prk_InsideAnErrorMessageNeverLogged0123456789abcde'
  secrets.push(['a key inside an error', inError])
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
    app.log[level]({ err: new Error(`upstream refused ${inError}`), url: `/v1/forces?token=${inError}` }, `a line at ${level} naming ${inError}`)
  }
  t.ok(lines.some((line) => line.includes('[redacted]')), 'what was censored says so')
  t.ok(lines.some((line) => line.includes('"url":"/v1/forces?api_key=[redacted]"')), 'the parameter stays, its value does not')
})

t.test('no secret appears anywhere in the log', async (t) => {
  t.ok(lines.length > 20, `the log has something to search (${lines.length} lines)`)
  t.ok(lines.some((line) => line.includes('"msg":"authentication failed"')), 'failed authentications are in it')
  const text = lines.join('\n')
  for (const [what, secret] of secrets) {
    t.notOk(text.includes(secret), `not ${what}`)
    const body = secret.replace(/^(prk_|whsec_)/, '')
    t.notOk(text.includes(body.slice(0, 16)), `not even part of ${what}`)
  }
})

t.test('the redaction itself: an authorization or idempotency header logged by mistake comes out censored', async (t) => {
  const before = lines.length
  app.log.info({ req: { headers: { authorization: `Bearer ${ADMIN_KEY}`, 'idempotency-key': 'abc-123-idem' } } }, 'a careless log line')
  app.log.info({ headers: { authorization: `Bearer ${ADMIN_KEY}`, cookie: 'session=s3cr3t' }, secret: 'whsec_by-mistake', webhook: { secret: 'whsec_nested-by-mistake' } }, 'another')
  const added = lines.slice(before).join('\n')
  t.notMatch(added, /prk_|abc-123-idem|s3cr3t|whsec_/)
  t.match(added, /\[redacted\]/)
})
