import { randomBytes, randomUUID } from 'node:crypto'
import t from 'tap'
import { buildTestApp, loadExample } from '../helper.ts'
import { operations } from '../fuzz/contract.ts'
import { CRAFTED_CURSORS, cursorOf } from '../fuzz/generators.ts'

// Every operation that takes a cursor, sent cursors no list ever returned: each must be a 400
// naming `cursor`, never a 500 from the database meeting a value of the wrong type.
const app = await buildTestApp(t)
await loadExample(app.database)
/** Set-up through the API; a refusal stops the file (no assertion may come before the subtests). */
async function made(options: { url: string; payload: object }) {
  const response = await app.request({ method: 'POST', ...options })
  if (response.statusCode !== 201) throw new Error(`POST ${options.url}: ${response.body}`)
}
// A second page everywhere the example register has only one row, or none.
await app.createKey('viewer', 'cleveland', 'cursor-1')
await app.createKey('viewer', 'cleveland', 'cursor-2')
for (const name of ['Board', 'Delivery group']) await made({ url: '/v1/governance-groups', payload: { force: 'cleveland', name, chair: null, meetingFrequency: null } })
for (const url of ['https://example.org/hook', 'https://example.org/other']) await made({ url: '/v1/webhooks', payload: { force: 'cleveland', url, eventTypes: ['*'] } })
const finding = (await app.request({ method: 'GET', url: '/v1/findings?limit=1' })).json().items[0]
for (const position of ['First', 'Second']) {
  await made({ url: `/v1/findings/${finding.id}/updates`, payload: { position, activities: 'Dip sample.', evidence: [], ongoingActions: [] } })
}

const withCursor = operations().filter((op) => op.parameters.some((p) => p.in === 'query' && p.name === 'cursor'))

async function firstItem(collection: string): Promise<Record<string, unknown> | undefined> {
  const response = await app.request({ method: 'GET', url: collection })
  const body = response.json() as { items?: Record<string, unknown>[] }
  return body.items?.[0]
}

/** The operation's path with real values: each parameter taken from the first item of the collection before it. */
async function realPath(path: string): Promise<string> {
  let resolved = ''
  for (const segment of path.split('/').slice(1)) {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1]
    if (name === undefined) {
      resolved += `/${segment}`
      continue
    }
    const item = await firstItem(resolved)
    resolved += `/${encodeURIComponent(String(item?.[name] ?? item?.id ?? 'missing'))}`
  }
  return resolved
}

/** A cursor a list really returned: a page of one, from the whole history where the list is a feed. */
async function realCursor(path: string): Promise<string | null> {
  const response = await app.request({ method: 'GET', url: `${path}?limit=1` })
  return (response.json() as { nextCursor?: string | null }).nextCursor ?? null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const INSTANT = /Z$/

/**
 * A real cursor with one value changed to something no column of its kind takes: whatever the
 * value is, text with NUL or a lone surrogate, or another JSON type; a UUID that is not one; an
 * instant past year 9999; digits past the range of xid8 or bigint where the list is the feed or a
 * history; an integer past int4, or a fraction.
 */
function mutations(cursor: string, path: string): string[] {
  const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
  const out: string[] = []
  values.forEach((value, i) => {
    const swaps: unknown[] = [null, true, [], {}]
    if (typeof value === 'number') swaps.push(2 ** 53, 1e308, 1.5, String(value), ...(path.includes('/events') ? [-1] : [2 ** 31]))
    if (typeof value === 'string') {
      swaps.push(`${value}\u0000`, `\ud800${value}`, 7)
      if (UUID.test(value)) swaps.push('not-a-uuid', `${value}0`)
      if (INSTANT.test(value)) swaps.push('+275760-09-13T00:00:00.000Z', '-004714-01-01T00:00:00.000Z', 'yesterday')
      if (/^\d+$/.test(value) && (path.includes('/events') || path.endsWith('/history'))) swaps.push('18446744073709551616', '9'.repeat(21), `-${value}`)
    }
    for (const swap of swaps) out.push(cursorOf(values.map((v, j) => (j === i ? swap : v))))
  })
  return out
}

t.test('every list that takes a cursor is tried', async (t) => {
  t.ok(withCursor.length >= 14, `${withCursor.length} operations take a cursor`)
})
for (const op of withCursor) {
  t.test(op.id, async (t) => {
    const path = await realPath(op.path)
    // Lists the example cannot fill (closure requests, deliveries) are ordered by (created_at, id).
    const real = (await realCursor(path)) ?? cursorOf([new Date().toISOString(), randomUUID()])
    const first = await app.request({ method: 'GET', url: `${path}?limit=1&cursor=${real}` })
    t.equal(first.statusCode, 200, 'a cursor it returned works')

    const crafted = [...CRAFTED_CURSORS, ...mutations(real!, path), randomBytes(24).toString('base64url'), randomBytes(40).toString('base64')]
    const failures: string[] = []
    for (const cursor of crafted) {
      const response = await app.request({ method: 'GET', url: `${path}?cursor=${encodeURIComponent(cursor)}` })
      const body = response.json() as { errors?: { in: string; field: string }[] }
      const named = body.errors?.some((e) => e.in === 'query' && e.field === 'cursor')
      if (response.statusCode !== 400 || !named) failures.push(`${Buffer.from(cursor, 'base64url').toString('utf8').slice(0, 60)} -> ${response.statusCode} ${response.body.slice(0, 120)}`)
    }
    t.same(failures, [], `${crafted.length} crafted cursors, each a 400 naming cursor`)
  })
}

t.test('the cursors from the report: a pair of words, a NUL, a transaction id past xid8', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['/v1/findings', ['x', 'y']],
    ['/v1/findings', ['\u0000', '00000000-0000-4000-8000-000000000000']],
    [`/v1/findings/${String(finding.id)}/history`, ['\u0000']],
    [`/v1/findings/${String(finding.id)}/history`, ['99999999999999999999']],
    ['/v1/events', ['99999999999999999999', 1]],
    ['/v1/events', ['18446744073709551616', 0]]
  ]
  for (const [path, values] of cases) {
    const response = await app.request({ method: 'GET', url: `${path}?cursor=${cursorOf(values)}` })
    t.equal(response.statusCode, 400, `${path} ${JSON.stringify(values)}`)
    t.same(response.json().errors, [{ in: 'query', field: 'cursor', message: 'is not a cursor this list returned' }])
  }
})
