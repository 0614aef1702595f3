import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request, createKey } = await buildTestApp(t)
const registrar = await createKey('registrar', 'cleveland')
const viewer = await createKey('viewer', 'cleveland')
const durham = await createKey('registrar', 'durham')

const milestones = [
  { kind: 'dates_confirmed', title: 'Formal confirmation of the date of inspection activity', date: '2021-03-29', dateText: '29th March 2021', note: null },
  { kind: 'parm', title: 'PEEL Assessment and Resourcing Meeting (PARM)', date: '2021-09-19', dateText: '19th September 2021', note: null },
  { kind: 'evidence_collection', title: 'Final evidence collection phase (4 weeks)', date: '2021-10-11', dateText: '11th October 2021', note: null },
  { kind: 'report_publication', title: 'Report publication', date: null, dateText: 'February 2022', note: null }
]

t.test('inspections: create with milestones (001 section 4.4), read, change, refuse a duplicate key', async (t) => {
  const body = { key: 'peel-2021', title: 'PEEL 2021/22', kind: 'peel', category: 'local_peel', scope: 'force', year: 2021, framework: 'peel-2021', milestones }
  const created = await request({ method: 'POST', url: '/v1/inspections', key: registrar, payload: body })
  t.equal(created.statusCode, 201)
  const inspection = created.json()
  t.match(inspection, { force: 'cleveland', key: 'peel-2021', framework: 'peel-2021', version: 1 })
  t.same(inspection.milestones, milestones)
  t.equal((await request({ method: 'POST', url: '/v1/inspections', key: registrar, payload: body })).statusCode, 409)

  const changed = await request({ method: 'PATCH', url: `/v1/inspections/${inspection.id}`, key: registrar, payload: { publishedOn: '2022-02-10', label: 'PEEL 2021' }, headers: { 'if-match': '"1"' } })
  t.equal(changed.statusCode, 200)
  t.match(changed.json(), { publishedOn: '2022-02-10', label: 'PEEL 2021', version: 2 })
  const read = await request({ method: 'GET', url: `/v1/inspections/${inspection.id}`, key: viewer })
  t.equal(read.headers.etag, '"2"')
  t.equal((await request({ method: 'GET', url: `/v1/inspections/${inspection.id}`, key: durham })).statusCode, 404)

  const bad = await request({ method: 'PATCH', url: `/v1/inspections/${inspection.id}`, key: registrar, payload: { startedOn: '2021-10-11', endedOn: '2021-10-01' }, headers: { 'if-match': '"2"' } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].field, 'endedOn')
  const framework = await request({ method: 'POST', url: '/v1/inspections', key: registrar, payload: { ...body, key: 'x', framework: 'peel-2099' } })
  t.equal(framework.statusCode, 400)
})

t.test('inspections: list by force and filters; removal only when no finding came from it', async (t) => {
  const created = await request({ method: 'POST', url: '/v1/inspections', key: registrar, payload: { key: 'ncpi-2017', title: 'NCPI', kind: 'ncpi', category: 'ncpi', scope: 'force', year: 2017 } })
  const id = created.json().id
  t.same((await request({ method: 'GET', url: '/v1/inspections?category=ncpi', key: viewer })).json().items.map((i: { key: string }) => i.key), ['ncpi-2017'])
  t.same((await request({ method: 'GET', url: '/v1/inspections', key: durham })).json().items, [], "Durham sees none of Cleveland's")
  await request({ method: 'POST', url: '/v1/findings', key: registrar, payload: { reference: '461', kind: 'recommendation', title: 'Review', text: 'Review.', inspectionId: id } })
  t.equal((await request({ method: 'DELETE', url: `/v1/inspections/${id}`, key: registrar, headers: { 'if-match': '"1"' } })).statusCode, 409)
  const spare = (await request({ method: 'POST', url: '/v1/inspections', key: registrar, payload: { key: 'spare', title: 'Spare', kind: 'other', category: 'other_national_thematic', scope: 'national', year: null } })).json()
  t.equal((await request({ method: 'DELETE', url: `/v1/inspections/${spare.id}`, key: registrar })).statusCode, 428)
  t.equal((await request({ method: 'DELETE', url: `/v1/inspections/${spare.id}`, key: registrar, headers: { 'if-match': '"1"' } })).statusCode, 204)
  t.equal((await request({ method: 'GET', url: `/v1/inspections/${spare.id}` })).statusCode, 404)
})

t.test('governance groups: create, rename, one name per register, removal guarded', async (t) => {
  const body = { name: 'Inspection and Audit Monitoring Board', chair: 'Deputy Chief Constable', meetingFrequency: 'Monthly' }
  const created = await request({ method: 'POST', url: '/v1/governance-groups', key: registrar, payload: body, headers: { 'idempotency-key': 'g-1' } })
  t.equal(created.statusCode, 201)
  const group = created.json()
  t.match(group, { ...body, force: 'cleveland', version: 1 })
  const replay = await request({ method: 'POST', url: '/v1/governance-groups', key: registrar, payload: body, headers: { 'idempotency-key': 'g-1' } })
  t.equal(replay.json().id, group.id)
  t.equal((await request({ method: 'POST', url: '/v1/governance-groups', key: registrar, payload: body })).statusCode, 409)
  t.equal((await request({ method: 'POST', url: '/v1/governance-groups', key: durham, payload: body })).statusCode, 201, 'Durham may have its own board')
  t.equal((await request({ method: 'POST', url: '/v1/governance-groups', key: viewer, payload: { name: 'x' } })).statusCode, 403)

  const renamed = await request({ method: 'PATCH', url: `/v1/governance-groups/${group.id}`, key: registrar, payload: { meetingFrequency: 'Weekly', chair: null }, headers: { 'if-match': '"1"' } })
  t.match(renamed.json(), { meetingFrequency: 'Weekly', chair: null, version: 2 })

  const finding = await request({ method: 'POST', url: '/v1/findings', key: registrar, payload: { reference: 'G-1', kind: 'area_for_improvement', title: 't', text: 't', governanceGroupId: group.id } })
  t.equal(finding.statusCode, 201)
  t.equal((await request({ method: 'DELETE', url: `/v1/governance-groups/${group.id}`, key: registrar, headers: { 'if-match': '"2"' } })).statusCode, 409)
  const durhamGroup = (await request({ method: 'GET', url: '/v1/governance-groups', key: durham })).json().items[0]
  const crossForce = await request({ method: 'POST', url: '/v1/findings', key: registrar, payload: { reference: 'G-2', kind: 'area_for_improvement', title: 't', text: 't', governanceGroupId: durhamGroup.id } })
  t.equal(crossForce.statusCode, 400, "no finding assigned to another force's group")
})
