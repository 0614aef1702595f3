import t from 'tap'
import { exampleApp, parseCsv } from './example.ts'

const { request, keys, ok, patchFinding, createGroup, addUpdate, closure } = await exampleApp(t)

// The example names no leads and assigns no groups; give a few findings both. 503's lead is spelt
// in lower case on purpose, and closed 366 gets a lead that must not count.
const crime = await createGroup('Crime DAG')
const vulnerability = await createGroup('Vulnerability DAG')
await patchFinding('505', { forceLead: 'ACC Smith', deliveryLead: 'Insp Green', governanceGroupId: vulnerability.id })
await patchFinding('489', { forceLead: 'ACC Smith', deliveryLead: 'INSP GREEN', governanceGroupId: vulnerability.id })
await patchFinding('503', { forceLead: 'acc smith', governanceGroupId: crime.id })
await patchFinding('547', { forceLead: 'DCS Brown', deliveryLead: 'Insp Green', governanceGroupId: crime.id, dueDate: '2019-01-31' })
await patchFinding('CoC-CDI', { forceLead: 'DCS Brown' })
await patchFinding('366', { forceLead: 'ACC Smith' })
await addUpdate('489', { ongoingActions: [{ description: 'Refresh the guidance', expectedCompletion: '2018-09-01' }] })
await closure('503')

const asOf = '2018-10-01'
const report = async (path: string, query = '') => ok(await request({ method: 'GET', url: `/v1/reports/${path}?force=cleveland&asOf=${asOf}${query}`, key: keys.viewer }), 200)
const counts = (open: number, closureRequested: number, overdue: number, ongoingActionsOverdue: number, nextDueDate: string | null, coc: number, recs: number, afis: number) => ({
  open,
  closureRequested,
  overdue,
  ongoingActionsOverdue,
  nextDueDate,
  causesOfConcern: coc,
  recommendations: recs,
  areasForImprovement: afis
})

t.test('by force lead', async (t) => {
  const body = await report('by-lead')
  t.equal(body.lead, 'force')
  // By hand, on 1 October 2018 (dated findings: 505 Apr, 489 Jul, 503/504 Sep, 502 Oct 2018; 547 Jan 2019):
  //   ACC Smith: 505, 489, acc smith's 503 (not closed 366); 503 awaits closure; all three overdue;
  //     489's action is overdue; nothing falls due later.
  //   DCS Brown: 547 and CoC-CDI; 547 falls due 31 Jan 2019.
  //   no lead: the other 73 - 5 = 68 open: 6 CoC, 49 - 4 = 45 recommendations, 17 AFIs; 504 overdue;
  //     502 falls due next, 31 Oct 2018.
  t.same(body.rows, [
    { lead: 'ACC Smith', ...counts(3, 1, 3, 1, null, 0, 3, 0) },
    { lead: 'DCS Brown', ...counts(2, 0, 0, 0, '2019-01-31', 1, 1, 0) },
    { lead: null, ...counts(68, 0, 1, 0, '2018-10-31', 6, 45, 17) }
  ])
})

t.test('by delivery lead', async (t) => {
  const body = await report('by-lead', '&lead=delivery')
  t.equal(body.lead, 'delivery')
  // Insp Green: 505 and 547, and 489 as INSP GREEN (the spelling used most wins); no lead: the other 70.
  t.same(body.rows, [
    { lead: 'Insp Green', ...counts(3, 0, 2, 1, '2019-01-31', 0, 3, 0) },
    { lead: null, ...counts(70, 1, 2, 0, '2018-10-31', 7, 46, 17) }
  ])
})

t.test('by governance group, the example’s idle board included', async (t) => {
  const body = await report('by-group')
  t.same(body.rows, [
    { governanceGroup: { id: crime.id, name: 'Crime DAG' }, ...counts(2, 1, 1, 0, '2019-01-31', 0, 2, 0) },
    { governanceGroup: { id: body.rows[1].governanceGroup.id, name: 'Inspection and Audit Monitoring Board' }, ...counts(0, 0, 0, 0, null, 0, 0, 0) },
    { governanceGroup: { id: vulnerability.id, name: 'Vulnerability DAG' }, ...counts(2, 0, 2, 1, null, 0, 2, 0) },
    { governanceGroup: null, ...counts(69, 0, 1, 0, '2018-10-31', 7, 45, 17) }
  ])
  const total = body.rows.reduce((sum: number, row: { open: number }) => sum + row.open, 0)
  t.equal(total, 73, 'every open finding in exactly one row')
})

t.test('as CSV', async (t) => {
  const leads = await request({ method: 'GET', url: `/v1/reports/by-lead?force=cleveland&asOf=${asOf}&format=csv` })
  t.match(leads.headers['content-type'], /^text\/csv/)
  t.same(parseCsv(leads.body), [
    ['lead', 'open', 'closure_requested', 'overdue', 'ongoing_actions_overdue', 'next_due_date', 'causes_of_concern', 'recommendations', 'areas_for_improvement'],
    ['ACC Smith', '3', '1', '3', '1', '', '0', '3', '0'],
    ['DCS Brown', '2', '0', '0', '0', '2019-01-31', '1', '1', '0'],
    ['(no lead)', '68', '0', '1', '0', '2018-10-31', '6', '45', '17']
  ])
  const groups = await request({ method: 'GET', url: `/v1/reports/by-group?force=cleveland&asOf=${asOf}`, headers: { accept: 'text/csv' } })
  const rows = parseCsv(groups.body)
  t.same(rows[0], ['governance_group_id', 'governance_group', 'open', 'closure_requested', 'overdue', 'ongoing_actions_overdue', 'next_due_date', 'causes_of_concern', 'recommendations', 'areas_for_improvement'])
  t.same(rows[1], [crime.id, 'Crime DAG', '2', '1', '1', '0', '2019-01-31', '0', '2', '0'])
  t.same(rows[4], ['', '(no group)', '69', '0', '1', '0', '2018-10-31', '7', '45', '17'], 'the row of findings in no group says so; it has no id')
})
