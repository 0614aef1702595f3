/**
 * One finding's life, from the register to the inspectorate's sign-off, told only through the typed
 * client over real HTTP. Bodies, paths and every expected value are checked against
 * client/schema.ts, so a contract change that would break integrators breaks the type-check first.
 */
import t, { type Test } from 'tap'
import { type Schemas, type operations, createPeelRegisterClient } from '../../client/index.ts'
import { ADMIN_KEY, buildTestApp } from '../helper.ts'

const { app } = await buildTestApp(t)
const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })

interface Answer<D, E> {
  data?: D
  error?: E
  response: Response
}
/** The body of a successful answer; a failure shows the problem document. */
function dataOf<D, E>(result: Answer<D, E>): D {
  if (result.data === undefined) throw new Error(`${result.response.status} from ${result.response.url}: ${JSON.stringify(result.error)}`)
  return result.data
}
function expectData<D, E>(t: Test, result: Answer<D, E>, status: number): D {
  t.equal(result.response.status, status, `${new URL(result.response.url).pathname} answers ${status}`)
  return dataOf(result)
}
// tap's assertions take `any`; these make the expected value answer to the contract's type.
const is = <T>(t: Test, found: T, wanted: NoInfer<T>, ...message: [] | [string]) => t.same(found, wanted, ...message)
const has = <T>(t: Test, found: T, wanted: Partial<NoInfer<T>>, ...message: [] | [string]) => t.match(found, wanted, ...message)

// The keys are made before any assertion: tap ends the root test once it asserts and goes idle.
const admin = createPeelRegisterClient(baseUrl, ADMIN_KEY)
async function keyFor(role: Schemas['ApiKey']['role']) {
  const created = await admin.POST('/v1/api-keys', { body: { name: `Cleveland ${role}`, role, force: 'cleveland' } })
  return createPeelRegisterClient(baseUrl, dataOf(created).key)
}
const registrar = await keyFor('registrar')
const contributor = await keyFor('contributor')
const approver = await keyFor('approver')
const viewer = await keyFor('viewer')

const summary = async (t: Test) => expectData(t, await viewer.GET('/v1/reports/summary', { params: { query: { force: 'cleveland' } } }), 200)
type Summary = Awaited<ReturnType<typeof summary>>
const localPeelAfis = (report: Summary) => report.rows.find((row) => row.category === 'local_peel')?.areasForImprovement

