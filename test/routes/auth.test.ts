import t from 'tap'
import { ROLES, type Role } from '../../src/domain/access/roles.ts'
import { buildTestApp } from '../helper.ts'

const { app, request, createKey } = await buildTestApp(t)

const keys = {} as Record<Role, string>
for (const role of ROLES) keys[role] = await createKey(role, null)

type Operation = { method: string; url: string; roles: Role[] }
const spec = app.swagger() as { paths: Record<string, Record<string, { 'x-roles'?: Role[] }>> }
const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(),
    // Any well-formed value for a path parameter: the role check runs before anything looks it up.
    url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
    roles: op['x-roles'] ?? []
  }))
)
const protectedOps = operations.filter((op) => op.url.startsWith('/v1/'))

t.ok(protectedOps.length >= 5, 'the contract lists the protected operations')
t.ok(
  protectedOps.every((op) => op.roles.length > 0),
  'every /v1 operation declares its roles'
)

t.test('every /v1 operation refuses a request without a key, with a Bearer challenge', async (t) => {
  for (const op of protectedOps) {
    const response = await request({ method: op.method as 'GET', url: op.url, key: null })
    t.equal(response.statusCode, 401, `${op.method} ${op.url}`)
    t.equal(response.headers['www-authenticate'], 'Bearer realm="peel-register"')
    t.equal(response.json().type, '/problems/unauthorized')
  }
})

t.test('an unknown key, a malformed header and a revoked key are all 401', async (t) => {
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: 'prk_unknown-key-000000000000000000000000' })).statusCode, 401)
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: null, headers: { authorization: `Basic ${keys.viewer}` } })).statusCode, 401)
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: null, headers: { authorization: 'Bearer' } })).statusCode, 401)

  const doomed = await createKey('viewer', 'cleveland', 'to be revoked')
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: doomed })).statusCode, 200)
  const list = await request({ method: 'GET', url: '/v1/api-keys?force=cleveland' })
  const id = list.json().items.find((k: { name: string }) => k.name === 'to be revoked').id
  t.equal((await request({ method: 'DELETE', url: `/v1/api-keys/${id}` })).statusCode, 200)
  const after = await request({ method: 'GET', url: '/v1/forces', key: doomed })
  t.equal(after.statusCode, 401)
  t.equal(after.json().detail, 'The API key is unknown or has been revoked.')
})

t.test('every role boundary of every operation: allowed roles pass, the others get 403', async (t) => {
  for (const op of protectedOps) {
    for (const role of ROLES) {
      const response = await request({ method: op.method as 'GET', url: op.url, key: keys[role], payload: op.method === 'POST' ? {} : undefined })
      const label = `${role} ${op.method} ${op.url}`
      if (op.roles.includes(role)) {
        t.not(response.statusCode, 403, `${label} is allowed`)
        t.not(response.statusCode, 401, `${label} is authenticated`)
      } else {
        t.equal(response.statusCode, 403, `${label} is forbidden`)
        t.match(response.json().detail, new RegExp(`^A ${role} key may not do this`))
      }
    }
  }
})

t.test('health, the contract and the docs need no key', async (t) => {
  for (const url of ['/health/live', '/health/ready', '/openapi.json', '/docs/']) {
    const response = await request({ method: 'GET', url, key: null })
    t.equal(response.statusCode, 200, url)
  }
})
