import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t)

interface Force {
  code: string
  name: string
  country: string
}

t.test('lists the 43 territorial forces of England and Wales, walking the pages', async (t) => {
  const seen: Force[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const query: Record<string, string> = { limit: '10', ...(cursor ? { cursor } : {}) }
    const response = await request({ method: 'GET', url: '/v1/forces', query })
    t.equal(response.statusCode, 200)
    const body = response.json<{ items: Force[]; nextCursor: string | null }>()
    seen.push(...body.items)
    cursor = body.nextCursor
    pages++
  } while (cursor !== null && pages < 10)
  t.equal(pages, 5, '43 forces in pages of 10')
  t.equal(seen.length, 43)
  t.equal(new Set(seen.map((f) => f.code)).size, 43, 'no force twice')
  const codes = seen.map((f) => f.code)
  t.same(codes, [...codes].sort(), 'ordered by code')
  for (const code of ['cleveland', 'avon-and-somerset', 'metropolitan', 'city-of-london', 'hampshire-and-isle-of-wight']) {
    t.ok(codes.includes(code), `has ${code}`)
  }
  t.equal(seen.filter((f) => f.country === 'wales').length, 4, 'four Welsh forces')
})

t.test('filters by country', async (t) => {
  const response = await request({ method: 'GET', url: '/v1/forces?country=wales' })
  t.same(
    response.json().items.map((f: Force) => f.code),
    ['dyfed-powys', 'gwent', 'north-wales', 'south-wales']
  )
  const bad = await request({ method: 'GET', url: '/v1/forces?country=scotland' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].field, 'country')
})

t.test('one force by code, and 404 for an unknown code', async (t) => {
  const response = await request({ method: 'GET', url: '/v1/forces/cleveland' })
  t.same(response.json(), { code: 'cleveland', name: 'Cleveland Police', country: 'england' })
  const missing = await request({ method: 'GET', url: '/v1/forces/gotham' })
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /^application\/problem\+json/)
  t.equal(missing.json().detail, 'No force with code gotham.')
})

t.test('a cursor that was not issued by the list is a 400 naming the cursor', async (t) => {
  for (const cursor of ['not-a-cursor', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url')]) {
    const response = await request({ method: 'GET', url: '/v1/forces', query: { cursor } })
    t.equal(response.statusCode, 400, cursor)
    t.same(response.json().errors, [{ in: 'query', field: 'cursor', message: 'is not a cursor this list returned' }])
  }
})
