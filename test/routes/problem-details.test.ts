import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { asOwner, buildTestApp } from '../helper.ts'

const { request, database } = await buildTestApp(t, { bodyLimitBytes: 2048 })

function isProblem(t: Test, response: Awaited<ReturnType<typeof request>>, status: number) {
  t.equal(response.statusCode, status, `status ${status}`)
  t.match(response.headers['content-type'], /^application\/problem\+json/, 'problem media type')
  const body = response.json()
  t.equal(body.status, status)
  t.type(body.type, 'string')
  t.type(body.title, 'string')
  t.equal(body.requestId, response.headers['x-request-id'], 'carries the request id')
  return body
}

t.test('validation failures list each offending field', async (t) => {
  const response = await request({
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: '', role: 'overlord', force: 'Not A Code', colour: 'blue' }
  })
  const body = isProblem(t, response, 400)
  t.equal(body.type, '/problems/validation')
  const fields = body.errors.map((e: { field: string }) => e.field).sort()
  t.same(fields, ['colour', 'force', 'name', 'role'])
  t.ok(body.errors.every((e: { in: string }) => e.in === 'body'))
  t.match(body.errors.find((e: { field: string }) => e.field === 'role').message, /must be one of viewer, contributor, registrar, approver, admin/)
  t.equal(body.errors.find((e: { field: string }) => e.field === 'colour').message, 'is not a known field')
  t.equal(
    body.errors.find((e: { field: string }) => e.field === 'force').message,
    'must match pattern "^[a-z]+(-[a-z]+)*$" or must be null',
    'a union field is reported once'
  )
})

t.test('a missing required field is named', async (t) => {
  const body = isProblem(t, await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x', role: 'viewer' } }), 400)
  t.same(body.errors, [{ in: 'body', field: 'force', message: 'is required' }])
})

t.test('query and path parameters are named with where they were', async (t) => {
  const query = isProblem(t, await request({ method: 'GET', url: '/v1/forces?limit=9999' }), 400)
  t.same(query.errors, [{ in: 'query', field: 'limit', message: 'must be <= 500' }])
  const params = isProblem(t, await request({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid' }), 400)
  t.same(params.errors, [{ in: 'params', field: 'id', message: 'must match format "uuid"' }])
})

t.test('unknown routes are 404 problems', async (t) => {
  const body = isProblem(t, await request({ method: 'GET', url: '/v1/nothing-here' }), 404)
  t.equal(body.instance, '/v1/nothing-here')
  isProblem(t, await request({ method: 'PUT', url: '/v1/forces' }), 404)
})

t.test('malformed JSON is a 400 problem', async (t) => {
  const body = isProblem(
    t,
    await request({ method: 'POST', url: '/v1/api-keys', payload: '{"name": "x",', headers: { 'content-type': 'application/json' } }),
    400
  )
  t.equal(body.type, '/problems/malformed-body')
})

t.test('an oversized body is a 413 problem', async (t) => {
  const body = isProblem(
    t,
    await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'x'.repeat(5000), role: 'viewer', force: null } }),
    413
  )
  t.equal(body.type, '/problems/body-too-large')
})

t.test('a body in another media type is a 415 problem', async (t) => {
  const body = isProblem(
    t,
    await request({ method: 'POST', url: '/v1/api-keys', payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    415
  )
  t.equal(body.type, '/problems/unsupported-media-type')
})

t.test('a caller-supplied request id is echoed when well formed, replaced when not', async (t) => {
  const kept = await request({ method: 'GET', url: '/v1/forces/gotham', headers: { 'x-request-id': 'abc-123' } })
  t.equal(kept.headers['x-request-id'], 'abc-123')
  t.equal(kept.json().requestId, 'abc-123')
  const replaced = await request({ method: 'GET', url: '/v1/forces/gotham', headers: { 'x-request-id': 'bad id <script>' } })
  t.not(replaced.headers['x-request-id'], 'bad id <script>')
})

t.test('a 500 carries the request id and nothing of the SQL or the stack', async (t) => {
  // A real fault, not a mock: the table the route reads is gone (only its owner could drop it).
  await asOwner(database, (owner) => sql`drop table forces cascade`.execute(owner))
  const response = await request({ method: 'GET', url: '/v1/forces' })
  const body = isProblem(t, response, 500)
  t.equal(body.type, '/problems/internal')
  t.notMatch(`${body.title} ${body.detail}`, /forces|relation|select|exist|\.ts/i, 'no SQL, no driver message, no stack')
  t.same(Object.keys(body).sort(), ['detail', 'instance', 'requestId', 'status', 'title', 'type'])
})

t.test('text PostgreSQL cannot store is refused, naming the field, wherever it sits', async (t) => {
  const nul = isProblem(t, await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'a\u0000b', role: 'viewer', force: null } }), 400)
  t.same(nul.errors, [{ in: 'body', field: 'name', message: 'must not contain NUL (U+0000) or unpaired surrogate characters' }])
  // JSON may escape half of a surrogate pair on its own; UTF-8 cannot carry it.
  const payload = '{"name":"a\\ud800","role":"viewer","force":null}'
  const surrogate = isProblem(t, await request({ method: 'POST', url: '/v1/api-keys', payload, headers: { 'content-type': 'application/json' } }), 400)
  t.same(surrogate.errors, [{ in: 'body', field: 'name', message: 'must not contain NUL (U+0000) or unpaired surrogate characters' }], 'a lone surrogate, escaped in JSON')
  t.ok((await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'paired \ud83d\ude00 is fine', role: 'viewer', force: null } })).statusCode < 300, 'a paired surrogate (an emoji) is stored')
})

t.test('the pointer to unstorable text escapes ~ and / and walks arrays and keys', async (t) => {
  const { unstorableText } = await import('../../src/schemas/storable-text.ts')
  t.equal(unstorableText({ a: 'fine', b: ['ok', { 'c/d~e': 'x\u0000' }] }), '/b/1/c~1d~0e')
  t.equal(unstorableText({ ['bad\u0000key']: 1 }), '/bad\u0000key')
  t.equal(unstorableText('\udc00'), '')
  t.equal(unstorableText({ a: ['\ud83d\ude00'], n: 1, z: null }), null)
})
