import t from 'tap'
import { buildTestApp, loadExample } from '../helper.ts'

const { request, createKey, database } = await buildTestApp(t)
await loadExample(database)

const json = { 'content-type': 'application/json' }
const keys = {
  viewer: await createKey('viewer', 'cleveland'),
  contributor: await createKey('contributor', 'cleveland'),
  registrar: await createKey('registrar', 'cleveland'),
  approver: await createKey('approver', 'cleveland'),
  durhamRegistrar: await createKey('registrar', 'durham'),
  nationalViewer: await createKey('viewer', null)
}

const inspection = (await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=500' })).json().items.find(
  (i: { key: string }) => i.key === 'ipa-2019'
)
const cocPrevention = (await request({ method: 'GET', url: '/v1/findings?force=cleveland&reference=CoC-IPA2019-PREVENTION' })).json().items[0]

let counter = 0
function newFinding(extra: Record<string, unknown> = {}) {
  counter++
  return { reference: `T-${counter}`, kind: 'area_for_improvement', title: `Test ${counter}`, text: `The force should test ${counter}.`, ...extra }
}

async function create(body: Record<string, unknown>, key = keys.registrar, headers: Record<string, string> = {}) {
  return request({ method: 'POST', url: '/v1/findings', key, payload: body, headers: { ...json, ...headers } })
}

t.test('create: 201 with Location and ETag; the detail reads back', async (t) => {
  const response = await create(newFinding({ questions: [{ framework: 'peel-2018', ref: '2' }], actions: [{ text: 'first' }, { text: 'second', status: 'done' }] }))
  t.equal(response.statusCode, 201)
  const body = response.json()
  t.equal(response.headers.location, `/v1/findings/${body.id}`)
  t.equal(response.headers.etag, '"1"')
  t.match(body, { force: 'cleveland', status: 'open', portalStatus: 'open', scope: 'force', version: 1 })
  t.same(body.actions.map((a: { position: number; text: string; status: string }) => [a.position, a.text, a.status]), [[1, 'first', 'open'], [2, 'second', 'done']])
  const read = await request({ method: 'GET', url: `/v1/findings/${body.id}`, key: keys.viewer })
  t.equal(read.headers.etag, '"1"')
  t.same(read.json(), body)
})

t.test('Idempotency-Key: a retry replays, another body is 422, concurrent retries make one row', async (t) => {
  const body = newFinding()
  const first = await create(body, keys.registrar, { 'idempotency-key': 'retry-1' })
  const again = await create(body, keys.registrar, { 'idempotency-key': 'retry-1' })
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.same(again.json(), first.json(), 'the first response, replayed')
  const other = await create({ ...body, title: 'Another' }, keys.registrar, { 'idempotency-key': 'retry-1' })
  t.equal(other.statusCode, 422)
  t.equal(other.json().type, '/problems/idempotency-key-reused')

  const concurrent = newFinding()
  const responses = await Promise.all(Array.from({ length: 5 }, () => create(concurrent, keys.registrar, { 'idempotency-key': 'burst-1' })))
  t.ok(responses.every((r) => r.statusCode === 201))
  t.equal(new Set(responses.map((r) => r.json().id)).size, 1, 'one finding, five identical answers')
  const rows = await database.db.selectFrom('findings').select('id').where('reference', '=', concurrent.reference).execute()
  t.equal(rows.length, 1)
})

t.test('references are unique within a force, not across forces', async (t) => {
  const duplicate = await create(newFinding({ reference: '547' }))
  t.equal(duplicate.statusCode, 409)
  t.match(duplicate.json().detail, /already has a finding with reference 547/)
  const elsewhere = await create(newFinding({ reference: '547' }), keys.durhamRegistrar)
  t.equal(elsewhere.statusCode, 201, 'Durham may have its own 547')
})

