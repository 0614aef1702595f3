import { sql } from 'kysely'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { recordAudit } from '../../src/domain/audit/audit.repository.ts'
import { changedSince } from '../../src/domain/events/events.repository.ts'
import { PageCache, pageKey } from '../../src/domain/shared/page-cache.ts'
import { serverOptions } from '../../src/server-options.ts'
import { ADMIN_KEY, backend, buildTestApp, loadExample, snapshotNow, testConfig } from '../helper.ts'

const { app, request, database, createKey } = await buildTestApp(t)
await loadExample(database)
const db = database.db
const registrar = await createKey('registrar', 'cleveland')
const durham = await createKey('registrar', 'durham')
const viewer = await createKey('viewer', 'cleveland')
const approver = await createKey('approver', 'cleveland')

// The same database through an app with no cache: what every page should say.
const uncached = await buildApp({ server: serverOptions(testConfig()), database, pageCache: { maxBytes: 0, maxAgeMs: 0 } })
t.teardown(() => uncached.close())

async function get(url: string, key: string = ADMIN_KEY) {
  const response = await request({ method: 'GET', url, key })
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`)
  return { status: String(response.headers['cache-status']), body: response.body }
}
async function truth(url: string) {
  const response = await uncached.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN_KEY}` } })
  if (response.statusCode !== 200 || response.headers['cache-status'] !== 'peel-register; fwd=bypass') throw new Error(`${url}: ${response.statusCode} ${response.body}`)
  return response.body
}
async function findingsOf(force: string): Promise<Array<{ id: string; version: number }>> {
  return JSON.parse(await truth(`/v1/findings?force=${force}&limit=500`)).items
}

t.test('a page asked for again comes from the cache, the same to the byte', async (t) => {
  const url = '/v1/findings?force=cleveland&status=open&limit=20'
  const first = await get(url)
  t.equal(first.status, 'peel-register; fwd=miss; stored')
  const second = await get(url)
  t.equal(second.status, 'peel-register; hit')
  t.equal(second.body, first.body)
  t.equal(second.body, await truth(url))
  t.equal((await get('/v1/findings?limit=20&status=open&force=cleveland')).status, 'peel-register; hit', 'whatever the order of the parameters')
  t.equal((await get('/v1/findings?force=cleveland&status=open&limit=21')).status, 'peel-register; fwd=miss; stored', 'another page size is another page')
  t.equal((await get('/v1/findings?status=open&limit=20', viewer)).status, 'peel-register; hit', "a force key's own register is the same page")
  const dated = await get('/v1/findings?force=cleveland&status=open&limit=20&asOf=2020-01-01')
  t.equal(dated.status, 'peel-register; fwd=miss; stored', 'another date is another page (overdue depends on it)')
  t.equal(dated.body, await truth('/v1/findings?force=cleveland&status=open&limit=20&asOf=2020-01-01'))
})

