import t from 'tap'
import { buildTestApp } from '../helper.ts'

// Every create answers with a Location a client can follow: a GET there returns what the create
// returned, with the same ETag when the record has versions, to the keys that may see it and to
// no other force's. (test/routes/openapi.test.ts checks the contract says so for every create;
// test/response-headers.ts holds every answer's headers to the contract.)

const { request, createKey } = await buildTestApp(t)
const keys = {
  registrar: await createKey('registrar', 'cleveland'),
  contributor: await createKey('contributor', 'cleveland'),
  approver: await createKey('approver', 'cleveland'),
  viewer: await createKey('viewer', 'cleveland'),
  admin: await createKey('admin', 'cleveland'),
  durham: await createKey('registrar', 'durham'),
  durhamAdmin: await createKey('admin', 'durham')
}

async function create(url: string, key: string, payload: Record<string, unknown>) {
  const response = await request({ method: 'POST', url, key, payload })
  if (response.statusCode !== 201) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`)
  return response
}

t.test('a GET at each Location returns what the create returned', async (t) => {
  const finding = await create('/v1/findings', keys.registrar, { reference: 'LOC-1', kind: 'recommendation', title: 'Located', text: 'Text.' })
  const f = finding.json() as { id: string }
  const update = await create(`/v1/findings/${f.id}/updates`, keys.contributor, {
    position: 'Started.',
    activities: 'Planning.',
    ongoingActions: [{ description: 'Train supervisors', expectedCompletion: '2027-03-31' }]
  })
  const review = await create(`/v1/findings/${f.id}/reviews`, keys.approver, { outcome: 'request_closure', rationale: 'Evidence complete.' })
  // A closure request and a new action change their finding: they are made on another one, so the first reads as created.
  const closing = (await create('/v1/findings', keys.registrar, { reference: 'LOC-2', kind: 'recommendation', title: 'Closing', text: 'Text.' })).json() as { id: string }
  const creates = {
    finding,
    action: await create(`/v1/findings/${closing.id}/actions`, keys.registrar, { text: 'Publish the plan.' }),
    update,
    review,
    closureRequest: await create('/v1/closure-requests', keys.registrar, { findingId: closing.id, summary: 'All done.' }),
    inspection: await create('/v1/inspections', keys.registrar, { key: 'loc-2021', title: 'PEEL 2021/22', kind: 'peel', category: 'local_peel', scope: 'force', year: 2021 }),
    group: await create('/v1/governance-groups', keys.registrar, { name: 'Located board' }),
    webhook: await create('/v1/webhooks', keys.registrar, { force: 'cleveland', url: 'https://example.org/hook', eventTypes: ['*'] })
  }
  for (const [name, created] of Object.entries(creates)) {
    const location = created.headers.location
    t.type(location, 'string', `${name}: a Location`)
    const read = await request({ method: 'GET', url: String(location), key: keys.viewer })
    t.equal(read.statusCode, name === 'webhook' ? 403 : 200, `${name}: a viewer ${name === 'webhook' ? 'may not read webhooks' : 'reads it'}`)
    const reader = name === 'webhook' ? keys.registrar : keys.viewer
    const again = await request({ method: 'GET', url: String(location), key: reader })
    // A webhook's secret is in the create's answer only.
    const { secret, ...record } = created.json() as { secret?: string }
    t.same(again.json(), record, `${name}: the same record${secret ? ', less the secret' : ''}`)
    t.equal(again.headers.etag, created.headers.etag, `${name}: the same ETag (${String(created.headers.etag ?? 'none: never edited')})`)
    t.equal((await request({ method: 'GET', url: String(location), key: keys.durham })).statusCode, 404, `${name}: not another force's to see`)
  }
  t.notOk(creates.update.headers.etag, 'a progress update is never edited, so it has no ETag')
  t.notOk(creates.review.headers.etag, 'nor has a review')

  const ongoing = (update.json() as { ongoingActions: Array<{ id: string }> }).ongoingActions[0]!
  const ongoingUrl = `/v1/findings/${f.id}/ongoing-actions/${ongoing.id}`
  const read = await request({ method: 'GET', url: ongoingUrl, key: keys.viewer })
  t.equal(read.statusCode, 200)
  t.match(read.json(), { id: ongoing.id, expectedCompletion: '2027-03-31', slippageDays: 0, dateHistory: [{ expectedCompletion: '2027-03-31' }] })
  const moved = await request({
    method: 'PATCH',
    url: ongoingUrl,
    key: keys.contributor,
    headers: { 'if-match': String(read.headers.etag) },
    payload: { expectedCompletion: '2027-06-30', reason: 'Trainers unavailable' }
  })
  t.equal(moved.statusCode, 200, "an ongoing action's ETag from its GET is what a change needs")
  t.same((await request({ method: 'GET', url: ongoingUrl, key: keys.viewer })).json(), moved.json(), 'and the GET shows the change')

  const action = creates.action.json() as { id: string }
  const actionUrl = `/v1/findings/${closing.id}/actions/${action.id}`
  const done = await request({ method: 'PATCH', url: actionUrl, key: keys.registrar, headers: { 'if-match': String(creates.action.headers.etag) }, payload: { status: 'done' } })
  t.equal(done.statusCode, 200)
  const after = await request({ method: 'GET', url: actionUrl, key: keys.viewer })
  t.same([after.json(), after.headers.etag], [done.json(), done.headers.etag], "an action's GET follows its changes")
})

