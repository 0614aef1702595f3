import t from 'tap'
import { backend, buildTestApp } from '../helper.ts'
import { INTERNALS, connectionStringOf, json, newFindingBody, openLockHolder, progressBody } from './fixture.ts'

/**
 * Every connection of the pool taken by requests that wait on a lock another session holds: a
 * further request waits at most the acquire timeout and is answered 503 with Retry-After, never
 * left hanging; the held requests complete once the lock goes.
 */
if (backend !== 'postgres') {
  t.pass('pool exhaustion is tested against a real PostgreSQL server (set DATABASE_URL)')
} else {
  const POOL_MAX = 2
  const ACQUIRE_TIMEOUT_MS = 1000
  // Generous: the machine may be busy; what matters is that the answer comes, and comes as a 503.
  const CEILING_MS = ACQUIRE_TIMEOUT_MS + 9000
  const { request, createKey, database } = await buildTestApp(t, {
    databasePoolMax: POOL_MAX,
    databaseConnectTimeoutMs: ACQUIRE_TIMEOUT_MS,
    databaseStatementTimeoutMs: 60_000
  })
  const registrar = await createKey('registrar', 'cleveland')
  const send = (options: Parameters<typeof request>[0]) => request({ key: registrar, ...options })
  const connectionString = await connectionStringOf(database)

  t.test('with every connection held, a further request is a fast 503, and the held ones complete', async (t) => {
    const { id } = (await send({ method: 'POST', url: '/v1/findings', payload: newFindingBody('POOL-1'), headers: json })).json()
    const lock = await openLockHolder(connectionString)
    t.teardown(() => lock.release())
    await lock.lockRow('findings', id)

    // Each progress update takes a connection for its transaction and waits there on the locked finding.
    const held = Array.from({ length: POOL_MAX }, (_, i) =>
      send({ method: 'POST', url: `/v1/findings/${id}/updates`, payload: progressBody(`Held ${i}`), headers: json })
    )
    await lock.untilWaiting(POOL_MAX)

    const started = Date.now()
    const refused = await send({ method: 'GET', url: '/v1/forces?limit=1' })
    const tookMs = Date.now() - started
    t.comment(`with the pool of ${POOL_MAX} held, a further request was answered ${refused.statusCode} after ${tookMs} ms (acquire timeout ${ACQUIRE_TIMEOUT_MS} ms)`)
    t.equal(refused.statusCode, 503, 'a 503, not a hang')
    t.ok(tookMs < CEILING_MS, `answered within ${CEILING_MS} ms`)
    t.equal(refused.headers['retry-after'], '5', 'with Retry-After')
    t.match(refused.headers['content-type'], /^application\/problem\+json/, 'as a problem')
    t.match(refused.json(), { type: '/problems/database-unavailable', status: 503 }, 'of type database-unavailable')
    t.notMatch(refused.body, INTERNALS, 'no driver message')
    t.equal((await request({ method: 'GET', url: '/health/live', key: null })).statusCode, 200, 'the process is alive meanwhile')

    await lock.release()
    const done = await Promise.all(held)
    t.same(done.map((r) => r.statusCode), Array(POOL_MAX).fill(201), 'the held requests complete once the lock goes')
    t.equal((await send({ method: 'GET', url: '/v1/forces?limit=1' })).statusCode, 200, 'and the pool serves again')
    t.equal((await send({ method: 'GET', url: `/v1/findings/${id}/updates` })).json().items.length, POOL_MAX, 'both updates stored')
  })
}
