import t from 'tap'
import { compose } from '../../src/domain/crosswalk/crosswalk.service.ts'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t)

interface Key {
  framework: string
  ref: string
}
interface Item {
  from: Key & { title: string }
  to: Key & { title: string }
  relation: string
  paths: Array<{ relation: string; steps: Array<{ from: Key; to: Key; relation: string; rationale: string }> }>
}

async function walk(query: string): Promise<{ items: Item[]; unmatched: Key[] }> {
  const response = await request({ method: 'GET', url: `/v1/crosswalk?${query}` })
  t.equal(response.statusCode, 200, query)
  return response.json()
}

const has = (items: Item[], from: string, to: string, relation?: string) =>
  items.some((i) => i.from.ref === from && i.to.ref === to && (relation === undefined || i.relation === relation))

t.test('composing relations along a chain', async (t) => {
  t.equal(compose('same', 'broader'), 'broader')
  t.equal(compose('narrower', 'same'), 'narrower')
  t.equal(compose('broader', 'broader'), 'broader')
  t.equal(compose('narrower', 'narrower'), 'narrower')
  t.equal(compose('broader', 'narrower'), 'overlaps')
  t.equal(compose('overlaps', 'overlaps'), 'overlaps')
  t.equal(compose('same', 'same'), 'same')
})

t.test('curated links between consecutive versions, as judged from the question texts', async (t) => {
  const a = await walk('from=peel-2018&to=peel-2021')
  t.ok(has(a.items, '1', '3', 'broader'), '2018 prevention → 2021 preventing crime, ASB and vulnerability')
  t.ok(a.items.every((i) => i.paths.every((p) => p.steps.length === 1)), 'consecutive versions: one step')
  const b = await walk('from=peel-2021&to=peel-2023')
  t.ok(has(b.items, '1.3', '9'), 'crime recording (2021 topic area 1.3) → recording data about crime')
  t.ok(has(b.items, '11.6', '10'), 'counter-corruption → vetting and counter corruption')
  t.ok(has(b.items, '12', '8'), 'strategic planning → leadership and force management')
  const c = await walk('from=peel-2023&to=peel-2025')
  t.ok(has(c.items, '1', '3'), 'police powers → using its powers fairly')
})

t.test('links chain across versions, each path composed step by step', async (t) => {
  const { items } = await walk('from=peel-2018&to=peel-2025')
  t.ok(items.length > 0)
  for (const item of items) {
    t.equal(item.from.framework, 'peel-2018')
    t.equal(item.to.framework, 'peel-2025')
    t.ok(item.to.title.length > 0)
    for (const path of item.paths) {
      t.same(path.steps.map((s) => s.from.framework), ['peel-2018', 'peel-2021', 'peel-2023'])
      t.equal(path.steps[0]?.from.ref, item.from.ref)
      t.equal(path.steps.at(-1)?.to.ref, item.to.ref)
      for (let i = 1; i < path.steps.length; i++) t.same(path.steps[i]?.from, path.steps[i - 1]?.to, 'steps join up')
      t.equal(path.relation, path.steps.map((s) => s.relation as Parameters<typeof compose>[0]).reduce(compose))
    }
    t.ok(item.paths.some((p) => p.relation === item.relation), 'the item shows a relation one of its paths gives')
  }
})

t.test('walking backwards gives the same pairs with relations inverted', async (t) => {
  const forward = await walk('from=peel-2021&to=peel-2023')
  const backward = await walk('from=peel-2023&to=peel-2021')
  const inverse: Record<string, string> = { same: 'same', broader: 'narrower', narrower: 'broader', overlaps: 'overlaps' }
  const fw = forward.items.map((i) => `${i.from.ref}>${i.to.ref}:${inverse[i.paths[0]!.relation]}`).sort()
  const bw = backward.items.map((i) => `${i.to.ref}>${i.from.ref}:${i.paths[0]!.relation}`).sort()
  t.same(bw, fw)
})

t.test('a question and the questions under it', async (t) => {
  const { items } = await walk('from=peel-2021&to=peel-2023&ref=11')
  t.ok(items.every((i) => i.from.ref === '11' || i.from.ref.startsWith('11.')))
  t.ok(has(items, '11.6', '10'), 'reaches vetting through topic area 11.6')
  t.equal((await request({ method: 'GET', url: '/v1/crosswalk?from=peel-2021&to=peel-2023&ref=99' })).statusCode, 404)
})

t.test('every top-level question of every version is linked or explained', async (t) => {
  const linked = new Set<string>()
  for (const query of ['from=peel-2018&to=peel-2021', 'from=peel-2021&to=peel-2023', 'from=peel-2023&to=peel-2025']) {
    const { items, unmatched } = await walk(query)
    for (const i of items) for (const p of i.paths) for (const s of p.steps) linked.add(`${s.from.framework} ${s.from.ref.split('.')[0]}`).add(`${s.to.framework} ${s.to.ref.split('.')[0]}`)
    for (const u of unmatched) linked.add(`${u.framework} ${u.ref}`)
  }
  for (const key of ['peel-2018', 'peel-2021', 'peel-2023', 'peel-2025']) {
    const questions = (await request({ method: 'GET', url: `/v1/frameworks/${key}/questions?parentRef=top&limit=500` })).json().items
    for (const q of questions) t.ok(linked.has(`${key} ${q.ref}`), `${key} ${q.ref} is linked or listed as unmatched`)
  }
})

t.test('bad versions are refused by field', async (t) => {
  const same = await request({ method: 'GET', url: '/v1/crosswalk?from=peel-2021&to=peel-2021' })
  t.equal(same.statusCode, 400)
  t.equal(same.json().errors[0].field, 'to')
  const unknown = await request({ method: 'GET', url: '/v1/crosswalk?from=peel-2019&to=peel-2021' })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().errors[0].field, 'from')
  const missing = await request({ method: 'GET', url: '/v1/crosswalk?from=peel-2021' })
  t.same(missing.json().errors, [{ in: 'query', field: 'to', message: 'is required' }])
})
