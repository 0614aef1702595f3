import t from 'tap'
import { backend, buildTestApp } from '../helper.ts'
import { INTERNALS, connectionStringOf, openLockHolder, json, newFindingBody } from './fixture.ts'

/**
 * A statement that runs past the statement timeout (here: an update waiting on a row another
 * session holds locked) is cancelled by PostgreSQL and answered 504, with nothing of the
 * database's message; the service is healthy the moment the lock goes.
 */
if (backend !== 'postgres') {
  t.pass('statement timeouts are tested against a real PostgreSQL server (set DATABASE_URL)')
} else {
  const STATEMENT_TIMEOUT_MS = 1000
  const { request, createKey, database } = await buildTestApp(t, { databaseStatementTimeoutMs: STATEMENT_TIMEOUT_MS })
  const registrar = await createKey('registrar', 'cleveland')
  const send = (options: Parameters<typeof request>[0]) => request({ key: registrar, ...options })
  const connectionString = await connectionStringOf(database)

  t.test('a write blocked past the statement timeout is a 504 problem, and the service stays healthy', async (t) => {
    const { id } = (await send({ method: 'POST', url: '/v1/findings', payload: newFindingBody('SLOW-1'), headers: json })).json()
    const url = `/v1/findings/${id}`
    const lock = await openLockHolder(connectionString)
    t.teardown(() => lock.release())
    await lock.lockRow('findings', id)

    const started = Date.now()
    const slow = await send({ method: 'PATCH', url, payload: { forceLead: 'ACC Slow' }, headers: { ...json, 'if-match': '"1"' } })
    const tookMs = Date.now() - started
    t.comment(`the blocked PATCH was answered ${slow.statusCode} after ${tookMs} ms (statement timeout ${STATEMENT_TIMEOUT_MS} ms)`)
    t.equal(slow.statusCode, 504, 'a 504')
    t.match(slow.headers['content-type'], /^application\/problem\+json/, 'as a problem')
    t.match(slow.json(), { type: '/problems/timeout', status: 504, instance: url }, 'of type timeout')
    t.ok(slow.json().requestId, 'with the request id to quote')
    t.notMatch(slow.body, INTERNALS, 'no SQL or driver message')
    t.ok(tookMs >= STATEMENT_TIMEOUT_MS * 0.9, 'it waited for the timeout, not less')

    t.equal((await send({ method: 'GET', url })).statusCode, 200, 'reads of the locked row still work meanwhile')
    await lock.release()

    const health = await request({ method: 'GET', url: '/health/ready', key: null })
    t.equal(health.statusCode, 200, 'ready')
    const read = await send({ method: 'GET', url })
    t.equal(read.json().version, 1, 'the cancelled update changed nothing')
    const retry = await send({ method: 'PATCH', url, payload: { forceLead: 'ACC Slow' }, headers: { ...json, 'if-match': '"1"' } })
    t.equal(retry.statusCode, 200, 'the same write succeeds once the lock is gone')
    t.equal(retry.json().forceLead, 'ACC Slow', 'and is kept')
  })

  t.test('a read blocked past the statement timeout is a 504 too', async (t) => {
    const lock = await openLockHolder(connectionString)
    t.teardown(() => lock.release())
    // Plain reads never wait on row locks; a lock on the whole table (a migration's, say) stops them.
    await lock.lockTable('findings')

    const slow = await send({ method: 'GET', url: '/v1/findings?limit=5' })
    t.equal(slow.statusCode, 504, 'a 504')
    t.equal(slow.json().type, '/problems/timeout', 'a timeout problem')
    t.notMatch(slow.body, INTERNALS, 'no SQL or driver message')
    await lock.release()
    t.equal((await send({ method: 'GET', url: '/v1/findings?limit=5' })).statusCode, 200, 'and answered once the lock is gone')
  })
}