t.test('every kind of write to a register is seen by the next read of its pages, and only of its pages', async (t) => {
  const urls = [
    '/v1/findings?force=cleveland&limit=500',
    '/v1/findings?force=cleveland&status=open&status=closure_requested&limit=10',
    '/v1/findings?force=cleveland&category=local_peel&limit=500',
    '/v1/findings?force=cleveland&q=victims&limit=10',
    '/v1/findings?limit=50&sort=-updatedAt'
  ]
  const durhamUrl = '/v1/findings?force=durham&limit=50'
  const check = async (what: string, durhamChanged = false) => {
    for (const url of urls) t.equal((await get(url)).body, await truth(url), `${what}: ${url}`)
    const durhamPage = await get(durhamUrl)
    t.equal(durhamPage.body, await truth(durhamUrl), `${what}: ${durhamUrl}`)
    if (!durhamChanged) t.equal(durhamPage.status, 'peel-register; hit', `${what}: Durham's page is still a hit`)
    // Read twice: the second read of each is from the cache, and still right.
    for (const url of urls) t.equal((await get(url)).status, 'peel-register; hit', `${what}: ${url} is kept again`)
  }
  // Durham's register needs a finding for its page to be kept (an empty page is built each time).
  t.equal((await request({ method: 'POST', url: '/v1/findings', key: durham, payload: { reference: 'PC-D0', kind: 'recommendation', title: 'Durham', text: 'Durham.' } })).statusCode, 201)
  await check('before any write', true)

  const first = (await findingsOf('cleveland'))[0]!
  const patched = await request({ method: 'PATCH', url: `/v1/findings/${first.id}`, key: registrar, payload: { title: 'Renamed by the cache test' }, headers: { 'if-match': `"${first.version}"` } })
  t.equal(patched.statusCode, 200)
  await check('a finding changed')

  const created = await request({ method: 'POST', url: '/v1/findings', key: registrar, payload: { reference: 'PC-1', kind: 'area_for_improvement', title: 'Victims first', text: 'Victims first.' } })
  t.equal(created.statusCode, 201)
  await check('a finding added')

  const closure = await request({ method: 'POST', url: '/v1/closure-requests', key: registrar, payload: { findingId: created.json().id, summary: 'Done.' } })
  t.equal(closure.statusCode, 201)
  await check('a closure request made (the finding follows it)')

  const inspections = (await request({ method: 'GET', url: '/v1/inspections?force=cleveland&category=local_peel' })).json().items
  t.ok(inspections.length > 0, 'the example has local PEEL inspections')
  const inspection = inspections[0]
  const moved = await request({ method: 'PATCH', url: `/v1/inspections/${inspection.id}`, key: registrar, payload: { category: 'other_national_thematic' }, headers: { 'if-match': `"${inspection.version}"` } })
  t.equal(moved.statusCode, 200)
  await check('an inspection moved to another category (its findings leave the category filter)')

  const requestId = closure.json().id
  const move = (action: string, key: string, note?: string) =>
    request({ method: 'POST', url: `/v1/closure-requests/${requestId}/transitions`, key, payload: note ? { action, note } : { action } })
  t.equal((await move('submit', registrar)).statusCode, 200)
  t.equal((await move('approve', approver)).statusCode, 200)
  t.equal((await move('send_to_fll', registrar)).statusCode, 200)
  t.equal((await move('close', registrar, 'Closed on the portal')).statusCode, 200)
  await check('the finding closed by its closure request')

  const other = await request({ method: 'POST', url: '/v1/findings', key: durham, payload: { reference: 'PC-D', kind: 'recommendation', title: 'Durham', text: 'Durham.' } })
  t.equal(other.statusCode, 201)
  for (const url of urls.slice(0, 4)) t.equal((await get(url)).status, 'peel-register; hit', `Durham's write leaves ${url} cached`)
  t.equal((await get(urls[4]!)).status, 'peel-register; fwd=stale; stored', 'but not the page across forces')
  t.equal((await get(durhamUrl)).body, await truth(durhamUrl))

  await loadExample(database)
  await check('the register imported again')
})

