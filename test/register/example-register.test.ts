import t from 'tap'
import { buildTestApp, loadExample } from '../helper.ts'

const { request, database } = await buildTestApp(t)
const first = await loadExample(database)

interface Finding {
  id: string
  reference: string
  kind: string
  scope: string
  status: string
  parentId: string | null
  inspectionId: string | null
  supersededById: string | null
  questions: Array<{ framework: string; ref: string }>
  text: string
}

async function all(query = ''): Promise<Finding[]> {
  const items: Finding[] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/findings?force=cleveland&limit=500${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`
    const body: { items: Finding[]; nextCursor: string | null } = (await request({ method: 'GET', url })).json()
    items.push(...body.items)
    cursor = body.nextCursor
  } while (cursor)
  return items
}

const findings = await all()
const byRef = new Map(findings.map((f) => [f.reference, f]))
const children = (reference: string) => findings.filter((f) => f.parentId === byRef.get(reference)?.id)

t.test('the example register loads in full', async (t) => {
  t.same(first.findings, { created: 90, updated: 0, unchanged: 0 })
  t.equal(first.inspections.created, 18)
  t.equal(findings.length, 90)
})

t.test('the 6 PEEL causes of concern carry their 30 numbered recommendations', async (t) => {
  const ipaCauses = findings.filter((f) => f.kind === 'cause_of_concern' && f.reference.startsWith('CoC-IPA2019'))
  t.equal(ipaCauses.length, 6)
  t.same(ipaCauses.map((c) => children(c.reference).length).sort(), [3, 4, 4, 4, 7, 8])
  const prevention = children('CoC-IPA2019-PREVENTION').map((f) => f.reference).sort()
  t.same(prevention, ['547', '548', '549', '550'], '002: Cause of Concern: Prevention carries 547-550')
  t.equal(byRef.get('547')?.text, 'Provide strategic direction and co-ordination of all prevention activity')
})

t.test('17 local areas for improvement, under their questions', async (t) => {
  const afis = findings.filter((f) => f.kind === 'area_for_improvement' && f.status === 'open' && f.scope === 'force')
  t.equal(afis.length, 17)
  t.same(byRef.get('449')?.questions, [{ framework: 'peel-2018', ref: '2' }], '449 sits under Q2 Investigation')
  const q2 = await all('question=peel-2018:2&kind=area_for_improvement')
  t.same(q2.map((f) => f.reference).sort(), ['449', '563', '564', '565'])
})

t.test('9 national recommendations, 7 NCPI recommendations with 19 actions, the CDI cause of concern with 3', async (t) => {
  t.equal(findings.filter((f) => f.scope === 'national' && f.status === 'open').length, 9)
  const ncpi = await all('category=ncpi')
  t.equal(ncpi.length, 7)
  let actions = 0
  for (const f of ncpi) actions += (await request({ method: 'GET', url: `/v1/findings/${f.id}/actions` })).json().items.length
  t.equal(actions, 19, '7 recommendations with 19 separate actions')
  const cdi = await all('category=cdi')
  t.equal(cdi.filter((f) => f.kind === 'cause_of_concern').length, 1)
  t.equal(cdi.filter((f) => f.kind === 'recommendation').length, 3)
})

t.test("the mapping table's earlier AFIs, with their fate", async (t) => {
  t.equal(findings.filter((f) => f.status === 'closed').length, 11, 'closed and signed off')
  const superseded = findings.filter((f) => f.status === 'superseded')
  t.equal(superseded.length, 6)
  const fate = (ref: string) => findings.find((f) => f.id === byRef.get(ref)?.supersededById)?.reference
  t.equal(fate('356'), '543', '356 closed but superseded with a CoC recommendation numbered as 543')
  t.equal(fate('445'), '544')
  t.equal(fate('458'), '502', '458 superseded by 502 nationally')
})

t.test('every inspection 002 names is on the register', async (t) => {
  const inspections = (await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=500' })).json().items
  const labels = inspections.map((i: { label: string | null }) => i.label)
  for (const label of ['IPA 2019', 'Effectiveness 2017', 'Vulnerability 2015', 'Vulnerability 2016', 'Legitimacy 2016', 'Efficiency 2017']) {
    t.ok(labels.includes(label), label)
  }
  const ipa = inspections.find((i: { key: string }) => i.key === 'ipa-2019')
  t.equal(findings.filter((f) => f.inspectionId === ipa.id).length, 43)
})

t.test('loading it again changes nothing', async (t) => {
  const countAudit = async () =>
    Number((await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const before = await countAudit()
  const again = await loadExample(database)
  t.same(again.findings, { created: 0, updated: 0, unchanged: 90 })
  t.same(again.inspections, { created: 0, updated: 0, unchanged: 18 })
  t.equal(await countAudit(), before, 'not even an audit entry')
})