t.test('PATCH needs If-Match: 428 without, 412 when stale, and concurrent writers never both win', async (t) => {
  const { id } = (await create(newFinding())).json()
  const url = `/v1/findings/${id}`
  const missing = await request({ method: 'PATCH', url, key: keys.registrar, payload: { forceLead: 'ACC Smith' }, headers: json })
  t.equal(missing.statusCode, 428)
  const ok = await request({ method: 'PATCH', url, key: keys.registrar, payload: { forceLead: 'ACC Smith' }, headers: { ...json, 'if-match': '"1"' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers.etag, '"2"')
  t.equal(ok.json().forceLead, 'ACC Smith')
  const stale = await request({ method: 'PATCH', url, key: keys.registrar, payload: { forceLead: 'ACC Jones' }, headers: { ...json, 'if-match': '"1"' } })
  t.equal(stale.statusCode, 412)
  t.match(stale.json().detail, /now at ETag "2"/)

  const racers = await Promise.all(
    ['A', 'B', 'C', 'D'].map((who) =>
      request({ method: 'PATCH', url, key: keys.registrar, payload: { deliveryLead: `Inspector ${who}` }, headers: { ...json, 'if-match': '"2"' } })
    )
  )
  const statuses = racers.map((r) => r.statusCode).sort()
  t.same(statuses, [200, 412, 412, 412], 'exactly one writer wins')
  const winner = racers.find((r) => r.statusCode === 200)!.json().deliveryLead
  t.equal((await request({ method: 'GET', url })).json().deliveryLead, winner, 'and its change is the one kept')
})

t.test('history shows every change with who and when', async (t) => {
  const { id } = (await create(newFinding({ actions: [{ text: 'an action' }] }))).json()
  await request({ method: 'PATCH', url: `/v1/findings/${id}`, key: keys.registrar, payload: { portalStatus: 'closed', statusNote: 'Signed off' }, headers: { ...json, 'if-match': '"1"' } })
  const action = (await request({ method: 'GET', url: `/v1/findings/${id}/actions` })).json().items[0]
  await request({ method: 'PATCH', url: `/v1/findings/${id}/actions/${action.id}`, key: keys.registrar, payload: { status: 'done' }, headers: { ...json, 'if-match': '"1"' } })
  const history = (await request({ method: 'GET', url: `/v1/findings/${id}/history`, key: keys.viewer })).json().items
  t.same(history.map((h: { entityType: string; action: string }) => `${h.entityType}:${h.action}`), ['finding:create', 'finding:update', 'finding_action:update'])
  t.match(history[1], { actor: { role: 'registrar' }, before: { portalStatus: 'open', statusNote: null }, after: { portalStatus: 'closed', statusNote: 'Signed off' } })
})

t.test('roles and forces: who may read and write what', async (t) => {
  for (const key of [keys.viewer, keys.contributor, keys.approver]) {
    t.equal((await create(newFinding(), key)).statusCode, 403, 'only registrars and admins write the register')
  }
  t.equal((await request({ method: 'GET', url: '/v1/findings', key: keys.contributor })).statusCode, 200, 'contributors read')
  t.equal((await create(newFinding({ force: 'durham' }), keys.registrar)).statusCode, 403, "not into another force's register")
  const cleveland = (await create(newFinding())).json()
  t.equal((await request({ method: 'GET', url: `/v1/findings/${cleveland.id}`, key: keys.durhamRegistrar })).statusCode, 404, "another force's finding is not found")
  const patch = await request({ method: 'PATCH', url: `/v1/findings/${cleveland.id}`, key: keys.durhamRegistrar, payload: { title: 'x' }, headers: { ...json, 'if-match': '"1"' } })
  t.equal(patch.statusCode, 404)
  const durhamList = (await request({ method: 'GET', url: '/v1/findings?limit=500', key: keys.durhamRegistrar })).json().items
  t.ok(durhamList.every((f: { force: string }) => f.force === 'durham'), 'a force key lists its own register only')
  t.equal((await request({ method: 'GET', url: '/v1/findings?force=cleveland', key: keys.durhamRegistrar })).statusCode, 403)
  const national = (await request({ method: 'GET', url: '/v1/findings?limit=500', key: keys.nationalViewer })).json().items
  t.ok(new Set(national.map((f: { force: string }) => f.force)).size >= 2, 'a national key sees every force')
  const noForce = await create(newFinding())
  t.equal(noForce.statusCode, 201, 'the national admin key... ')
})

t.test('a national key must name the force it writes to', async (t) => {
  const response = await request({ method: 'POST', url: '/v1/findings', payload: newFinding(), headers: json })
  t.equal(response.statusCode, 400)
  t.equal(response.json().errors[0].field, 'force')
})

t.test('links stay coherent: parents, supersession, inspection, group, questions', async (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ kind: 'area_for_improvement', parentId: cocPrevention.id }, 'parentId'],
    [{ kind: 'recommendation', parentId: inspection.id }, 'parentId'],
    [{ status: 'superseded' }, 'supersededById'],
    [{ supersededById: cocPrevention.id }, 'status'],
    [{ inspectionId: '00000000-0000-4000-8000-000000000000' }, 'inspectionId'],
    [{ governanceGroupId: '00000000-0000-4000-8000-000000000000' }, 'governanceGroupId'],
    [{ questions: [{ framework: 'peel-2018', ref: '11' }] }, 'questions']
  ]
  for (const [extra, field] of cases) {
    const response = await create(newFinding(extra))
    t.equal(response.statusCode, 400, JSON.stringify(extra))
    t.equal(response.json().errors[0].field, field)
  }
  const durhamFinding = (await create(newFinding(), keys.durhamRegistrar)).json()
  const crossForce = await create(newFinding({ kind: 'recommendation', parentId: durhamFinding.id }))
  t.equal(crossForce.statusCode, 400, "no parent from another force's register")
  const child = await create(newFinding({ kind: 'recommendation', parentId: cocPrevention.id }))
  t.equal(child.statusCode, 201)
})

