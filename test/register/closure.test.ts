import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request, createKey } = await buildTestApp(t)
const keys = {
  viewer: await createKey('viewer', 'cleveland'),
  contributor: await createKey('contributor', 'cleveland'),
  registrar: await createKey('registrar', 'cleveland'),
  registrar2: await createKey('registrar', 'cleveland'),
  approver: await createKey('approver', 'cleveland'),
  admin: await createKey('admin', 'cleveland'),
  durham: await createKey('registrar', 'durham')
}

let n = 0
async function newFinding() {
  n++
  const response = await request({ method: 'POST', url: '/v1/findings', key: keys.registrar, payload: { reference: `C-${n}`, kind: 'area_for_improvement', title: `Closure ${n}`, text: 'Text.' } })
  return response.json() as { id: string; reference: string }
}
const finding = async (id: string) => (await request({ method: 'GET', url: `/v1/findings/${id}` })).json()
async function open(findingId: string, key = keys.registrar) {
  return request({ method: 'POST', url: '/v1/closure-requests', key, payload: { findingId, summary: 'All actions complete; evidence attached.' } })
}
const move = (id: string, action: string, key: string, note?: string, ifMatch?: string) =>
  request({
    method: 'POST',
    url: `/v1/closure-requests/${id}/transitions`,
    key,
    payload: note ? { action, note } : { action },
    headers: ifMatch ? { 'if-match': ifMatch } : {}
  })

t.test('progress updates: evidence and ongoing actions, never edited; slippage kept with reasons', async (t) => {
  const f = await newFinding()
  const body = {
    position: 'Prevention strategy drafted.',
    activities: 'Workshops held with neighbourhood teams.',
    impact: 'Teams know the priorities.',
    evidence: [{ title: 'Prevention strategy v1', kind: 'policy', location: 'SharePoint/Prevention', date: '2020-06-01' }],
    ongoingActions: [{ description: 'Evaluate problem-solving plans', anticipatedImpact: 'Better targeting', expectedCompletion: '2020-12-31' }]
  }
  t.equal((await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.viewer, payload: body })).statusCode, 403)
  const created = await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.contributor, payload: body })
  t.equal(created.statusCode, 201)
  const update = created.json()
  t.match(update, { position: body.position, evidence: body.evidence, ongoingActions: [{ expectedCompletion: '2020-12-31', status: 'ongoing', slippageDays: 0 }] })
  t.equal((await request({ method: 'PATCH', url: `/v1/findings/${f.id}/updates/${update.id}`, key: keys.contributor, payload: { position: 'x' } })).statusCode, 404, 'no way to edit an update')

  const action = update.ongoingActions[0]
  const url = `/v1/findings/${f.id}/ongoing-actions/${action.id}`
  const noReason = await request({ method: 'PATCH', url, key: keys.contributor, payload: { expectedCompletion: '2021-03-31' }, headers: { 'if-match': '"1"' } })
  t.equal(noReason.statusCode, 400)
  t.equal(noReason.json().errors[0].field, 'reason')
  const moved = await request({ method: 'PATCH', url, key: keys.contributor, payload: { expectedCompletion: '2021-03-31', reason: 'Awaiting partner data' }, headers: { 'if-match': '"1"' } })
  t.equal(moved.statusCode, 200)
  t.equal(moved.json().slippageDays, 90)
  t.same(moved.json().dateHistory.map((d: { expectedCompletion: string; reason: string | null }) => [d.expectedCompletion, d.reason]), [['2020-12-31', null], ['2021-03-31', 'Awaiting partner data']])
  t.equal((await request({ method: 'PATCH', url, key: keys.contributor, payload: { status: 'completed' }, headers: { 'if-match': '"1"' } })).statusCode, 412)

  const second = await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.contributor, payload: { position: 'Correction: strategy approved.', activities: 'Approved at board.' } })
  const list = (await request({ method: 'GET', url: `/v1/findings/${f.id}/updates`, key: keys.viewer })).json().items
  t.same(list.map((u: { id: string }) => u.id), [second.json().id, update.id], 'newest first; the first update untouched')
})

t.test('reviews are the board’s', async (t) => {
  const f = await newFinding()
  const body = { outcome: 'request_closure', rationale: 'Evidence shows the change is embedded.' }
  t.equal((await request({ method: 'POST', url: `/v1/findings/${f.id}/reviews`, key: keys.registrar, payload: body })).statusCode, 403)
  const review = await request({ method: 'POST', url: `/v1/findings/${f.id}/reviews`, key: keys.approver, payload: body })
  t.equal(review.statusCode, 201)
  t.match(review.json(), body)
  const bad = await request({ method: 'POST', url: `/v1/findings/${f.id}/reviews`, key: keys.approver, payload: { outcome: 'maybe', rationale: 'x' } })
  t.equal(bad.json().errors[0].field, 'outcome')
})

