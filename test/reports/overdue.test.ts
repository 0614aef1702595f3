import t from 'tap'
import { exampleApp, parseCsv } from './example.ts'

const { request, keys, ok, idOf, patchFinding, patchInspection, createGroup, addUpdate } = await exampleApp(t)

// The example's NCPI inspection has no publication date, so "Within three months" (465-467) has no
// due date yet; giving it one resolves them to 2018-06-15.
await patchInspection('ncpi-2017', { publishedOn: '2018-03-15' })
// 446 ("Within 2 years") becomes due 2017-01-01, but it is closed: never overdue.
await patchInspection('pre-2019-unknown', { publishedOn: '2015-01-01' })
const group = await createGroup('Crime Delivery and Assurance Group')
await patchFinding('502', { forceLead: 'ACC Smith', deliveryLead: 'Supt Jones', governanceGroupId: group.id })
const update = await addUpdate('502', {
  ongoingActions: [
    { description: 'Train all investigators', expectedCompletion: '2018-09-01' },
    { description: 'Audit the files', expectedCompletion: '2018-12-01' },
    { description: 'Done early', expectedCompletion: '2018-08-01' }
  ]
})
// Find each action by its words: actions written in one update share a timestamp, so their order is not insertion order.
const actionOf = (description: string) => (update.ongoingActions as Array<{ id: string; description: string }>).find((a) => a.description === description)!
const done = actionOf('Done early')
await ok(
  await request({ method: 'PATCH', url: `/v1/findings/${idOf('502')}/ongoing-actions/${done.id}`, key: keys.contributor, payload: { status: 'completed' }, headers: { 'if-match': '"1"' } }),
  200
)
await addUpdate('459', { ongoingActions: [{ description: 'Not begun yet', expectedCompletion: '2018-09-21', status: 'not_started' }] })
await addUpdate('366', { ongoingActions: [{ description: 'Of a closed finding', expectedCompletion: '2018-01-01' }] })

const report = async (query: string) => ok(await request({ method: 'GET', url: `/v1/reports/overdue?force=cleveland${query}`, key: keys.viewer }), 200)

t.test('findings and ongoing actions overdue on a chosen day', async (t) => {
  const body = await report('&asOf=2018-10-01')
  t.equal(body.asOf, '2018-10-01')
  // Due dates in the example (002's "By <month>" deadlines) and the NCPI date above, against 1 October 2018:
  //   505 by April 2018 (30 Apr): 154 days; 465-467 (15 Jun): 108; 489 by July (31 Jul): 62;
  //   503 and 504 by September (30 Sep): 1; 502 by October (31 Oct) is not yet due.
  t.same(
    body.findings.map((f: { reference: string; dueDate: string; daysOverdue: number }) => [f.reference, f.dueDate, f.daysOverdue]),
    [
      ['505', '2018-04-30', 154],
      ['465', '2018-06-15', 108],
      ['466', '2018-06-15', 108],
      ['467', '2018-06-15', 108],
      ['489', '2018-07-31', 62],
      ['503', '2018-09-30', 1],
      ['504', '2018-09-30', 1]
    ]
  )
  t.match(body.findings[1], { kind: 'recommendation', status: 'open', category: 'ncpi', deadlineText: 'Within three months', forceLead: null, governanceGroup: null })
  // Actions: "Train all investigators" (1 Sep, 30 days) and the not-started one (21 Sep, 10 days);
  // not the completed one, not the December one, not the one of closed 366.
  t.same(
    body.ongoingActions.map((a: { reference: string; description: string; daysOverdue: number; status: string }) => [a.reference, a.description, a.daysOverdue, a.status]),
    [
      ['502', 'Train all investigators', 30, 'ongoing'],
      ['459', 'Not begun yet', 10, 'not_started']
    ]
  )
  t.same(body.ongoingActions[0], {
    id: actionOf('Train all investigators').id,
    findingId: idOf('502'),
    reference: '502',
    findingKind: 'recommendation',
    findingTitle: body.ongoingActions[0].findingTitle,
    category: 'national_peel',
    description: 'Train all investigators',
    status: 'ongoing',
    expectedCompletion: '2018-09-01',
    daysOverdue: 30,
    forceLead: 'ACC Smith',
    deliveryLead: 'Supt Jones',
    governanceGroup: { id: group.id, name: 'Crime Delivery and Assurance Group' }
  })

  const listed = (await request({ method: 'GET', url: '/v1/findings?force=cleveland&overdue=true&asOf=2018-10-01&limit=500' })).json()
  t.same(
    body.findings.map((f: { id: string }) => f.id).sort(),
    listed.items.map((f: { id: string }) => f.id).sort(),
    'the same findings as the register filter overdue=true'
  )
})

