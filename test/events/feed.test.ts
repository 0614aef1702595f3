import t from 'tap'
import { SYSTEM_ACTOR, recordAudit } from '../../src/domain/audit/audit.repository.ts'
import { backend, buildTestApp } from '../helper.ts'

const { request, createKey, database } = await buildTestApp(t)
const keys = {
  registrar: await createKey('registrar', 'cleveland'),
  contributor: await createKey('contributor', 'cleveland'),
  viewer: await createKey('viewer', 'cleveland'),
  durham: await createKey('registrar', 'durham')
}

interface Event {
  id: string
  type: string
  entity: { type: string; id: string }
  rootId: string
  force: string | null
  data: Record<string, unknown>
  changes: Record<string, { from: unknown; to: unknown }>
  requestId: string | null
  actorKeyId: string | null
}
interface FeedPage {
  items: Event[]
  nextCursor: string
  hasMore: boolean
}

const feed = async (query: string, key?: string): Promise<FeedPage> => {
  const response = await request({ method: 'GET', url: `/v1/events?${query}`, key })
  if (response.statusCode !== 200) throw new Error(`feed answered ${response.statusCode}: ${response.body}`)
  return response.json()
}

/** Reads the feed to its end from a cursor, a few events a page. */
async function drain(cursor: string | null, query = 'force=cleveland', limit = 3, key?: string): Promise<{ events: Event[]; cursor: string }> {
  const events: Event[] = []
  let page: FeedPage
  do {
    page = await feed(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, key)
    events.push(...page.items)
    cursor = page.nextCursor
  } while (page.hasMore)
  return { events, cursor: cursor! }
}

/**
 * The events about some findings only. On a PostgreSQL server shared with other test files, the
 * feed rightly holds back events while older transactions elsewhere are still open, so events of
 * an earlier subtest may arrive after a later subtest's `start=latest`: each subtest looks at its own.
 */
const about = (events: Event[], rootIds: string[]) => events.filter((e) => rootIds.includes(e.rootId))

/**
 * Drains from a cursor, again and again, until `count` events about `rootIds` have arrived, as a
 * reader polling the feed would: on a shared server they arrive once older transactions elsewhere
 * end. Gives up after 30 s and returns what it has, for the assertion to show.
 */
async function arrived(
  cursor: string | null,
  rootIds: string[],
  count: number,
  { query = 'force=cleveland', limit = 3, key }: { query?: string; limit?: number; key?: string } = {}
): Promise<{ events: Event[]; cursor: string }> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const result = await drain(cursor, query, limit, key)
    if (about(result.events, rootIds).length >= count || Date.now() > deadline) return result
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const createFinding = async (reference: string, key = keys.registrar) => {
  const response = await request({
    method: 'POST',
    url: '/v1/findings',
    key,
    payload: { reference, kind: 'recommendation', title: `Finding ${reference}`, text: 'Text.' }
  })
  t.equal(response.statusCode, 201)
  return response.json() as { id: string; version: number }
}

t.test('every write is an event, in order, with what changed', async (t) => {
  const start = (await feed('force=cleveland&start=latest')).nextCursor
  if (backend === 'embedded') t.same((await feed(`force=cleveland&cursor=${start}`)).items, [], 'nothing after the head yet')

  const f = await createFinding('EV-1')
  const patched = await request({
    method: 'PATCH',
    url: `/v1/findings/${f.id}`,
    key: keys.registrar,
    headers: { 'if-match': `"${f.version}"` },
    payload: { forceLead: 'ACC Crime', title: 'Finding EV-1, retitled' }
  })
  t.equal(patched.statusCode, 200)
  const update = await request({
    method: 'POST',
    url: `/v1/findings/${f.id}/updates`,
    key: keys.contributor,
    payload: { position: 'Started.', activities: 'Planning.', evidence: [], ongoingActions: [] }
  })
  t.equal(update.statusCode, 201)

  const events = about((await arrived(start, [f.id], 3, { limit: 1 })).events, [f.id])
  t.same(
    events.map((e) => e.type),
    ['finding.create', 'finding.update', 'progress_update.create'],
    'one event per write, in the order written'
  )
  const [created, changed, posted] = events as [Event, Event, Event]
  t.equal(created.entity.id, f.id)
  t.equal(created.data.reference, 'EV-1')
  t.same(created.changes, {})
  t.same(changed.changes.forceLead, { from: null, to: 'ACC Crime' })
  t.same(changed.changes.title, { from: 'Finding EV-1', to: 'Finding EV-1, retitled' })
  t.same(changed.changes.version, { from: 1, to: 2 })
  t.notOk('updatedAt' in changed.changes, 'updatedAt always changes and is left out')
  t.equal(posted.rootId, f.id, 'an update belongs to its finding')
  t.equal(posted.entity.type, 'progress_update')
  t.equal(patched.headers['x-request-id'], changed.requestId, 'the event names the request that made it')
  t.ok(Number(changed.id) > Number(created.id))
})

