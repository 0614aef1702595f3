import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t)

interface Question {
  ref: string
  parentRef: string | null
  title: string
  graded: boolean
}

async function allQuestions(key: string): Promise<Question[]> {
  const response = await request({ method: 'GET', url: `/v1/frameworks/${key}/questions?limit=500` })
  t.equal(response.statusCode, 200)
  const body = response.json<{ items: Question[]; nextCursor: string | null }>()
  t.equal(body.nextCursor, null)
  return body.items
}

const depth = (ref: string) => ref.split('.').length

t.test('four framework versions, each with its grading scale', async (t) => {
  const body = (await request({ method: 'GET', url: '/v1/frameworks' })).json()
  t.same(
    body.items.map((f: { key: string; period: string }) => [f.key, f.period]),
    [['peel-2018', '2018/19'], ['peel-2021', '2021/22'], ['peel-2023', '2023-25'], ['peel-2025', '2025-27']]
  )
  t.same(body.items[0].gradingScale, ['outstanding', 'good', 'requires_improvement', 'inadequate'], '2018/19: four-point scale')
  t.same(body.items[1].gradingScale, ['outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate'], '2021/22: five points')
  t.equal((await request({ method: 'GET', url: '/v1/frameworks/peel-1999' })).statusCode, 404)
})

t.test('PEEL 2018/19 (004): 10 core questions, 1.1 to 10.3, their sub-questions, four grade descriptors each', async (t) => {
  const questions = await allQuestions('peel-2018')
  t.equal(questions.filter((q) => depth(q.ref) === 1).length, 10)
  const second = questions.filter((q) => depth(q.ref) === 2)
  t.equal(second.length, 24)
  t.equal(second[0]?.ref, '1.1')
  t.equal(second.at(-1)?.ref, '10.3')
  t.equal(questions.filter((q) => depth(q.ref) === 3).length, 68)
  t.equal(questions.find((q) => q.ref === '1')?.title, 'Prevention', "core titles as 002 labels them ('Q1 Prevention')")
  t.equal(questions.find((q) => q.ref === '2')?.title, 'Investigation')

  const q11 = (await request({ method: 'GET', url: '/v1/frameworks/peel-2018/questions/1.1' })).json()
  t.equal(q11.title, 'How well does the force understand and prioritise crime prevention?')
  t.same(q11.criteria.map((c: { grade: string }) => c.grade), ['outstanding', 'good', 'requires_improvement', 'inadequate'])
  t.ok(
    q11.criteria[0].items.includes(
      'is at the forefront (within its region and nationally) of developing, sharing and influencing plans to prevent crime and anti-social behaviour'
    )
  )
  const q103 = (await request({ method: 'GET', url: '/v1/frameworks/peel-2018/questions/10.3' })).json()
  t.equal(q103.title, 'How fairly and effectively does the force manage and develop individual performance of its officers and staff and selection process?')
  t.equal(q103.criteria[0].items[0], 'In addition to performing at levels described in Good, the force:')
  const q41 = (await request({ method: 'GET', url: '/v1/frameworks/peel-2018/questions/4.1' })).json()
  t.equal(q41.title, 'How well does the force understand the threat and risk posed by serious and organised crime (SOC)?')
  const sub = (await request({ method: 'GET', url: '/v1/frameworks/peel-2018/questions/1.1.1' })).json()
  t.match(sub, { parentRef: '1.1', title: 'How well do force leaders prioritise crime prevention?', graded: false, criteria: [] })
})

t.test('PEEL 2021/22 (001 Appendix B): 12 questions, 9 and 10 ungraded, topic areas with characteristics of good', async (t) => {
  const questions = await allQuestions('peel-2021')
  const top = questions.filter((q) => q.parentRef === null)
  t.equal(top.length, 12)
  t.same(top.filter((q) => !q.graded).map((q) => q.ref), ['9', '10'])
  t.equal(top[4]?.title, 'How good is the force at investigating crime?')
  t.equal(questions.filter((q) => q.parentRef === '5').length, 4, 'question 5 has four topic areas')
  t.equal(questions.length - top.length, 59, '59 topic areas in all')

  const topic = (await request({ method: 'GET', url: '/v1/frameworks/peel-2021/questions/5.1' })).json()
  t.equal(topic.title, 'The force understands how to carry out quality investigations on behalf of victims and their families.')
  t.same(topic.criteria, [
    {
      kind: 'characteristics_of_good',
      grade: null,
      items: [
        'The force has effective governance in place (strategy, policy and accountability) to make sure that it can address the capacity, capability and standards it needs to achieve quality investigations.'
      ]
    }
  ])
  const recording = (await request({ method: 'GET', url: '/v1/frameworks/peel-2021/questions/1.3' })).json()
  t.equal(recording.title, "The force's crime recording can be trusted.")
  t.equal(recording.criteria[0].items.length, 3)
})

t.test('PEEL 2023-25 and 2025-27 (003)', async (t) => {
  const areas = await allQuestions('peel-2023')
  t.equal(areas.length, 12)
  t.equal(areas.find((a) => a.ref === '1')?.title, 'Police powers and treating the public fairly and respectfully')
  t.same(areas.filter((a) => !a.graded).map((a) => a.ref), ['12'], 'the service to victims is assessed but not graded')
  const next = await allQuestions('peel-2025')
  t.equal(next.length, 9)
  t.equal(next[0]?.title, 'How good is the force at leadership and force management?')
  t.equal(next[8]?.title, 'How good is the force at providing a safe and lawful custody environment?')
})

t.test('questions filter by parent and grading, and page in document order', async (t) => {
  const children = (await request({ method: 'GET', url: '/v1/frameworks/peel-2018/questions?parentRef=1.1' })).json()
  t.same(children.items.map((q: Question) => q.ref), ['1.1.1', '1.1.2'])
  const ungraded = (await request({ method: 'GET', url: '/v1/frameworks/peel-2021/questions?parentRef=top&graded=false' })).json()
  t.same(ungraded.items.map((q: Question) => q.ref), ['9', '10'])

  const refs: string[] = []
  let cursor: string | null = null
  do {
    const query: Record<string, string> = cursor ? { limit: '20', cursor } : { limit: '20' }
    const page: { items: Question[]; nextCursor: string | null } = (
      await request({ method: 'GET', url: '/v1/frameworks/peel-2021/questions', query })
    ).json()
    refs.push(...page.items.map((q: Question) => q.ref))
    cursor = page.nextCursor
  } while (cursor)
  t.same(refs, (await allQuestions('peel-2021')).map((q) => q.ref), 'pages add up to the whole list')

  t.equal((await request({ method: 'GET', url: '/v1/frameworks/peel-2021/questions/99' })).statusCode, 404)
  t.equal((await request({ method: 'GET', url: '/v1/frameworks/peel-2021/questions/one' })).statusCode, 400)
  t.equal((await request({ method: 'GET', url: '/v1/frameworks/peel-2099/questions' })).statusCode, 404)
})
