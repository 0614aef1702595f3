import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t)

interface Grading {
  force: string
  framework: string
  questionRef: string
  area: string
  grade: string | null
  assessment: string
}

async function all(query: string): Promise<Grading[]> {
  const items: Grading[] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/gradings?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`
    const body: { items: Grading[]; nextCursor: string | null } = (await request({ method: 'GET', url })).json()
    items.push(...body.items)
    cursor = body.nextCursor
  } while (cursor)
  return items
}

const cell = (rows: Grading[], force: string, ref: string) => {
  const row = rows.find((r) => r.force === force && r.questionRef === ref)
  return row?.grade ?? row?.assessment
}

t.test('PEEL 2021/22: all 43 forces, 12 areas each, cells as 003 prints them', async (t) => {
  const rows = await all('framework=peel-2021')
  t.equal(new Set(rows.map((r) => r.force)).size, 43)
  t.equal(rows.length, 43 * 12)
  t.equal(cell(rows, 'avon-and-somerset', '1'), 'ungraded')
  t.equal(cell(rows, 'avon-and-somerset', '1.3'), 'requires_improvement')
  t.equal(cell(rows, 'avon-and-somerset', '2'), 'outstanding')
  t.equal(cell(rows, 'bedfordshire', '1.3'), 'not_inspected')
  t.equal(cell(rows, 'bedfordshire', '7'), 'outstanding')
  t.equal(cell(rows, 'cleveland', '3'), 'inadequate')
  t.equal(cell(rows, 'cleveland', '12'), 'inadequate')
  t.equal(cell(rows, 'city-of-london', '4'), 'good')
  t.equal(cell(rows, 'derbyshire', '11.6'), 'not_inspected')
  const recording = rows.find((r) => r.questionRef === '1.3')
  t.equal(recording?.area, 'Recording data about crime', 'the area as the table heads it')
})

t.test('PEEL 2023-25: the 39 forces inspected, 11 areas each', async (t) => {
  const rows = await all('framework=peel-2023')
  const forces = new Set(rows.map((r) => r.force))
  t.equal(forces.size, 39)
  for (const absent of ['city-of-london', 'hampshire-and-isle-of-wight', 'south-yorkshire', 'sussex']) {
    t.notOk(forces.has(absent), `${absent} had not been inspected`)
  }
  t.equal(rows.length, 39 * 11)
  t.equal(cell(rows, 'avon-and-somerset', '1'), 'good')
  t.equal(cell(rows, 'avon-and-somerset', '9'), 'not_applicable')
  t.equal(cell(rows, 'cambridgeshire', '1'), 'outstanding')
  t.equal(cell(rows, 'cambridgeshire', '3'), 'inadequate')
  t.equal(cell(rows, 'durham', '9'), 'good')
  t.equal(cell(rows, 'durham', '11'), 'outstanding')
  t.equal(cell(rows, 'wiltshire', '1'), 'requires_improvement', 'a cell split over two lines in 003')
})

t.test('N/A, Ungraded and Not inspected are not grades', async (t) => {
  const na = await all('framework=peel-2023&assessment=not_applicable')
  t.ok(na.length > 0)
  t.ok(na.every((r) => r.grade === null))
  const onlyGrades = await all('framework=peel-2023&questionRef=11&assessment=graded')
  t.same(onlyGrades.map((r) => [r.force, r.grade]), [['durham', 'outstanding'], ['kent', 'good']], 'only two forces graded on serious organised crime')
})

t.test('filters: grade (several), force, area text', async (t) => {
  const outstanding = await all('framework=peel-2023&grade=outstanding&area=investigating')
  t.same(outstanding, [], 'no force outstanding at investigating crime in 2023-25')
  const inadequateOrRi = await all('framework=peel-2023&questionRef=4&grade=inadequate&grade=requires_improvement')
  t.equal(inadequateOrRi.length, 5 + 18)
  const cleveland = await all('force=cleveland')
  t.equal(cleveland.length, 12 + 11)
  const bad = await request({ method: 'GET', url: '/v1/gradings?grade=brilliant' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].field, 'grade.0')
})

t.test("a force's grade history across versions", async (t) => {
  const history = (await request({ method: 'GET', url: '/v1/forces/cleveland/grades' })).json()
  t.same(history.frameworks.map((f: { framework: string }) => f.framework), ['peel-2021', 'peel-2023'])
  t.equal(history.frameworks[0].grades.length, 12)
  t.match(history.frameworks[1].grades[0], { questionRef: '1', grade: 'good', assessment: 'graded' })
  const sussex = (await request({ method: 'GET', url: '/v1/forces/sussex/grades' })).json()
  t.same(sussex.frameworks.map((f: { framework: string }) => f.framework), ['peel-2021'])
  t.equal((await request({ method: 'GET', url: '/v1/forces/gotham/grades' })).statusCode, 404)
})

t.test('pages are stable and add up', async (t) => {
  const whole = await all('framework=peel-2021')
  const paged: Grading[] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/gradings?framework=peel-2021&limit=37${cursor ? `&cursor=${cursor}` : ''}`
    const body: { items: Grading[]; nextCursor: string | null } = (await request({ method: 'GET', url })).json()
    paged.push(...body.items)
    cursor = body.nextCursor
  } while (cursor)
  t.same(paged, whole)
})