t.test('a cursor resumes exactly where the reader stopped', async (t) => {
  const before = await drain(null)
  const ids: string[] = []
  for (const reference of ['EV-2', 'EV-3', 'EV-4', 'EV-5']) ids.push((await createFinding(reference)).id)
  const pageWise = await arrived(before.cursor, ids, 4)
  t.same(about(pageWise.events, ids).map((e) => e.data.reference), ['EV-2', 'EV-3', 'EV-4', 'EV-5'], 'nothing missed, nothing twice')
  const whole = await drain(null, 'force=cleveland', 1000)
  t.same(about(whole.events, ids).map((e) => e.id), about(pageWise.events, ids).map((e) => e.id), 'pages join up to the whole feed')
  t.equal(new Set(whole.events.map((e) => e.id)).size, whole.events.length)
  const again = await feed(`force=cleveland&cursor=${pageWise.cursor}`)
  t.same(again.items, [], 'an empty page keeps the cursor')
  t.equal(again.nextCursor, pageWise.cursor)
  t.equal(again.hasMore, false)
})

t.test('types filter by exact type and by entity', async (t) => {
  const start = (await feed('force=cleveland&start=latest')).nextCursor
  const f = await createFinding('EV-6')
  await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.contributor, payload: { position: 'p', activities: 'a', evidence: [], ongoingActions: [] } })
  await arrived(start, [f.id], 2)
  const typed = async (types: string) => about((await drain(start, `force=cleveland&${types}`, 1000)).events, [f.id]).map((e) => e.type)
  t.same(await typed('types=progress_update.create'), ['progress_update.create'])
  t.same(await typed('types=finding.*'), ['finding.create'])
  t.same(await typed('types=finding.*&types=progress_update.*'), ['finding.create', 'progress_update.create'])
  t.same(await typed('types=*'), ['finding.create', 'progress_update.create'])
  const bad = await request({ method: 'GET', url: '/v1/events?types=finding' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ in: 'query', field: 'types.0' }])
})

t.test('each force sees its own events; keys and webhooks stay out of the feed', async (t) => {
  const start = (await feed('start=latest')).nextCursor
  const ids = [(await createFinding('EV-D1', keys.durham)).id, (await createFinding('EV-7')).id]
  await createKey('viewer', 'cleveland')
  const national = (await arrived(start, ids, 2, { query: '', limit: 1000 })).events
  t.same(about(national, ids).map((e) => e.force), ['durham', 'cleveland'], 'a national key sees every force')
  t.notOk(national.some((e) => e.entity.type === 'api_key'), 'no key events')
  const mine = (await arrived(start, ids, 1, { query: '', limit: 1000, key: keys.viewer })).events
  t.same(about(mine, ids).map((e) => e.data.reference), ['EV-7'], 'a force key sees its own force without naming it')
  t.ok(mine.every((e) => e.force === 'cleveland'), 'and nothing else')
  const other = await request({ method: 'GET', url: '/v1/events?force=durham', key: keys.viewer })
  t.equal(other.statusCode, 403)
})

t.test('bad cursors are refused by name', async (t) => {
  for (const cursor of ['nonsense', Buffer.from('["x",1]').toString('base64url'), Buffer.from('["1",-1]').toString('base64url')]) {
    const response = await request({ method: 'GET', url: `/v1/events?cursor=${cursor}` })
    t.equal(response.statusCode, 400, cursor)
    t.match(response.json().errors, [{ in: 'query', field: 'cursor' }])
  }
})

t.test('a transaction that commits late is neither skipped nor shown early', { skip: backend === 'embedded' && 'the embedded database runs one transaction at a time' }, async (t) => {
  const { cursor: start } = await drain(null, 'force=cleveland', 1000)
  const entry = (id: string) => ({ entityType: 'inspection', entityId: id, action: 'update', force: 'cleveland', after: { id } })
  let release!: () => void
  let began!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const begun = new Promise<void>((resolve) => (began = resolve))
  // A begins and writes first, but commits last.
  const slow = database.db.transaction().execute(async (trx) => {
    await recordAudit(trx, SYSTEM_ACTOR, entry('slow'))
    began()
    await gate
  })
  await begun
  await database.db.transaction().execute((trx) => recordAudit(trx, SYSTEM_ACTOR, entry('fast')))
  const mine = (page: FeedPage) => page.items.map((e) => e.entity.id).filter((id) => id === 'slow' || id === 'fast')
  const during = await feed(`force=cleveland&cursor=${start}`)
  t.same(mine(during), [], 'the later transaction waits behind the one still running')
  release()
  await slow
  const after = await arrived(start, ['slow', 'fast'], 2, { limit: 1000 })
  t.same(after.events.map((e) => e.entity.id).filter((id) => id === 'slow' || id === 'fast'), ['slow', 'fast'], 'both arrive, in the order their transactions began')
})
