import type { Test } from 'tap'
import { type TestApp, buildTestApp, loadExample } from '../helper.ts'

export interface Doc {
  exportedAt?: string
  findings: Array<{ reference: string; updates: unknown[]; reviews: unknown[]; actions: unknown[] }>
  [key: string]: unknown
}

export const findingId = async (app: TestApp, reference: string) =>
  (await app.request({ method: 'GET', url: `/v1/findings?force=cleveland&reference=${reference}` })).json().items[0].id as string

/** The register as JSON, without the moment of export (the one thing that differs between two exports). */
export async function exported(t: Test, app: TestApp): Promise<Doc> {
  const response = await app.request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })
  t.equal(response.statusCode, 200)
  const { exportedAt, ...doc } = response.json() as Doc
  t.ok(exportedAt)
  return doc as Doc
}

/**
 * The register of 002 with the rest of a register's life added: an inspection's milestones,
 * progress with evidence (and text that looks like a formula), ongoing actions, one whose date
 * slipped, and a review by a board.
 */
/** Set-up steps are checked by throwing: tap may not take assertions outside a subtest once the file is under way. */
function succeeded(response: { statusCode: number; body: string }, status: number) {
  if (response.statusCode !== status) throw new Error(`set-up failed with ${response.statusCode}: ${response.body}`)
}

export async function populatedRegister(t: Test) {
  const source = await buildTestApp(t)
  await loadExample(source.database)
  const groups = (await source.request({ method: 'GET', url: '/v1/governance-groups?force=cleveland&limit=100' })).json().items as Array<{ id: string; name: string }>
  const [inspection] = (await source.request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=1' })).json().items as Array<{ id: string; version: number }>
  const milestones = await source.request({
    method: 'PATCH',
    url: `/v1/inspections/${inspection!.id}`,
    headers: { 'if-match': `"${inspection!.version}"` },
    payload: {
      milestones: [
        { kind: 'dates_confirmed', title: 'Formal confirmation of the date of inspection activity', date: '2021-03-29', dateText: null, note: null },
        { kind: 'parm', title: 'PEEL Assessment and Resourcing Meeting with our Force Liaison Lead', date: '2021-09-19', dateText: 'Week commencing 19th September 2021', note: 'To timetable the final evidence gathering' },
        { kind: 'report_publication', title: 'Report publication', date: null, dateText: 'February 2022', note: null }
      ]
    }
  })
  succeeded(milestones, 200)
  const f547 = await findingId(source, '547')
  const posted = await source.request({
    method: 'POST',
    url: `/v1/findings/${f547}/updates`,
    payload: {
      position: 'Prevention strategy approved; "problem-solving" plans in every neighbourhood.',
      activities: '=SUM(A1) looks like a formula but is text.\nSecond line, with ünïcödé.',
      impact: 'Teams know the priorities.',
      evidence: [
        { title: 'Prevention strategy v2', kind: 'policy', location: 'SharePoint/Prevention', date: '2020-06-01' },
        { title: 'Minutes of the problem-solving board', kind: 'meeting_record', location: null, date: null }
      ],
      ongoingActions: [
        { description: 'Evaluate problem-solving plans', anticipatedImpact: 'Better targeting', expectedCompletion: '2020-12-31' },
        { description: 'Train sergeants', status: 'not_started' }
      ]
    }
  })
  succeeded(posted, 201)
  const action = posted.json().ongoingActions[0]
  const slipped = await source.request({
    method: 'PATCH',
    url: `/v1/findings/${f547}/ongoing-actions/${action.id}`,
    headers: { 'if-match': `"${action.version}"` },
    payload: { expectedCompletion: '2021-03-31', reason: 'Evaluation partner changed' }
  })
  succeeded(slipped, 200)
  const reviewed = await source.request({
    method: 'POST',
    url: `/v1/findings/${f547}/reviews`,
    payload: { outcome: 'embed_and_sustain', rationale: 'Good start; embed it.', governanceGroupId: groups[0]!.id }
  })
  succeeded(reviewed, 201)
  const response = await source.request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })
  succeeded(response, 200)
  const original = response.json() as Doc
  delete original.exportedAt
  return { source, groups, original }
}