t.test('a transaction that began before the page was read and commits after it is not missed', async (t) => {
  if (backend === 'embedded') {
    t.pass('skipped on the embedded database: it has one connection, so no transaction can stay open while a page is read')
    return
  }
  const url = '/v1/findings?force=cleveland&limit=500'
  const [a, b] = (await findingsOf('cleveland')) as [{ id: string; version: number }, { id: string; version: number }]
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let begun!: () => void
  const started = new Promise<void>((resolve) => (begun = resolve))
  // The slow writer takes its transaction id first...
  const slow = db.transaction().execute(async (trx) => {
    await sql`update findings set title = 'Slow writer', version = version + 1 where id = ${a.id}`.execute(trx)
    await recordAudit(trx, { keyId: null, requestId: 'test:slow' }, { entityType: 'finding', entityId: a.id, action: 'update', force: 'cleveland' })
    begun()
    await held
  })
  await started
  // ...then a quick one commits, and the page is read: it shows the quick write, not the slow one.
  const quick = await request({ method: 'PATCH', url: `/v1/findings/${b.id}`, key: registrar, payload: { title: 'Quick writer' }, headers: { 'if-match': `"${b.version}"` } })
  t.equal(quick.statusCode, 200)
  const during = await get(url)
  t.match(during.body, /Quick writer/)
  t.notMatch(during.body, /Slow writer/)
  t.equal((await get(url)).status, 'peel-register; hit', 'still right while the slow writer has not committed')
  release()
  await slow
  const after = await get(url)
  t.equal(after.status, 'peel-register; fwd=stale; stored')
  t.match(after.body, /Slow writer/)
  t.equal(after.body, await truth(url))
})

t.test('changedSince: what counts as a change to a register', async (t) => {
  const actor = { keyId: null, requestId: 'test:changed' }
  const audit = (entityType: string, force: string | null) =>
    db.transaction().execute((trx) => recordAudit(trx, actor, { entityType, entityId: '00000000-0000-4000-8000-000000000000', action: 'update', force }))

  let snapshot = await snapshotNow(db)
  t.same(await changedSince(db, 'cleveland', snapshot).then((c) => c.changed), false, 'nothing since')
  await audit('finding', 'cleveland')
  t.equal((await changedSince(db, 'cleveland', snapshot)).changed, true, "a change to the force's register")
  t.equal((await changedSince(db, null, snapshot)).changed, true, 'which is a change to the national picture')
  t.equal((await changedSince(db, 'durham', snapshot)).changed, false, 'but not to another force')
  const check = await changedSince(db, 'cleveland', snapshot)
  t.equal((await changedSince(db, 'cleveland', check.now)).changed, false, 'the snapshot a check reads with has seen it')

  snapshot = await snapshotNow(db)
  await audit('api_key', 'cleveland')
  await audit('webhook', null)
  t.equal((await changedSince(db, 'cleveland', snapshot)).changed, false, 'keys and webhooks are in no register')
  t.equal((await changedSince(db, null, snapshot)).changed, false)
  await audit('inspection', null)
  t.equal((await changedSince(db, 'durham', snapshot)).changed, true, 'an entry with no force counts for every force')

  snapshot = await snapshotNow(db)
  await db.transaction().execute(async (trx) => {
    await recordAudit(trx, actor, { entityType: 'finding', entityId: '00000000-0000-4000-8000-000000000000', action: 'update', force: 'cleveland' })
    throw new Error('rolled back')
  }).catch(() => undefined)
  t.equal((await changedSince(db, 'cleveland', snapshot)).changed, false, 'a transaction rolled back changed nothing')
})

t.test('the cache keeps to its size, least recently used out first, and to its age', async (t) => {
  let now = 0
  const cache = new PageCache({ maxBytes: 800, maxAgeMs: 1000 }, () => now)
  const builds: string[] = []
  const page = (key: string, size = 100) =>
    cache.page(db, 'cleveland', key, async () => {
      builds.push(key)
      return { body: key.padEnd(size, '.'), snapshot: await snapshotNow(db) }
    })
  for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) t.equal((await page(key)).outcome, 'miss')
  t.equal(cache.size, 800)
  t.equal((await page('a')).outcome, 'hit', 'a is now the most recently used')
  await page('i')
  t.equal(cache.size, 800)
  t.equal((await page('a')).outcome, 'hit')
  t.equal((await page('b')).outcome, 'miss', 'b was the least recently used, and went')
  const big = await page('big', 101)
  t.same([big.outcome, big.stored], ['miss', false], 'a page over an eighth of the cache is not kept')
  t.equal((await page('big', 101)).outcome, 'miss')

  now = 999
  t.equal((await page('a')).outcome, 'hit')
  now = 1000 + 999
  const aged = await page('a')
  t.same([aged.outcome, aged.stored], ['stale', true], 'kept no longer than its age, whatever the database says')
  t.equal((await page('a')).outcome, 'hit')
  t.equal((await page('a')).body.toString(), 'a'.padEnd(100, '.'))
  t.equal(builds.filter((key) => key === 'a').length, 2, 'built once, and once more when too old')

  const off = new PageCache({ maxBytes: 0, maxAgeMs: 1000 })
  t.same(await off.page(db, null, 'x', async () => ({ body: 'x', snapshot: null })), { body: Buffer.from('x'), outcome: 'bypass', stored: false })
})