t.test('an area for improvement, from the register to closed by the inspectorate', async (t) => {
  const board = expectData(t, await registrar.POST('/v1/governance-groups', { body: { name: 'Inspection and Audit Monitoring Board', chair: 'Deputy Chief Constable' } }), 201)
  has(t, board, { force: 'cleveland', name: 'Inspection and Audit Monitoring Board', chair: 'Deputy Chief Constable' })

  const inspection = expectData(
    t,
    await registrar.POST('/v1/inspections', {
      body: { key: 'ipa-2019', title: 'PEEL integrated assessment 2019', kind: 'peel', category: 'local_peel', scope: 'force', year: 2019, publishedOn: '2019-09-27', framework: 'peel-2018' }
    }),
    201
  )
  has(t, inspection, { key: 'ipa-2019', category: 'local_peel', publishedOn: '2019-09-27' })

  const findingBody: operations['createFinding']['requestBody']['content']['application/json'] = {
    reference: '563',
    kind: 'area_for_improvement',
    title: 'Problem-solving with partners',
    text: 'The force should improve how it works with partners to solve local problems.',
    inspectionId: inspection.id,
    questions: [{ framework: 'peel-2018', ref: '1' }],
    deadlineText: 'Within three months',
    deliveryLead: 'Neighbourhood Policing Lead',
    governanceGroupId: board.id
  }
  const idempotent = { header: { 'idempotency-key': 'story-563' } }
  const created = await registrar.POST('/v1/findings', { body: findingBody, params: idempotent })
  const finding = expectData(t, created, 201)
  has(t, finding, { force: 'cleveland', reference: '563', status: 'open', portalStatus: 'open', inspectionId: inspection.id, version: 1 })
  has(t, finding, { dueDate: '2019-12-27', dueDateResolved: true }, '"Within three months" runs from publication')
  is(t, finding.questions, [{ framework: 'peel-2018', ref: '1' }])
  const retried = await registrar.POST('/v1/findings', { body: findingBody, params: idempotent })
  is(t, expectData(t, retried, 201).id, finding.id, 'a retry with the same Idempotency-Key gets the same finding')
  t.equal(retried.response.headers.get('idempotent-replayed'), 'true')

  const before = await summary(t)
  is(t, localPeelAfis(before), { total: 1, notOnPortal: 0 }, 'counted on the summary under Local PEEL')
  is(t, before.portal.areasForImprovement, 1)

  const update = expectData(
    t,
    await contributor.POST('/v1/findings/{id}/updates', {
      params: { path: { id: finding.id } },
      body: {
        position: 'Joint problem-solving plans are in place in every neighbourhood.',
        activities: 'SARA training for all neighbourhood teams; partners sit on the tasking meeting.',
        impact: 'Repeat calls at the ten worst locations fell by a third.',
        evidence: [
          { title: 'Problem-solving evaluation 2020', kind: 'evaluation', location: 'SharePoint/Neighbourhoods/Evaluation', date: '2020-06-30' },
          { title: 'SARA training records', kind: 'training', location: null, date: null }
        ],
        ongoingActions: [{ description: 'Repeat the evaluation after a year', anticipatedImpact: 'Shows the change lasts', expectedCompletion: '2021-06-30' }]
      }
    }),
    201
  )
  is(t, update.evidence, [
    { title: 'Problem-solving evaluation 2020', kind: 'evaluation', location: 'SharePoint/Neighbourhoods/Evaluation', date: '2020-06-30' },
    { title: 'SARA training records', kind: 'training', location: null, date: null }
  ])
  const [ongoing] = update.ongoingActions
  has(t, ongoing, { description: 'Repeat the evaluation after a year', expectedCompletion: '2021-06-30', status: 'ongoing', slippageDays: 0 })

  const review = expectData(
    t,
    await approver.POST('/v1/findings/{id}/reviews', {
      params: { path: { id: finding.id } },
      body: { outcome: 'request_closure', rationale: 'The evaluation shows the change is embedded.', governanceGroupId: board.id }
    }),
    201
  )
  has(t, review, { findingId: finding.id, outcome: 'request_closure', governanceGroupId: board.id })

  const opened = await registrar.POST('/v1/closure-requests', { body: { findingId: finding.id, summary: 'All actions complete; evaluation attached.', reviewId: review.id } })
  const request = expectData(t, opened, 201)
  has(t, request, { findingId: finding.id, status: 'draft', reviewId: review.id })
  is(t, request.evidence.map((e) => e.title).sort(), ['Problem-solving evaluation 2020', 'SARA training records'], 'the evidence is pinned to the request')
  is(t, expectData(t, await viewer.GET('/v1/findings/{id}', { params: { path: { id: finding.id } } }), 200).status, 'closure_requested')

  // Each move sends the ETag of the last answer, as a careful integrator would.
  let etag = opened.response.headers.get('etag') ?? undefined
  type Action = operations['transitionClosureRequest']['requestBody']['content']['application/json']['action']
  const move = async (client: typeof registrar, action: Action, note?: string) => {
    const moved = await client.POST('/v1/closure-requests/{id}/transitions', {
      params: { path: { id: request.id }, header: { 'if-match': etag } },
      body: note === undefined ? { action } : { action, note }
    })
    etag = moved.response.headers.get('etag') ?? undefined
    return expectData(t, moved, 200)
  }

  is(t, (await move(registrar, 'submit')).status, 'board_review')
  const notTheirs = await registrar.POST('/v1/closure-requests/{id}/transitions', { params: { path: { id: request.id } }, body: { action: 'approve' } })
  t.equal(notTheirs.response.status, 403, 'a registrar may not approve')
  is(t, notTheirs.error?.type, '/problems/forbidden', 'errors are typed problem documents')
  is(t, notTheirs.error?.status, 403)
  is(t, (await move(approver, 'approve')).status, 'approved')
  is(t, (await move(registrar, 'send_to_fll')).status, 'with_fll')
  is(t, (await move(registrar, 'close_pending_signoff', 'The FLL has closed it; central sign-off to follow.')).status, 'awaiting_signoff')

  const awaiting = await summary(t)
  is(t, localPeelAfis(awaiting), { total: 0, notOnPortal: 0 }, 'closed in the register')
  is(t, awaiting.portal.areasForImprovement, 1, 'still open on the portal until signed off')
  is(t, awaiting.discrepancies.portalOnly.map((d) => [d.reference, d.status, d.portalStatus] as const), [['563', 'closed', 'open']])

  const signedOff = await move(registrar, 'sign_off', 'Signed off by the inspectorate.')
  is(t, signedOff.status, 'closed')
  is(
    t,
    signedOff.transitions.map((x) => [x.action, x.to] as const),
    [['create', 'draft'], ['submit', 'board_review'], ['approve', 'approved'], ['send_to_fll', 'with_fll'], ['close_pending_signoff', 'awaiting_signoff'], ['sign_off', 'closed']]
  )
  const read = await viewer.GET('/v1/findings/{id}', { params: { path: { id: finding.id } } })
  const closed = expectData(t, read, 200)
  has(t, closed, { status: 'closed', portalStatus: 'closed' })
  t.equal(read.response.headers.get('etag'), `"${closed.version}"`)

  const after = await summary(t)
  is(t, localPeelAfis(after), { total: 0, notOnPortal: 0 })
  is(t, after.register.areasForImprovement, { total: 0, notOnPortal: 0 })
  is(t, after.portal.areasForImprovement, 0, 'gone from the portal too')
  is(t, after.discrepancies, { registerOnly: [], portalOnly: [], closedOnPortalOnly: [] })
})
