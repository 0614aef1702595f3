import t from 'tap'
import { exampleApp } from './example.ts'

const { request, keys, ok, addUpdate, closure } = await exampleApp(t)

/** With a Cleveland viewer key, or the national admin key when `national`. */
const gap = (path: string, query = '', as: 'viewer' | 'national' | 'durham' = 'viewer') =>
  request({ method: 'GET', url: `/v1/frameworks/${path}/gap${query}`, key: as === 'national' ? undefined : keys[as] })
const keysOf = (list: Array<{ framework: string; ref: string }>) => list.map((q) => `${q.framework}:${q.ref}`)

t.test('a 2018/19 question the example links findings to: Q2 Investigation', async (t) => {
  const first = await addUpdate('449', {
    evidence: [{ title: 'Investigation standards audit', kind: 'evaluation', location: 'SharePoint/Audit', date: '2020-03-01' }]
  })
  const second = await addUpdate('449', { position: 'Embedded.', evidence: [{ title: 'Supervision policy', kind: 'policy', location: null, date: null }] })
  await addUpdate('563', { position: 'Started.' })
  await closure('459', ['submit', 'approve', 'send_to_fll', 'close'])
  // Another force's finding on the same question stays out of Cleveland's view.
  const durham = await request({
    method: 'POST',
    url: '/v1/findings',
    payload: { force: 'durham', reference: 'D-1', kind: 'area_for_improvement', title: 'Durham', text: 'Durham.', questions: [{ framework: 'peel-2018', ref: '2' }] }
  })
  t.equal(durham.statusCode, 201)

  const body = await ok(await gap('peel-2018/questions/2'), 200)
  t.equal(body.force, 'cleveland', "a force key's own force without naming it")
  t.same(body.question, { framework: 'peel-2018', ref: '2', title: 'Investigation' })
  // By hand from reference/crosswalk.json, starting from 2 and the questions under it (2.1, 2.2):
  //   2 → 2021:5, 2.1 → 2021:1, 2.2 → 2021:7; then 2021:1 → 2023:12, 5 → 2023:4, 7 → 2023:6;
  //   then 2023:4 → 2025:6, 6 → 2025:4, 6, 7, 12 → 2025:5, 6.
  t.same(keysOf(body.related), ['peel-2021:1', 'peel-2021:5', 'peel-2021:7', 'peel-2023:4', 'peel-2023:6', 'peel-2023:12', 'peel-2025:4', 'peel-2025:5', 'peel-2025:6', 'peel-2025:7'])
  t.match(body.related[1], { title: 'How good is the force at investigating crime?' })
  // The example links 8 findings to peel-2018 question 2 (449, 459, 503, 504, 557, 563, 564, 565)
  // and none to the related questions; 459 is now closed.
  t.same(refs(body.findings), ['449', '503', '504', '557', '563', '564', '565'])
  t.same(keysOf(body.findings.find((f: { reference: string }) => f.reference === '557').linkedThrough), ['peel-2018:2'], '557 is linked to 3 as well, which is not this ground')
  const f449 = body.findings[0]
  t.same(f449.latestUpdate, { id: second.id, position: 'Embedded.', date: today })
  t.same(f449.evidence, [
    { title: 'Investigation standards audit', kind: 'evaluation', location: 'SharePoint/Audit', date: '2020-03-01', updateId: first.id, updateDate: today },
    { title: 'Supervision policy', kind: 'policy', location: null, date: null, updateId: second.id, updateDate: today }
  ])
  t.match(body.findings[4], { reference: '563', latestUpdate: { position: 'Started.' }, evidence: [] })
  t.equal(body.findings[1].latestUpdate, null)
  t.same(body.withoutEvidence, ['503', '504', '557', '563', '564', '565'])
  // Cleveland's grades (reference/gradings) in the related areas: 2021/22 victims (1) ungraded,
  // investigating (5) requires improvement, offenders (7) adequate; 2023-25 investigating (4)
  // requires improvement, offenders (6) good. 2023:12 and 2025 were not graded.
  t.same(
    body.grades.map((g: { framework: string; period: string; questionRef: string; grade: string | null; assessment: string }) => [g.framework, g.period, g.questionRef, g.grade, g.assessment]),
    [
      ['peel-2021', '2021/22', '1', null, 'ungraded'],
      ['peel-2021', '2021/22', '5', 'requires_improvement', 'graded'],
      ['peel-2021', '2021/22', '7', 'adequate', 'graded'],
      ['peel-2023', '2023-25', '4', 'requires_improvement', 'graded'],
      ['peel-2023', '2023-25', '6', 'good', 'graded']
    ]
  )
  t.equal(body.grades[1].area, 'Investigating crime')
})

t.test('a 2025-27 question, reached back through the crosswalk', async (t) => {
  const body = await ok(await gap('peel-2025/questions/7', '?force=cleveland', 'national'), 200)
  t.equal(body.question.title, 'How good is the force at safeguarding children and adults at risk of harm?')
  // Backwards: 2025:7 ← 2023:5, 2023:6; 2023:5 ← 2021:6, 2023:6 ← 2021:7; 2021:6 ← 2018:3,
  // 2021:7 ← 2018:2.2 and 2018:3.2.
  t.same(keysOf(body.related), ['peel-2018:2.2', 'peel-2018:3', 'peel-2018:3.2', 'peel-2021:6', 'peel-2021:7', 'peel-2023:5', 'peel-2023:6'])
  // The example links 21 findings to peel-2018 question 3, all open: the vulnerability cause of
  // concern and its 8 recommendations (551-558), AFIs 566, 355, 450, 455, national 505 and the 7
  // NCPI recommendations 461-467. None has evidence.
  const expected = ['355', '450', '455', '461', '462', '463', '464', '465', '466', '467', '505', '551', '552', '553', '554', '555', '556', '557', '558', '566', 'CoC-IPA2019-VULNERABILITY']
  t.same(refs(body.findings), expected)
  t.same(body.withoutEvidence, expected)
  t.same(keysOf(body.findings.find((f: { reference: string }) => f.reference === '557').linkedThrough), ['peel-2018:3'])
  // Cleveland: 2021/22 protecting vulnerable people (6) requires improvement, offenders (7) adequate;
  // 2023-25 vulnerable people (5) requires improvement, offenders (6) good.
  t.same(
    body.grades.map((g: { framework: string; questionRef: string; grade: string }) => [g.framework, g.questionRef, g.grade]),
    [
      ['peel-2021', '6', 'requires_improvement'],
      ['peel-2021', '7', 'adequate'],
      ['peel-2023', '5', 'requires_improvement'],
      ['peel-2023', '6', 'good']
    ]
  )
})

t.test('unknown framework or question: 404; force scoping as the reports', async (t) => {
  for (const path of ['peel-1999/questions/1', 'peel-2018/questions/99']) {
    const response = await gap(path)
    t.equal(response.statusCode, 404, path)
    t.match(response.headers['content-type'], /application\/problem\+json/)
  }
  const national = await gap('peel-2018/questions/2', '', 'national')
  t.equal(national.statusCode, 400)
  t.equal(national.json().errors[0].field, 'force')
  const other = await gap('peel-2018/questions/2', '?force=cleveland', 'durham')
  t.equal(other.statusCode, 403)
  t.match(other.json().detail, /durham/)
  t.equal((await gap('peel-2018/questions/2', '?force=atlantis', 'national')).statusCode, 404)
})

const today = new Date().toISOString().slice(0, 10)
function refs(list: Array<{ reference: string }>) {
  return list.map((f) => f.reference)
}