t.test('a page whose statement could not name its snapshot (no rows) is kept only under a check just made', async (t) => {
  const cache = new PageCache({ maxBytes: 1000, maxAgeMs: 60_000 })
  const page = (snapshot: string | null) => cache.page(db, 'cleveland', 'empty', async () => ({ body: '{"items":[],"nextCursor":null}', snapshot }))
  t.same(await page(null).then((p) => [p.outcome, p.stored]), ['miss', false], 'never asked for before: nothing to keep it under')
  t.same(await page(null).then((p) => [p.outcome, p.stored]), ['miss', false])
  t.same(await page(await snapshotNow(db)).then((p) => [p.outcome, p.stored]), ['miss', true])
  await db.transaction().execute((trx) =>
    recordAudit(trx, { keyId: null, requestId: 'test:empty' }, { entityType: 'finding', entityId: '00000000-0000-4000-8000-000000000000', action: 'update', force: 'cleveland' })
  )
  t.same(await page(null).then((p) => [p.outcome, p.stored]), ['stale', true], "kept under the check's snapshot")
  t.equal((await page(null)).outcome, 'hit')
  const empty = '/v1/findings?force=cleveland&reference=NO-SUCH-REFERENCE'
  t.equal((await get(empty)).status, 'peel-register; fwd=miss')
  t.equal((await get(empty)).status, 'peel-register; fwd=miss', 'an empty page is built each time: cheap, and never wrong')
  t.equal((await get(empty)).body, await truth(empty))
})

t.test('a failed build is not kept', async (t) => {
  const cache = new PageCache({ maxBytes: 1000, maxAgeMs: 1000 })
  await t.rejects(cache.page(db, null, 'k', async (): Promise<never> => Promise.reject(new Error('bad cursor'))), /bad cursor/)
  t.equal(cache.size, 0)
  for (const time of ['first', 'second']) {
    const refused = await request({ method: 'GET', url: '/v1/findings?force=cleveland&cursor=nonsense' })
    t.equal(refused.statusCode, 400, `refused the ${time} time`)
    t.equal(refused.headers['cache-status'], undefined)
  }
})

t.test('pageKey does not depend on the order of the parameters', async (t) => {
  t.equal(pageKey({ a: 1, b: ['x', 'y'], c: undefined }), pageKey({ b: ['x', 'y'], a: 1 }))
  t.not(pageKey({ b: ['x', 'y'] }), pageKey({ b: ['y', 'x'] }))
})

t.test('PAGE_CACHE_MB: 32 by default, 0 turns the cache off', async (t) => {
  t.equal(loadConfig({}).pageCacheMb, 32)
  t.equal(loadConfig({ PAGE_CACHE_MB: '0' }).pageCacheMb, 0)
  t.throws(() => loadConfig({ PAGE_CACHE_MB: '2000' }), /PAGE_CACHE_MB must be between 0 and 1024, got 2000/)
  const off = await buildTestApp(t, { pageCacheMb: 0 })
  const response = await off.request({ method: 'GET', url: '/v1/findings?force=cleveland' })
  t.equal(response.headers['cache-status'], 'peel-register; fwd=bypass')
  t.equal(app.pageCache instanceof PageCache, true)
})
