import t from 'tap'
import { ADMIN_KEY, buildTestApp } from '../helper.ts'

const { request, database } = await buildTestApp(t)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()

async function newKey(body: Record<string, unknown>, key = ADMIN_KEY) {
  const response = await request({ method: 'POST', url: '/v1/api-keys', key, payload: { role: 'viewer', force: 'cleveland', ...body } })
  if (response.statusCode !== 201) throw new Error(`could not create key: ${response.body}`)
  return response.json<{ id: string; key: string; prefix: string; expiresAt: string | null; rotatedAt: string | null }>()
}

t.test('a key may be given an expiry in the future, and not one in the past', async (t) => {
  const expiresAt = '2099-12-31T23:59:59.000Z'
  const created = await newKey({ name: 'until the end of the century', expiresAt })
  t.equal(created.expiresAt, expiresAt)
  t.equal(created.rotatedAt, null)
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: created.key })).statusCode, 200)
  t.equal((await newKey({ name: 'for ever' })).expiresAt, null, 'without one the key does not expire')
  t.equal((await newKey({ name: 'for ever, said so', expiresAt: null })).expiresAt, null)

  const past = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x', role: 'viewer', force: null, expiresAt: '2020-01-01T00:00:00Z' } })
  t.equal(past.statusCode, 400)
  t.same(past.json().errors, [{ in: 'body', field: 'expiresAt', message: 'must be in the future' }])
  const garbled = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x', role: 'viewer', force: null, expiresAt: 'next tuesday' } })
  t.equal(garbled.statusCode, 400)
  t.match(garbled.json().errors, [{ in: 'body', field: 'expiresAt' }])
})

t.test('an expired key gets 401 saying so, even while the key cache remembers it', async (t) => {
  const created = await newKey({ name: 'short-lived', expiresAt: inMs(1500) })
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: created.key })).statusCode, 200, 'works, and is now remembered for 5 s')
  await sleep(1600)
  const refused = await request({ method: 'GET', url: '/v1/forces', key: created.key })
  t.equal(refused.statusCode, 401)
  t.equal(refused.headers['www-authenticate'], 'Bearer realm="peel-register"')
  t.match(refused.json(), {
    type: '/problems/unauthorized',
    detail: `The API key expired at ${created.expiresAt}. Ask an admin to rotate it or for a new one.`
  })
})

t.test('an expired national admin key does not count as a spare: the last working one still cannot be revoked', async (t) => {
  const spare = await newKey({ name: 'spare national admin', role: 'admin', force: null, expiresAt: inMs(1000) })
  await sleep(1100)
  const list = await request({ method: 'GET', url: '/v1/api-keys?limit=500' })
  const first = list.json().items.find((k: { name: string }) => k.name === 'first admin')
  const response = await request({ method: 'DELETE', url: `/v1/api-keys/${first.id}` })
  t.equal(response.statusCode, 409, `only ${spare.prefix}… is left besides, and it has expired`)
})

