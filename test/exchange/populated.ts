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
 * The register of 002 with the rest of a register's life added: progress with evidence (and text
 * that looks like a formula), ongoing actions, one whose date slipped, and a review by a board.
 */
export async function populatedRegister(t: Test) {
  const source = await buildTestApp(t)
  await loadExample(source.database)
  const groups = (await source.request({ method: 'GET', url: '/v1/governance-groups?force=cleveland&limit=100' })).json().items as Array<{ id: string; name: string }>
  const f547 = await findingId(source, '547')
  const posted = await source.request({
    method: 'POST',
    url: `/v1/findings/${f547}/updates`,
    payload: {
      position: 'Prevention strategy approved; "problem-solving" plans in every neighbourhood.',
      activities: '=SUM(A1) looks like a formula but is text.\nSecond line, with ünïcödé.',
      impact: 'Teams know the priorities.',
      evidence: [{ title: 'Prevention strategy v2', kind: 'policy', location: 'SharePoint/Prevention', date: '2020-06-01' }],
      ongoingActions: [
        { description: 'Evaluate problem-solving plans', anticipatedImpact: 'Better targeting', expectedCompletion: '2020-12-31' },
        { description: 'Train sergeants', status: 'not_started' }
      ]
    }
  })
  t.equal(posted.statusCode, 201)
  const action = posted.json().ongoingActions[0]
  const slipped = await source.request({
    method: 'PATCH',
    url: `/v1/findings/${f547}/ongoing-actions/${action.id}`,
    headers: { 'if-match': `"${action.version}"` },
    payload: { expectedCompletion: '2021-03-31', reason: 'Evaluation partner changed' }
  })
  t.equal(slipped.statusCode, 200)
  const reviewed = await source.request({
    method: 'POST',
    url: `/v1/findings/${f547}/reviews`,
    payload: { outcome: 'embed_and_sustain', rationale: 'Good start; embed it.', governanceGroupId: groups[0]!.id }
  })
  t.equal(reviewed.statusCode, 201)
  return { source, groups, original: await exported(t, source) }
}
