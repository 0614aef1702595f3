import t from 'tap'
import { exampleApp } from './example.ts'

const { request, keys, ok, idOf, patchFinding, closure } = await exampleApp(t)

const get = async (query = '', key?: string) => ok(await request({ method: 'GET', url: `/v1/reports/summary?force=cleveland${query}`, key }), 200)
const counted = (total: number, notOnPortal = 0) => ({ total, notOnPortal })
const row = (coc: number, recs: number, afis: number) => ({ causesOfConcern: counted(coc), recommendations: counted(recs), areasForImprovement: counted(afis) })

t.test('the example register as 001 section 2.1 lays it out', async (t) => {
  const report = await get('', keys.viewer)
  t.equal(report.force, 'cleveland')
  // Counted from examples/cleveland-register.json: the 73 findings with status open, by their
  // inspection's category and kind; every one of them is open on the portal, so no brackets.
  //   local_peel: the 6 IPA 2019 causes of concern; their 30 recommendations (547-562, 533-546);
  //               the 17 open AFIs (563-569, 449, 355, 450, 455, 472, 473, 358, 444, 443, 487, 468)
  //   national_peel: 8 recommendations (502, 459, 504, 503, 489, 361, 448, 498)
  //   national_da_peel_thematic: 505; ncpi: 461-467; cdi: CoC-CDI and 518-520
  t.same(
    report.rows.map((r: { category: string; label: string }) => [r.category, r.label]),
    [
      ['local_peel', 'Local PEEL'],
      ['national_peel', 'National PEEL'],
      ['national_da_peel_thematic', 'National DA PEEL Thematic'],
      ['ncpi', 'National Child Protection Inspection (NCPI)'],
      ['cdi', 'Crime Data Integrity (CDI)'],
      ['other_national_thematic', 'Other national thematic inspections']
    ],
    "all six rows, in 001's order, with 001's labels"
  )
  t.match(report.rows, [row(6, 30, 17), row(0, 8, 0), row(0, 1, 0), row(0, 7, 0), row(1, 3, 0), row(0, 0, 0)])
  t.same(report.uncategorised, row(0, 0, 0))
  t.same(report.register, { label: 'Total on Force register', ...row(7, 49, 17) })
  // The 17 closed or superseded AFIs are closed on the portal too: the portal holds the same 73.
  t.same(report.portal, { label: 'Total on HMIC monitoring portal', causesOfConcern: 7, recommendations: 49, areasForImprovement: 17 })
  t.same(report.discrepancies, { registerOnly: [], portalOnly: [], closedOnPortalOnly: [] })
})