t.test('bad input on every field is a 400 naming it', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['reference', ''],
    ['reference', 'has spaces'],
    ['kind', 'suggestion'],
    ['title', ''],
    ['text', 42],
    ['scope', 'regional'],
    ['inspectionId', 'not-a-uuid'],
    ['parentId', 7],
    ['questions', [{ framework: 'peel-2018' }]],
    ['deadlineText', ''],
    ['dueDate', '31/10/2018'],
    ['forceLead', ''],
    ['deliveryLead', 12],
    ['governanceGroupId', 'x'],
    ['status', 'pending'],
    ['statusNote', ''],
    ['portalStatus', 'archived'],
    ['portalNote', 3],
    ['supersededById', 'nope'],
    ['actions', [{ text: '' }]],
    ['colour', 'blue']
  ]
  for (const [field, value] of cases) {
    const response = await create({ ...newFinding(), [field]: value })
    t.equal(response.statusCode, 400, `${field} = ${JSON.stringify(value)}`)
    const fields = (response.json().errors ?? []).map((e: { field: string }) => e.field.split('.')[0])
    t.ok(fields.includes(field), `names ${field}`)
  }
  const { id } = (await create(newFinding())).json()
  const empty = await request({ method: 'PATCH', url: `/v1/findings/${id}`, payload: {}, headers: { ...json, 'if-match': '"1"' } })
  t.equal(empty.statusCode, 400, 'a PATCH must change something')
  const nothingWritten = await database.db.selectFrom('findings').select('id').where('reference', '=', '').execute()
  t.equal(nothingWritten.length, 0)
})

t.test('due dates resolve from the deadline as published and follow the inspection', async (t) => {
  const created = await request({
    method: 'POST',
    url: '/v1/inspections',
    payload: { force: 'cleveland', key: 'deadline-test', title: 'Deadline test', kind: 'other', category: 'other_national_thematic', scope: 'force', year: 2020, publishedOn: '2020-01-31' },
    headers: json
  })
  const inspectionId = created.json().id
  const within = (await create(newFinding({ inspectionId, deadlineText: 'Within three months' }))).json()
  t.equal(within.dueDate, '2020-04-30', 'three months on from 31 January is the end of April')
  t.equal(within.dueDateResolved, true)
  const by = (await create(newFinding({ deadlineText: 'By October 2018' }))).json()
  t.equal(by.dueDate, '2018-10-31')
  const immediate = (await create(newFinding({ inspectionId, deadlineText: 'immediately' }))).json()
  t.equal(immediate.dueDate, null, 'no date can be worked out: the words are kept')
  const given = (await create(newFinding({ inspectionId, deadlineText: 'Within three months', dueDate: '2020-03-01' }))).json()
  t.equal(given.dueDateResolved, false)

  await request({ method: 'PATCH', url: `/v1/inspections/${inspectionId}`, payload: { publishedOn: '2020-06-15' }, headers: { ...json, 'if-match': '"1"' } })
  t.equal((await request({ method: 'GET', url: `/v1/findings/${within.id}` })).json().dueDate, '2020-09-15', 'follows the new publication date')
  t.equal((await request({ method: 'GET', url: `/v1/findings/${given.id}` })).json().dueDate, '2020-03-01', 'a date given is kept')
})

t.test('actions: add, change with If-Match, remove', async (t) => {
  const { id } = (await create(newFinding())).json()
  const added = await request({ method: 'POST', url: `/v1/findings/${id}/actions`, key: keys.registrar, payload: { text: 'Review the policy' }, headers: json })
  t.equal(added.statusCode, 201)
  const action = added.json()
  t.equal(action.position, 1)
  const url = `/v1/findings/${id}/actions/${action.id}`
  t.equal((await request({ method: 'PATCH', url, payload: { status: 'done' }, headers: json })).statusCode, 428)
  t.equal((await request({ method: 'PATCH', url, payload: { status: 'done' }, headers: { ...json, 'if-match': '"1"' } })).json().status, 'done')
  t.equal((await request({ method: 'DELETE', url, headers: { 'if-match': '"1"' } })).statusCode, 412)
  t.equal((await request({ method: 'DELETE', url, headers: { 'if-match': '"2"' } })).statusCode, 204)
  t.same((await request({ method: 'GET', url: `/v1/findings/${id}/actions` })).json().items, [])
  t.equal((await request({ method: 'POST', url: `/v1/findings/${id}/actions`, key: keys.viewer, payload: { text: 'x' }, headers: json })).statusCode, 403)
})