t.test('the whole path: draft → board → FLL → closed, the finding and the portal following', async (t) => {
  const f = await newFinding()
  await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.contributor, payload: { position: 'Done', activities: 'All', evidence: [{ title: 'Evaluation report', kind: 'evaluation', location: null, date: null }] } })
  const created = await open(f.id)
  t.equal(created.statusCode, 201)
  const req = created.json()
  t.equal(req.status, 'draft')
  t.same(req.evidence.map((e: { title: string }) => e.title), ['Evaluation report'], 'evidence pinned')
  t.equal((await finding(f.id)).status, 'closure_requested')
  await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.contributor, payload: { position: 'Later', activities: 'More', evidence: [{ title: 'Later doc', kind: 'other', location: null, date: null }] } })
  t.equal((await request({ method: 'GET', url: `/v1/closure-requests/${req.id}` })).json().evidence.length, 1, 'later evidence does not change the pinned set')
  t.equal((await open(f.id)).statusCode, 409, 'one request under way per finding')

  t.equal((await move(req.id, 'submit', keys.registrar)).json().status, 'board_review')
  const selfApprove = await move(req.id, 'approve', keys.admin)
  t.equal(selfApprove.statusCode, 200, 'an admin who did not submit may approve')
  t.equal((await move(req.id, 'send_to_fll', keys.registrar)).json().status, 'with_fll')
  t.equal((await finding(f.id)).status, 'closure_requested')
  const closed = await move(req.id, 'close', keys.registrar, 'FLL closed on the portal')
  t.equal(closed.json().status, 'closed')
  t.match(await finding(f.id), { status: 'closed', portalStatus: 'closed' })
  t.same(closed.json().transitions.map((x: { action: string }) => x.action), ['create', 'submit', 'approve', 'send_to_fll', 'close'])
  const history = (await request({ method: 'GET', url: `/v1/findings/${f.id}/history` })).json().items
  t.ok(history.some((h: { entityType: string; action: string }) => h.entityType === 'closure_request' && h.action === 'close'), 'on the finding’s record')
})

t.test('awaiting central sign-off: closed in the register, still open on the portal', async (t) => {
  const f = await newFinding()
  const req = (await open(f.id)).json()
  await move(req.id, 'submit', keys.registrar)
  await move(req.id, 'approve', keys.approver)
  await move(req.id, 'send_to_fll', keys.registrar)
  t.equal((await move(req.id, 'close_pending_signoff', keys.registrar)).json().status, 'awaiting_signoff')
  t.match(await finding(f.id), { status: 'closed', portalStatus: 'open' })
  const discrepancies = (await request({ method: 'GET', url: '/v1/findings?discrepancy=true&limit=500' })).json().items
  t.ok(discrepancies.some((d: { id: string }) => d.id === f.id), 'listed among register/portal disagreements')
  t.equal((await move(req.id, 'sign_off', keys.registrar)).json().status, 'closed')
  t.match(await finding(f.id), { status: 'closed', portalStatus: 'closed' })
})

t.test('returned, rejected and withdrawn send the finding back to open', async (t) => {
  const a = await newFinding()
  const ra = (await open(a.id)).json()
  await move(ra.id, 'submit', keys.registrar)
  t.equal((await move(ra.id, 'return', keys.approver, 'More evidence needed')).json().status, 'returned')
  t.equal((await finding(a.id)).status, 'open')
  t.equal((await move(ra.id, 'submit', keys.registrar)).json().status, 'board_review', 'resubmitted')
  t.equal((await finding(a.id)).status, 'closure_requested')

  const b = await newFinding()
  const rb = (await open(b.id)).json()
  await move(rb.id, 'submit', keys.registrar)
  await move(rb.id, 'approve', keys.approver)
  await move(rb.id, 'send_to_fll', keys.registrar)
  const noFeedback = await move(rb.id, 'reject', keys.registrar)
  t.equal(noFeedback.statusCode, 400, "the FLL's feedback is required")
  t.equal((await move(rb.id, 'reject', keys.registrar, 'Evidence does not show impact')).json().status, 'rejected')
  t.equal((await finding(b.id)).status, 'open')
  t.equal((await open(b.id)).statusCode, 201, 'a new request can start once the old one ended')

  const c = await newFinding()
  const rc = (await open(c.id)).json()
  t.equal((await move(rc.id, 'withdraw', keys.registrar)).json().status, 'withdrawn')
  t.equal((await finding(c.id)).status, 'open')
})

