import t from 'tap'
import { jsonDepth } from '../../src/plugins/app/json-body.ts'
import { MAX_JSON_DEPTH } from '../../src/schemas/limits.ts'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t)
const importing = (headers: Record<string, string>, payload: string) => request({ method: 'POST', url: '/v1/imports?force=cleveland&dryRun=true', headers, payload })

t.test('multipart without a boundary, or cut short: 400, not 500', async (t) => {
  const noBoundary = await importing({ 'content-type': 'multipart/form-data' }, 'abc')
  t.equal(noBoundary.statusCode, 400, noBoundary.body)
  t.match(noBoundary.json(), { type: '/problems/malformed-body', detail: /no boundary/ })

  const cut = await importing({ 'content-type': 'multipart/form-data; boundary=XX' }, '--XX\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nReference\r\nR1')
  t.equal(cut.statusCode, 400, cut.body)
  t.match(cut.json(), { type: '/problems/malformed-body', detail: /cut short/ })
  t.equal((await request({ method: 'GET', url: '/health/live' })).statusCode, 200)
})

t.test('JSON nested 170,000 levels deep: 400 naming the depth limit, not a stack overflow', async (t) => {
  for (const [open, close] of [
    ['[', ']'],
    ['{"a":', '}']
  ]) {
    const deep = `${open!.repeat(170_000)}1${close!.repeat(170_000)}`
    const response = await importing({ 'content-type': 'application/json' }, `{"format":"peel-register.register/v1","force":"cleveland","findings":${deep}}`)
    t.equal(response.statusCode, 400, response.body.slice(0, 300))
    t.match(response.json(), { type: '/problems/validation', errors: [{ in: 'body', message: new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`) }] })
  }
  const keys = await request({ method: 'POST', url: '/v1/api-keys', headers: { 'content-type': 'application/json' }, payload: `{"name":${'['.repeat(100)}${']'.repeat(100)}}` })
  t.equal(keys.statusCode, 400, 'on every route that takes JSON')
})

t.test('the depth count ignores brackets inside strings and stops early', async (t) => {
  t.equal(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}', 10), 3)
  t.equal(jsonDepth('"\\"[["', 10), 0)
  t.equal(jsonDepth('[[[[[[', 2), 3)
  t.equal(jsonDepth(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH), MAX_JSON_DEPTH, 'at the limit is fine')
})
