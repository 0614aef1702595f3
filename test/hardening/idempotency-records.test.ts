import { sql } from 'kysely'
import { up } from '../../migrations/2026-12-07T20-10-00-idempotency-without-secrets.ts'
import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request, database } = await buildTestApp(t)
const db = database.db

const records = (key: string) =>
  db.selectFrom('idempotency_keys').select(['operation', 'response_body']).where('key', '=', key).execute()
const backdate = (key: string, hours: number) =>
  sql`update idempotency_keys set created_at = now() - make_interval(hours => ${hours}) where key = ${key}`.execute(db)

t.test('a webhook create keeps no secret in its idempotency record, and a replay does not resend one', async (t) => {
  const body = { force: 'cleveland', url: 'https://example.org/idempotent', eventTypes: ['finding.*'] }
  const headers = { 'idempotency-key': 'hook-secret-1' }
  const created = await request({ method: 'POST', url: '/v1/webhooks', payload: body, headers })
  t.equal(created.statusCode, 201)
  const { id, secret } = created.json()
  t.match(secret, /^whsec_/, 'the first answer carries the secret, once')

  const stored = await records('hook-secret-1')
  t.equal(stored.length, 1)
  t.notOk(JSON.stringify(stored[0]!.response_body).includes(secret), 'the record does not hold it')
  t.notOk('secret' in (stored[0]!.response_body as object))

  for (const when of ['replayed', 'replayed after the secret was replaced']) {
    const replay = await request({ method: 'POST', url: '/v1/webhooks', payload: body, headers })
    t.equal(replay.statusCode, 409, when)
    t.match(replay.json(), { type: '/problems/secret-not-replayed', webhookId: id, detail: new RegExp(`POST /v1/webhooks/${id}/secret`) })
    t.notOk(replay.body.includes('whsec_'), 'no secret, old or new')
    const current = await request({ method: 'GET', url: `/v1/webhooks/${id}` })
    await request({ method: 'POST', url: `/v1/webhooks/${id}/secret`, headers: { 'if-match': String(current.headers.etag) } })
  }
  const list = await request({ method: 'GET', url: '/v1/webhooks?force=cleveland' })
  t.equal(list.json().items.filter((w: { url: string }) => w.url === body.url).length, 1, 'and no second webhook was made')
})

t.test('records expire after 24 hours: the same key is then a new request', async (t) => {
  const finding = { force: 'cleveland', reference: 'IDEM-1', kind: 'recommendation', title: 'Once', text: 'Text.' }
  const headers = { 'idempotency-key': 'expiring-1' }
  const first = await request({ method: 'POST', url: '/v1/findings', payload: finding, headers })
  t.equal(first.statusCode, 201)
  await backdate('expiring-1', 23)
  const replay = await request({ method: 'POST', url: '/v1/findings', payload: finding, headers })
  t.equal(replay.headers['idempotent-replayed'], 'true', 'within 24 hours, a replay')
  t.equal(replay.json().id, first.json().id)

  await backdate('expiring-1', 25)
  const again = await request({ method: 'POST', url: '/v1/findings', payload: { ...finding, reference: 'IDEM-2' }, headers })
  t.equal(again.statusCode, 201, 'past 24 hours, the key is free: a new request, even with another body')
  t.equal(again.headers['idempotent-replayed'], undefined)
  t.not(again.json().id, first.json().id)
})

t.test('expired records are cleared by the writes that come after them', async (t) => {
  for (const key of ['stale-a', 'stale-b']) {
    const response = await request({ method: 'POST', url: '/v1/governance-groups', payload: { force: 'cleveland', name: key }, headers: { 'idempotency-key': key } })
    t.equal(response.statusCode, 201)
  }
  await backdate('stale-a', 30)
  await request({ method: 'POST', url: '/v1/governance-groups', payload: { force: 'cleveland', name: 'fresh' }, headers: { 'idempotency-key': 'fresh-1' } })
  t.same(await records('stale-a'), [], 'the expired record went')
  t.equal((await records('stale-b')).length, 1, 'a live one stays')
})

t.test('the upgrade removes secrets already stored, and records past their time', async (t) => {
  const keyId = (await db.selectFrom('api_keys').select('id').where('name', '=', 'first admin').executeTakeFirstOrThrow()).id
  const stored = (key: string, operation: string, body: object, hours: number) =>
    sql`insert into idempotency_keys (api_key_id, key, operation, request_hash, response_status, response_body, created_at)
        values (${keyId}, ${key}, ${operation}, 'h', 201, ${JSON.stringify(body)}::jsonb, now() - make_interval(hours => ${hours}))`.execute(db)
  await stored('old-hook', 'createWebhook', { id: 'w1', secret: 'whsec_c3RvcmVkIGJ5IGFuIG9sZGVyIHJlbGVhc2U=' }, 1)
  await stored('old-finding', 'createFinding', { id: 'f1' }, 30)
  await up(db)
  t.same((await records('old-hook'))[0]?.response_body, { id: 'w1' }, 'the secret is gone, the rest stays')
  t.same(await records('old-finding'), [], 'the expired record is gone')
})
