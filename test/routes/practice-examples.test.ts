import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t)

interface Example {
  id: string
  framework: string
  questionRef: string
  area: string
  force: string | null
  grade: string | null
  innovative: boolean | null
  objective: string | null
  rank?: number
}

async function all(query: string): Promise<Example[]> {
  const items: Example[] = []
  let cursor: string | null = null
  do {
    const url: string = `/v1/practice-examples?${query}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const response = await request({ method: 'GET', url })
    t.equal(response.statusCode, 200)
    const body: { items: Example[]; nextCursor: string | null } = response.json()
    items.push(...body.items)
    cursor = body.nextCursor
  } while (cursor)
  return items
}

function countBy(items: Example[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const e of items) counts[e.questionRef] = (counts[e.questionRef] ?? 0) + 1
  return counts
}

t.test('every example of 2023-25, per area', async (t) => {
  const items = await all('framework=peel-2023')
  t.equal(items.length, 116)
  t.same(countBy(items), { 1: 12, 2: 34, 3: 8, 4: 10, 5: 15, 6: 11, 7: 16, 8: 10 })
  t.same(
    items.find((e) => e.force === 'cambridgeshire' && e.questionRef === '1'),
    {
      ...items.find((e) => e.force === 'cambridgeshire' && e.questionRef === '1'),
      grade: 'outstanding',
      objective: 'To promote the community scrutiny panel for stop and search and to recruit more members'
    }
  )
})

t.test('every example of 2021/22, per area', async (t) => {
  const items = await all('framework=peel-2021')
  t.equal(items.length, 161)
  t.same(countBy(items), { 2: 29, 3: 25, 4: 12, 5: 14, 6: 18, 7: 11, 11: 23, 12: 15, 1: 1, 8: 13 })
})

t.test('the practice areas keep the counts their introductions state', async (t) => {
  const areas = (await request({ method: 'GET', url: '/v1/practice-areas?framework=peel-2023' })).json().items
  t.equal(areas.length, 12)
  t.match(areas[0], { questionRef: '1', statedInnovativeCount: 11, examples: 12 })
  t.match(areas[0].summary, /11 examples of innovative practice have been identified/)
})

t.test('full-text search ranks matches, best first, and pages without repeats', async (t) => {
  const hits = await all('q=stop and search scrutiny')
  t.ok(hits.length >= 5)
  const ranks = hits.map((h) => h.rank!)
  t.same(ranks, [...ranks].sort((a, b) => b - a), 'ordered by rank')
  t.equal(new Set(hits.map((h) => h.id)).size, hits.length, 'no example twice')
  const first = (await request({ method: 'GET', url: '/v1/practice-examples?q=stop%20and%20search%20scrutiny&limit=1' })).json().items[0]
  t.match(first.objective + first.detail + first.outcome, /scrutiny/i)

  const phrase = await all('q="county lines"')
  t.ok(phrase.length > 0)
  const nothing = await all('q=zzzyzzx')
  t.same(nothing, [])
})

t.test('filters: force, area text, grade, innovative, combined with search', async (t) => {
  const cheshire = await all('force=cheshire&framework=peel-2023')
  t.ok(cheshire.length > 0 && cheshire.every((e) => e.force === 'cheshire'))
  const vulnerable = await all('area=vulnerable&framework=peel-2023')
  t.equal(vulnerable.length, 15)
  const outstanding = await all('grade=outstanding')
  t.ok(outstanding.every((e) => e.grade === 'outstanding'))
  const notInnovative = await all('innovative=false')
  t.ok(notInnovative.length > 0 && notInnovative.every((e) => e.force === 'avon-and-somerset'))
  const searchedFiltered = await all('q=domestic abuse&framework=peel-2021')
  t.ok(searchedFiltered.every((e) => e.framework === 'peel-2021'))
})

t.test('one example by id; bad ids and cursors are refused', async (t) => {
  const one = (await request({ method: 'GET', url: '/v1/practice-examples/peel-2023-001' })).json()
  t.match(one, { id: 'peel-2023-001', framework: 'peel-2023', questionRef: '1' })
  t.equal((await request({ method: 'GET', url: '/v1/practice-examples/peel-2023-999' })).statusCode, 404)
  t.equal((await request({ method: 'GET', url: '/v1/practice-examples/anything' })).statusCode, 400)
  const plainCursor = (await request({ method: 'GET', url: '/v1/practice-examples?limit=1' })).json().nextCursor
  const mixed = await request({ method: 'GET', url: `/v1/practice-examples?q=stop&cursor=${plainCursor}` })
  t.equal(mixed.statusCode, 400, "a list cursor is not a search cursor")
})
