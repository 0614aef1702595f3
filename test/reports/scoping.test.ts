import t from 'tap'
import { exampleApp } from './example.ts'

const { request, keys } = await exampleApp(t)

const REPORTS = ['summary', 'overdue', 'by-lead', 'by-group']
const get = (path: string, query: string, key?: string) => request({ method: 'GET', url: `/v1/reports/${path}${query}`, key })

t.test('a force key reports on its own force, and only that', async (t) => {
  for (const path of REPORTS) {
    const other = await get(path, '?force=cleveland', keys.durham)
    t.equal(other.statusCode, 403, `${path}: another force`)
    t.match(other.headers['content-type'], /application\/problem\+json/)
    t.match(other.json(), { type: '/problems/forbidden', detail: /durham/ })
    const own = await get(path, '', keys.durham)
    t.equal(own.statusCode, 200, `${path}: its own force without naming it`)
    t.equal(own.json().force, 'durham')
    t.equal((await get(path, '?force=cleveland', keys.viewer)).statusCode, 200, `${path}: a viewer may read`)
  }
  // Durham's register is empty: the example is Cleveland's.
  const durham = (await get('summary', '', keys.durham)).json()
  t.same(durham.register.recommendations, { total: 0, notOnPortal: 0 })
  t.equal(durham.rows.length, 6, 'all six rows even when empty')
})

t.test('a national key must name the force, and a known one', async (t) => {
  for (const path of REPORTS) {
    const missing = await get(path, '')
    t.equal(missing.statusCode, 400, `${path}: no force`)
    t.match(missing.json(), { type: '/problems/validation', errors: [{ in: 'query', field: 'force' }] })
    const unknown = await get(path, '?force=atlantis')
    t.equal(unknown.statusCode, 404, `${path}: unknown force`)
    t.match(unknown.json().detail, /atlantis/)
  }
})

t.test('bad parameters are 400 naming the field', async (t) => {
  const badDate = await get('overdue', '?force=cleveland&asOf=2018-02-30')
  t.equal(badDate.statusCode, 400)
  t.equal(badDate.json().errors[0].field, 'asOf')
  const badLead = await get('by-lead', '?force=cleveland&lead=deputy')
  t.equal(badLead.statusCode, 400)
  t.equal(badLead.json().errors[0].field, 'lead')
  t.equal((await get('summary', '?force=cleveland', 'prk_not-a-key')).statusCode, 401)
})