t.test('a finding awaiting closure is still overdue; asOf defaults to today', async (t) => {
  await ok(await request({ method: 'POST', url: '/v1/closure-requests', key: keys.registrar, payload: { findingId: idOf('503'), summary: 'Done.' } }), 201)
  const early = await report('&asOf=2018-10-01')
  t.match(early.findings.find((f: { reference: string }) => f.reference === '503'), { status: 'closure_requested', daysOverdue: 1 })

  const now = await report('')
  t.equal(now.asOf, new Date().toISOString().slice(0, 10))
  // Today, every dated open finding is past due: the seven above and 502 (31 Oct 2018); and all
  // three open actions of open findings, the December one included.
  t.same(now.findings.map((f: { reference: string }) => f.reference).sort(), ['465', '466', '467', '489', '502', '503', '504', '505'])
  t.same(now.ongoingActions.map((a: { description: string }) => a.description).sort(), ['Audit the files', 'Not begun yet', 'Train all investigators'])
})

t.test('as CSV: one table, a type column', async (t) => {
  const csv = await request({ method: 'GET', url: '/v1/reports/overdue?force=cleveland&asOf=2018-10-01', headers: { accept: 'text/csv' } })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  const [header, ...lines] = parseCsv(csv.body)
  t.same(header, ['type', 'reference', 'kind', 'category', 'title', 'action', 'due_date', 'days_overdue', 'status', 'force_lead', 'delivery_lead', 'governance_group', 'finding_id', 'ongoing_action_id'])
  t.same(
    lines.map((l) => [l[0], l[1], l[6], l[7]]),
    [
      ['finding', '505', '2018-04-30', '154'],
      ['finding', '465', '2018-06-15', '108'],
      ['finding', '466', '2018-06-15', '108'],
      ['finding', '467', '2018-06-15', '108'],
      ['finding', '489', '2018-07-31', '62'],
      ['ongoing_action', '502', '2018-09-01', '30'],
      ['ongoing_action', '459', '2018-09-21', '10'],
      ['finding', '503', '2018-09-30', '1'],
      ['finding', '504', '2018-09-30', '1']
    ]
  )
  const json = await report('&asOf=2018-10-01')
  const findingOf = (reference: string) => json.findings.find((f: { reference: string }) => f.reference === reference) ?? json.ongoingActions.find((a: { reference: string }) => a.reference === reference)
  t.same(
    lines.map((l) => [l[1], l[2], l[3]]),
    lines.map((l) => {
      const entry = findingOf(l[1]!)
      return [l[1], entry.kind ?? entry.findingKind, entry.category ?? '']
    }),
    'the kind and category the JSON gives, on every line'
  )
  t.same([lines[1]![2], lines[1]![3]], ['recommendation', 'ncpi'])
  const action = lines[5]!
  t.same([action[2], action[3]], ['recommendation', 'national_peel'], "an ongoing action's line carries its finding's kind and category")
  t.same([action[5], action[9], action[10], action[11], action[12], action[13]], [
    'Train all investigators',
    'ACC Smith',
    'Supt Jones',
    'Crime Delivery and Assurance Group',
    idOf('502'),
    actionOf('Train all investigators').id
  ])
})
