import t from 'tap'
import { ADMIN_KEY, buildTestApp } from '../helper.ts'

const { request, createKey, database } = await buildTestApp(t)

interface KeyView {
  id: string
  name: string
  role: string
  force: string | null
  prefix: string
  createdAt: string
  createdBy: string | null
  revokedAt: string | null
}

t.test('creating a key returns its secret once, with 201 and a Location', async (t) => {
  const response = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'dashboard', role: 'viewer', force: 'cleveland' } })
  t.equal(response.statusCode, 201)
  const body = response.json()
  t.match(body.key, /^prk_[A-Za-z0-9_-]{43}$/)
  t.equal(response.headers.location, `/v1/api-keys/${body.id}`)
  t.equal(response.headers['cache-control'], 'no-store')
  t.ok(body.key.startsWith(body.prefix), 'the prefix is the start of the key')
  t.match(body, { name: 'dashboard', role: 'viewer', force: 'cleveland', revokedAt: null })

  const works = await request({ method: 'GET', url: '/v1/forces/cleveland', key: body.key })
  t.equal(works.statusCode, 200, 'the new key works')

  const listed = await request({ method: 'GET', url: '/v1/api-keys' })
  const text = listed.body
  t.notOk(text.includes(body.key), 'the list never shows a secret')
  t.notOk(text.includes('hash'), 'nor its hash')
  const row = listed.json().items.find((k: KeyView) => k.id === body.id)
  t.notOk('key' in row)
})

t.test('secrets are stored only as hashes', async (t) => {
  const secret = await createKey('registrar', 'durham')
  const rows = await database.db.selectFrom('api_keys').selectAll().execute()
  t.notOk(JSON.stringify(rows).includes(secret), 'no row holds the secret')
  t.notOk(JSON.stringify(rows).includes(ADMIN_KEY), 'not even the first admin key')
})

t.test('an unknown force is refused by name', async (t) => {
  const response = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x', role: 'viewer', force: 'gotham' } })
  t.equal(response.statusCode, 400)
  t.same(response.json().errors, [{ in: 'body', field: 'force', message: 'is not a known force code: gotham' }])
})

t.test('a force admin manages its own force only', async (t) => {
  const forceAdmin = await createKey('admin', 'cleveland', 'cleveland admin')
  const durhamKey = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'durham viewer', role: 'viewer', force: 'durham' } })

  const own = await request({ method: 'POST', url: '/v1/api-keys', key: forceAdmin, payload: { name: 'c', role: 'contributor', force: 'cleveland' } })
  t.equal(own.statusCode, 201)
  const other = await request({ method: 'POST', url: '/v1/api-keys', key: forceAdmin, payload: { name: 'd', role: 'viewer', force: 'durham' } })
  t.equal(other.statusCode, 403)
  const national = await request({ method: 'POST', url: '/v1/api-keys', key: forceAdmin, payload: { name: 'n', role: 'viewer', force: null } })
  t.equal(national.statusCode, 403)

  const listed = await request({ method: 'GET', url: '/v1/api-keys', key: forceAdmin })
  t.ok(listed.json().items.length > 0)
  t.ok(listed.json().items.every((k: KeyView) => k.force === 'cleveland'), 'sees only its force')
  t.equal((await request({ method: 'GET', url: '/v1/api-keys?force=durham', key: forceAdmin })).statusCode, 403)

  const revokeOther = await request({ method: 'DELETE', url: `/v1/api-keys/${durhamKey.json().id}`, key: forceAdmin })
  t.equal(revokeOther.statusCode, 404, "another force's key is not found")
})

t.test('revoking is idempotent, lists hide revoked keys unless asked', async (t) => {
  const created = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'temp', role: 'viewer', force: null } })
  const id = created.json().id
  const first = await request({ method: 'DELETE', url: `/v1/api-keys/${id}` })
  t.equal(first.statusCode, 200)
  t.type(first.json().revokedAt, 'string')
  const second = await request({ method: 'DELETE', url: `/v1/api-keys/${id}` })
  t.equal(second.statusCode, 200)
  t.equal(second.json().revokedAt, first.json().revokedAt, 'revoked once, at the first time')

  const active = await request({ method: 'GET', url: '/v1/api-keys?limit=500' })
  t.notOk(active.json().items.some((k: KeyView) => k.id === id))
  const all = await request({ method: 'GET', url: '/v1/api-keys?limit=500&includeRevoked=true' })
  t.ok(all.json().items.some((k: KeyView) => k.id === id))
  t.equal((await request({ method: 'DELETE', url: '/v1/api-keys/00000000-0000-4000-8000-000000000000' })).statusCode, 404)
})

t.test('a key in use stops working the moment it is revoked', async (t) => {
  const created = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'busy', role: 'viewer', force: null } })
  const { id, key } = created.json()
  for (let i = 0; i < 3; i++) t.equal((await request({ method: 'GET', url: '/v1/forces', key })).statusCode, 200, 'works (and is remembered)')
  t.equal((await request({ method: 'DELETE', url: `/v1/api-keys/${id}` })).statusCode, 200)
  t.equal((await request({ method: 'GET', url: '/v1/forces', key })).statusCode, 401, 'refused on the next request')
})

t.test('pages through keys without repeats, oldest first', async (t) => {
  for (let i = 0; i < 7; i++) await createKey('viewer', 'kent', `kent ${i}`)
  const names: string[] = []
  let cursor: string | null = null
  do {
    const response = await request({ method: 'GET', url: '/v1/api-keys', query: { force: 'kent', limit: '3', ...(cursor ? { cursor } : {}) } })
    const body = response.json()
    names.push(...body.items.map((k: KeyView) => k.name))
    cursor = body.nextCursor
  } while (cursor)
  t.same(names, [0, 1, 2, 3, 4, 5, 6].map((i) => `kent ${i}`))
})

t.test('the last national admin key cannot be revoked', async (t) => {
  const list = await request({ method: 'GET', url: '/v1/api-keys?limit=500' })
  const admins = list.json().items.filter((k: KeyView) => k.role === 'admin' && k.force === null)
  t.equal(admins.length, 1)
  const response = await request({ method: 'DELETE', url: `/v1/api-keys/${admins[0].id}` })
  t.equal(response.statusCode, 409)
  t.equal((await request({ method: 'GET', url: '/v1/forces' })).statusCode, 200, 'it still works')

  const second = await createKey('admin', null, 'second national admin')
  const revoked = await request({ method: 'DELETE', url: `/v1/api-keys/${admins[0].id}`, key: second })
  t.equal(revoked.statusCode, 200, 'with another national admin it can go')
})