t.test('a record under another finding is not found by this one', async (t) => {
  const make = async (reference: string) =>
    (await create('/v1/findings', keys.registrar, { reference, kind: 'recommendation', title: reference, text: 'Text.', actions: [{ text: 'One.' }] })).json() as {
      id: string
      actions: Array<{ id: string }>
    }
  const [a, b] = [await make('LOC-A'), await make('LOC-B')]
  const update = (await create(`/v1/findings/${a.id}/updates`, keys.contributor, { position: 'P.', activities: 'A.', ongoingActions: [{ description: 'D' }] })).json()
  const review = (await create(`/v1/findings/${a.id}/reviews`, keys.approver, { outcome: 'embed_and_sustain', rationale: 'R.' })).json()
  for (const url of [
    `/v1/findings/${b.id}/actions/${a.actions[0]!.id}`,
    `/v1/findings/${b.id}/updates/${update.id}`,
    `/v1/findings/${b.id}/ongoing-actions/${update.ongoingActions[0].id}`,
    `/v1/findings/${b.id}/reviews/${review.id}`
  ]) {
    const response = await request({ method: 'GET', url, key: keys.viewer })
    t.equal(response.statusCode, 404, url)
    t.match(response.json(), { type: '/problems/not-found', detail: new RegExp(`^Finding ${b.id} has no `) })
  }
  const unknown = await request({ method: 'GET', url: `/v1/findings/${a.id}/updates/00000000-0000-4000-8000-000000000000`, key: keys.viewer })
  t.equal(unknown.statusCode, 404)
  const malformed = await request({ method: 'GET', url: `/v1/findings/${a.id}/reviews/not-a-uuid`, key: keys.viewer })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json().errors, [{ in: 'params', field: 'reviewId' }])
})

t.test("an API key's Location: the key without its secret, to the admins who manage it", async (t) => {
  const created = await request({ method: 'POST', url: '/v1/api-keys', key: keys.admin, payload: { name: 'Case system', role: 'viewer', force: 'cleveland' } })
  t.equal(created.statusCode, 201)
  const { key: secret, ...view } = created.json() as { key: string; id: string }
  t.type(secret, 'string')
  const location = String(created.headers.location)
  t.equal(location, `/v1/api-keys/${view.id}`)

  const read = await request({ method: 'GET', url: location, key: keys.admin })
  t.equal(read.statusCode, 200)
  t.same(read.json(), view, 'what the create answered, less the secret')
  t.notOk(read.body.includes(secret), 'the secret is never shown again')
  t.equal((await request({ method: 'GET', url: location })).statusCode, 200, 'a national admin sees every key')
  t.equal((await request({ method: 'GET', url: location, key: keys.durhamAdmin })).statusCode, 404, "another force's admin does not")
  t.equal((await request({ method: 'GET', url: location, key: keys.registrar })).statusCode, 403, 'only admins read keys')

  const revoked = await request({ method: 'DELETE', url: location, key: keys.admin })
  t.equal(revoked.statusCode, 200)
  t.same((await request({ method: 'GET', url: location, key: keys.admin })).json(), revoked.json(), 'a revoked key is still there to read, with when it was revoked')
})