t.test('register against portal: each disagreement counted and listed', async (t) => {
  await patchFinding('505', { portalStatus: 'not_on_portal', portalNote: 'Never loaded onto the portal' })
  await patchFinding('CoC-CDI', { portalStatus: 'closed', portalNote: 'Closed in error on the portal' })
  await patchFinding('366', { portalStatus: 'not_on_portal' }) // closed here, absent there: nothing open either side
  await closure('547', ['submit', 'approve', 'send_to_fll', 'close_pending_signoff']) // 001 note 3: closed by the FLL, still on the portal
  await closure('548') // a draft: closure requested, still open in the register
  const created = await request({
    method: 'POST',
    url: '/v1/findings',
    payload: { force: 'cleveland', reference: 'U-1', kind: 'area_for_improvement', title: 'No inspection', text: 'Found locally.', portalStatus: 'not_on_portal' }
  })
  t.equal(created.statusCode, 201)

  const report = await get()
  // By hand from the changes above:
  //   local_peel recommendations 30 - 547 (now closed) = 29; 548 is closure_requested and still counts
  //   national_da: 505 is open but not on the portal -> 1 (1); cdi: CoC-CDI closed on the portal -> 1 (1)
  //   uncategorised: U-1, an AFI not on the portal -> 1 (1)
  t.match(report.rows, [
    row(6, 29, 17),
    row(0, 8, 0),
    { recommendations: counted(1, 1) },
    row(0, 7, 0),
    { causesOfConcern: counted(1, 1), recommendations: counted(3) },
    row(0, 0, 0)
  ])
  t.same(report.uncategorised, { causesOfConcern: counted(0), recommendations: counted(0), areasForImprovement: counted(1, 1) })
  t.same(report.register, { label: 'Total on Force register', causesOfConcern: counted(7, 1), recommendations: counted(48, 1), areasForImprovement: counted(18, 1) })
  // Portal: CoC 7 - CoC-CDI = 6; recommendations 49 - 505 = 48 (547 closed here but open there keeps its place); AFIs 17 (U-1 is not there).
  t.same(report.portal, { label: 'Total on HMIC monitoring portal', causesOfConcern: 6, recommendations: 48, areasForImprovement: 17 })
  for (const kind of ['causesOfConcern', 'recommendations', 'areasForImprovement'] as const) {
    const onPortalOnly = report.discrepancies.portalOnly.filter((d: { kind: string }) => ({ cause_of_concern: 'causesOfConcern', recommendation: 'recommendations', area_for_improvement: 'areasForImprovement' })[d.kind] === kind).length
    t.equal(report.register[kind].total - report.register[kind].notOnPortal + onPortalOnly, report.portal[kind], `${kind}: register - not on portal + portal only = portal`)
  }

  const refs = (list: Array<{ reference: string }>) => list.map((d) => d.reference)
  t.same(refs(report.discrepancies.registerOnly), ['505', 'U-1'])
  t.same(refs(report.discrepancies.portalOnly), ['547'])
  t.same(refs(report.discrepancies.closedOnPortalOnly), ['CoC-CDI'])
  t.same(report.discrepancies.closedOnPortalOnly[0], {
    id: idOf('CoC-CDI'),
    reference: 'CoC-CDI',
    kind: 'cause_of_concern',
    category: 'cdi',
    title: report.discrepancies.closedOnPortalOnly[0].title,
    status: 'open',
    portalStatus: 'closed',
    portalNote: 'Closed in error on the portal'
  })
  t.match(report.discrepancies.registerOnly[1], { reference: 'U-1', category: null, status: 'open', portalStatus: 'not_on_portal' })
  t.match(report.discrepancies.portalOnly[0], { reference: '547', category: 'local_peel', status: 'closed', portalStatus: 'open' })

  await t.test('as CSV: a line per row, the uncategorised line, then the two totals', async (t) => {
    const csv = await request({ method: 'GET', url: '/v1/reports/summary?force=cleveland&format=csv' })
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /^text\/csv/)
    t.same(csv.body.split('\r\n'), [
      'row,label,causes_of_concern,causes_of_concern_not_on_portal,recommendations,recommendations_not_on_portal,areas_for_improvement,areas_for_improvement_not_on_portal',
      'local_peel,Local PEEL,6,0,29,0,17,0',
      'national_peel,National PEEL,0,0,8,0,0,0',
      'national_da_peel_thematic,National DA PEEL Thematic,0,0,1,1,0,0',
      'ncpi,National Child Protection Inspection (NCPI),0,0,7,0,0,0',
      'cdi,Crime Data Integrity (CDI),1,1,3,0,0,0',
      'other_national_thematic,Other national thematic inspections,0,0,0,0,0,0',
      'uncategorised,No inspection recorded,0,0,0,0,1,1',
      'register_total,Total on Force register,7,1,48,1,18,1',
      'portal_total,Total on HMIC monitoring portal,6,,48,,17,',
      ''
    ])
    const accepted = await request({ method: 'GET', url: '/v1/reports/summary?force=cleveland', headers: { accept: 'text/csv' } })
    t.equal(accepted.body, csv.body, 'Accept: text/csv gives the same')
    const json = await request({ method: 'GET', url: '/v1/reports/summary?force=cleveland&format=json', headers: { accept: 'text/csv' } })
    t.match(json.headers['content-type'], /^application\/json/, 'format wins over Accept')
  })
})