t.test('rotation: a new secret for the same key; the old one stops working at once', async (t) => {
  const created = await newKey({ name: 'rotated', expiresAt: '2099-01-01T00:00:00.000Z' })
  for (let i = 0; i < 2; i++) t.equal((await request({ method: 'GET', url: '/v1/forces', key: created.key })).statusCode, 200, 'in use (and remembered)')

  const rotated = await request({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate` })
  t.equal(rotated.statusCode, 200)
  t.equal(rotated.headers['cache-control'], 'no-store')
  const body = rotated.json()
  t.equal(body.id, created.id, 'the same key record')
  t.match(body, { name: 'rotated', role: 'viewer', force: 'cleveland', revokedAt: null, expiresAt: '2099-01-01T00:00:00.000Z' }, 'keeps role, force and expiry')
  t.match(body.key, /^prk_[A-Za-z0-9_-]{43}$/)
  t.not(body.key, created.key)
  t.ok(body.key.startsWith(body.prefix), 'the prefix is the new secret’s')
  t.type(body.rotatedAt, 'string')

  const old = await request({ method: 'GET', url: '/v1/forces', key: created.key })
  t.equal(old.statusCode, 401, 'the old secret is refused on the next request')
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: body.key })).statusCode, 200, 'the new one works')

  const audit = await database.db.selectFrom('audit_log').select(['action', 'actor_key_id', 'before', 'after']).where('entity_id', '=', created.id).orderBy('id').execute()
  t.same(audit.map((a) => a.action), ['create', 'rotate'], 'the rotation is in the audit log')
  t.match(audit[1], { before: { prefix: created.prefix, rotatedAt: null }, after: { prefix: body.prefix, rotatedAt: body.rotatedAt } })
  const text = JSON.stringify(audit)
  t.notOk(text.includes(created.key) || text.includes(body.key), 'and no secret is')
})

t.test('rotation may set, clear or keep the expiry; an expired key needs a new one', async (t) => {
  const created = await newKey({ name: 'expiring', expiresAt: inMs(800) })
  const later = '2098-06-30T12:00:00.000Z'
  const set = await request({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: { expiresAt: later } })
  t.equal(set.json().expiresAt, later)
  const kept = await request({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: {} })
  t.equal(kept.json().expiresAt, later, 'an empty body keeps it')
  const cleared = await request({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: { expiresAt: null } })
  t.equal(cleared.json().expiresAt, null, 'null clears it')

  const past = await request({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: { expiresAt: '2001-01-01T00:00:00Z' } })
  t.equal(past.statusCode, 400)
  t.same(past.json().errors, [{ in: 'body', field: 'expiresAt', message: 'must be in the future' }])

  const lapsing = await newKey({ name: 'lapsing', expiresAt: inMs(500) })
  await sleep(600)
  const needsExpiry = await request({ method: 'POST', url: `/v1/api-keys/${lapsing.id}/rotate` })
  t.equal(needsExpiry.statusCode, 400)
  t.match(needsExpiry.json().errors, [{ in: 'body', field: 'expiresAt', message: /^is required: this key expired at / }])
  const revived = await request({ method: 'POST', url: `/v1/api-keys/${lapsing.id}/rotate`, payload: { expiresAt: later } })
  t.equal(revived.statusCode, 200)
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: revived.json().key })).statusCode, 200, 'and works again with its new secret')

  const unknownField = await request({ method: 'POST', url: `/v1/api-keys/${created.id}/rotate`, payload: { role: 'admin' } })
  t.equal(unknownField.statusCode, 400, 'nothing else can be changed by a rotation')
})

t.test('who may rotate what', async (t) => {
  const target = await newKey({ name: 'cleveland viewer' })
  const durham = await newKey({ name: 'durham viewer', force: 'durham' })
  const clevelandAdmin = await newKey({ name: 'cleveland admin', role: 'admin' })
  const registrar = await newKey({ name: 'cleveland registrar', role: 'registrar' })

  t.equal((await request({ method: 'POST', url: `/v1/api-keys/${target.id}/rotate`, key: clevelandAdmin.key })).statusCode, 200, "a force admin rotates its force's keys")
  t.equal((await request({ method: 'POST', url: `/v1/api-keys/${durham.id}/rotate`, key: clevelandAdmin.key })).statusCode, 404, "another force's key is not found")
  t.equal((await request({ method: 'POST', url: `/v1/api-keys/${target.id}/rotate`, key: registrar.key })).statusCode, 403, 'only admins')
  t.equal((await request({ method: 'POST', url: '/v1/api-keys/00000000-0000-4000-8000-000000000000/rotate' })).statusCode, 404)

  await request({ method: 'DELETE', url: `/v1/api-keys/${durham.id}` })
  const revoked = await request({ method: 'POST', url: `/v1/api-keys/${durham.id}/rotate` })
  t.equal(revoked.statusCode, 409)
  t.equal(revoked.json().detail, 'This key is revoked: create a new one instead.')
})