t.test('every illegal move is 409, every wrong role 403', async (t) => {
  const f = await newFinding()
  const req = (await open(f.id)).json()
  for (const action of ['approve', 'return', 'send_to_fll', 'close', 'close_pending_signoff', 'sign_off', 'reject']) {
    t.equal((await move(req.id, action, action === 'approve' || action === 'return' ? keys.approver : keys.registrar, 'n')).statusCode, 409, `${action} from draft`)
  }
  t.equal((await move(req.id, 'submit', keys.approver)).statusCode, 403, 'approvers do not submit')
  t.equal((await move(req.id, 'submit', keys.contributor)).statusCode, 403)
  await move(req.id, 'submit', keys.registrar)
  t.equal((await move(req.id, 'approve', keys.registrar)).statusCode, 403, 'registrars do not approve')
  const own = await move(req.id, 'approve', keys.admin)
  t.equal(own.statusCode, 200)
  const g = await newFinding()
  const rg = (await open(g.id, keys.admin)).json()
  await move(rg.id, 'submit', keys.admin)
  const selfApproval = await move(rg.id, 'approve', keys.admin)
  t.equal(selfApproval.statusCode, 403, 'never the key that submitted')
  t.equal((await move(rg.id, 'withdraw', keys.durham)).statusCode, 404, "another force's request is not found")
  t.equal((await move(req.id, 'withdraw', keys.registrar)).statusCode, 200, 'approved requests can still be withdrawn')
  t.equal((await move(req.id, 'submit', keys.registrar)).statusCode, 409, 'withdrawn is final')
})

t.test('concurrent moves of one request: exactly one wins', async (t) => {
  const f = await newFinding()
  const req = (await open(f.id)).json()
  const etag = (await move(req.id, 'submit', keys.registrar)).headers.etag as string
  const racers = await Promise.all([
    move(req.id, 'approve', keys.approver, undefined, etag),
    move(req.id, 'return', keys.approver, 'no', etag),
    move(req.id, 'withdraw', keys.registrar2, undefined, etag),
    move(req.id, 'approve', keys.admin, undefined, etag)
  ])
  t.same(racers.map((r) => r.statusCode).sort(), [200, 409, 409, 409], 'moves made on the same reading')
  const final = (await request({ method: 'GET', url: `/v1/closure-requests/${req.id}` })).json()
  t.equal(final.transitions.length, 3, 'create, submit and the one winning move')

  const other = (await open((await newFinding()).id)).json()
  await move(other.id, 'submit', keys.registrar)
  const same = await Promise.all([move(other.id, 'approve', keys.approver), move(other.id, 'approve', keys.admin)])
  t.same(same.map((r) => r.statusCode).sort(), [200, 409], 'the same move twice, without If-Match: one wins')
})

t.test('the register status is the workflow’s to set while a request is under way', async (t) => {
  const f = await newFinding()
  const direct = await request({ method: 'PATCH', url: `/v1/findings/${f.id}`, payload: { status: 'closure_requested' }, headers: { 'if-match': '"1"' } })
  t.equal(direct.statusCode, 400)
  await open(f.id)
  const current = await finding(f.id)
  const close = await request({ method: 'PATCH', url: `/v1/findings/${f.id}`, payload: { status: 'closed' }, headers: { 'if-match': `"${current.version}"` } })
  t.equal(close.statusCode, 400, 'closed is never set by a PATCH')
  t.equal(close.json().errors[0].field, 'status')
  const portal = await request({ method: 'PATCH', url: `/v1/findings/${f.id}`, payload: { portalStatus: 'closed', portalNote: 'Closed in error on the portal' }, headers: { 'if-match': `"${current.version}"` } })
  t.equal(portal.statusCode, 200, 'a portal state that disagrees can still be recorded')
})

t.test('lists filter by state and force', async (t) => {
  const list = (await request({ method: 'GET', url: '/v1/closure-requests?status=closed&limit=500' })).json().items
  t.ok(list.length >= 2 && list.every((r: { status: string }) => r.status === 'closed'))
  t.same((await request({ method: 'GET', url: '/v1/closure-requests', key: keys.durham })).json().items, [])
  const bad = await request({ method: 'POST', url: '/v1/closure-requests/00000000-0000-4000-8000-000000000000/transitions', key: keys.registrar, payload: { action: 'explode' } })
  t.equal(bad.statusCode, 400)
})
