import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import t from 'tap'
import { listening } from '../e2e/service.ts'
import { ADMIN_KEY, backend } from '../helper.ts'
import { PG_TEMPLATE_DB, TEST_SERVICE_ROLE, adminQuery, testDatabaseUrl, withDatabase } from '../setup/template.ts'
import { json, newFindingBody, openLockHolder, progressBody, queryNumber, sleep, tally } from './fixture.ts'

/**
 * The real server (`node src/server.ts`, as the container runs it) under load gets SIGTERM while
 * requests are genuinely in flight: waiting in PostgreSQL on a row another session holds. They
 * must finish with 2xx; what arrives after the signal is refused cleanly (the connection is
 * refused, or a 503 problem); and the process exits 0 within the 10 s grace.
 */
const IN_FLIGHT = 5
const LOAD_WORKERS = 4
const GRACE_MS = 10_000

interface Outcome {
  startedAt: number
  endedAt: number
  status: number | null
  /** When no response came: why (the connection was refused, or closed unanswered). */
  error: string | null
  /** A 503 as it should be: a problem document with Retry-After. */
  clean503: boolean
}

/** Refused, or closed before any byte of a response: what a client retries elsewhere. Never a half answer. */
const CONNECTION_REFUSALS = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'])

interface Server {
  child: ChildProcess
  baseUrl: string
  port: number
  output: () => string
}

function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: new URL('../../', import.meta.url),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: ADMIN_KEY,
      WEBHOOKS_ENABLED: 'false',
      RATE_LIMIT_PER_KEY: '1000000',
      RATE_LIMIT_PER_ADDRESS: '1000000',
      DATABASE_POOL_MAX: '10',
      DATABASE_SERVICE_ROLE: TEST_SERVICE_ROLE
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  return listening(child, () => output, 90_000).then(({ baseUrl, port }) => ({ child, baseUrl, port, output: () => output }))
}

function isCleanProblem(status: number, contentType: string | null, retryAfter: string | null, body: string): boolean {
  if (status !== 503 || !/^application\/problem\+json/.test(contentType ?? '') || retryAfter === null) return false
  return (JSON.parse(body) as { status?: number }).status === 503
}

/** A request through fetch, which keeps connections alive between requests as most clients do. */
async function viaFetch(url: string, init: RequestInit = {}): Promise<Outcome> {
  const startedAt = Date.now()
  try {
    const r = await fetch(url, init)
    const body = await r.text()
    const clean503 = isCleanProblem(r.status, r.headers.get('content-type'), r.headers.get('retry-after'), body)
    return { startedAt, endedAt: Date.now(), status: r.status, error: null, clean503 }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    return { startedAt, endedAt: Date.now(), status: null, error: cause?.code ?? cause?.message ?? String(error), clean503: false }
  }
}

/** A request through node:http: on a connection of its own (agent false) or one a keep-alive agent holds open. */
function viaHttp(port: number, options: { path: string; method?: string; body?: string; agent: http.Agent | false }): Promise<Outcome> {
  const startedAt = Date.now()
  return new Promise((resolve) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', agent: options.agent, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...json } },
      (response) => {
        let body = ''
        response.on('data', (chunk) => (body += chunk))
        response.on('end', () => {
          const status = response.statusCode ?? 0
          const retryAfter = (response.headers['retry-after'] as string | undefined) ?? null
          resolve({ startedAt, endedAt: Date.now(), status, error: null, clean503: isCleanProblem(status, response.headers['content-type'] ?? null, retryAfter, body) })
        })
      }
    )
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ startedAt, endedAt: Date.now(), status: null, error: error.code ?? error.message, clean503: false }))
    request.end(options.body)
  })
}

function describe(outcomes: Outcome[]): string {
  const errors = [...new Set(outcomes.map((o) => o.error).filter((e) => e !== null))]
  return `${tally(outcomes.map((o) => o.status ?? 0)).replace(/ × 0\b/, ' × no response')}${errors.length > 0 ? ` (${errors.join(', ')})` : ''}`
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(20)
  }
}

if (backend !== 'postgres') {
  t.pass('SIGTERM under load is tested against a real PostgreSQL server (set DATABASE_URL)')
} else {
  const adminUrl = testDatabaseUrl()!
  const name = `peel_register_test_${randomBytes(6).toString('hex')}`
  await adminQuery(adminUrl, `create database ${name} template ${PG_TEMPLATE_DB}`)
  t.teardown(() => adminQuery(adminUrl, `drop database if exists ${name} with (force)`))
  const databaseUrl = withDatabase(adminUrl, name)

  t.test('SIGTERM under load: in-flight requests finish, later ones are refused cleanly, exit 0 within 10 s', async (t) => {
    const server = await startServer(databaseUrl)
    t.teardown(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    })
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)))
    const call = (path: string, init: RequestInit = {}) =>
      viaFetch(`${server.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...json } })

    const created = await fetch(`${server.baseUrl}/v1/findings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...json },
      body: JSON.stringify(newFindingBody('SIGTERM-1', { force: 'cleveland' }))
    })
    t.equal(created.status, 201)
    const { id } = (await created.json()) as { id: string }
    const lock = await openLockHolder(databaseUrl)
    t.teardown(() => lock.release())
    await lock.lockRow('findings', id)

    // Load: readers in a loop, before the signal and after it.
    let stopLoad = false
    const outcomes: Outcome[] = []
    const reader = async (n: number) => {
      for (let i = 0; !stopLoad; i++) {
        const outcome = await call((n + i) % 2 === 0 ? '/v1/findings?limit=20' : '/v1/forces?limit=5')
        outcomes.push(outcome)
        // Refused: the next try would be refused too; a client backs off.
        if (outcome.status !== 200) await sleep(100)
      }
    }
    const load = Promise.all(Array.from({ length: LOAD_WORKERS }, (_, n) => reader(n)))

    // In flight: progress updates on the locked finding, each waiting in PostgreSQL for the lock, from
    // a client that keeps its connections open afterwards, as a proxy in front of the service would.
    const keepAlive = new http.Agent({ keepAlive: true })
    t.teardown(() => keepAlive.destroy())
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, i) =>
      viaHttp(server.port, { method: 'POST', path: `/v1/findings/${id}/updates`, body: JSON.stringify(progressBody(`In flight ${i}`)), agent: keepAlive })
    )
    await lock.untilWaiting(IN_FLIGHT)
    await sleep(300)

    // A connection opened before the signal, for a request sent after it.
    const early = net.connect(server.port, '127.0.0.1')
    await new Promise((resolve) => early.once('connect', resolve))
    let earlyReply = ''
    early.on('data', (chunk) => (earlyReply += chunk))
    early.on('error', () => {})
    const earlyClosed = new Promise<void>((resolve) => early.once('close', () => resolve()))

    const signalledAt = Date.now()
    server.child.kill('SIGTERM')
    await waitFor(() => /shutting down/.test(server.output()), 5000)
    early.write(`GET /v1/forces?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n\r\n`)
    const newConnection = await viaHttp(server.port, { path: '/v1/forces?limit=1', agent: false })

    await sleep(1000)
    t.equal(server.child.exitCode, null, 'the server waits for its in-flight requests')
    await lock.release()
    const finished = await Promise.all(inFlight)
    const code = await Promise.race([exited, sleep(GRACE_MS + 5000).then(() => 'still running')])
    const exitMs = Date.now() - signalledAt
    stopLoad = true
    await load
    await Promise.race([earlyClosed, sleep(5000)])

    const before = outcomes.filter((o) => o.endedAt < signalledAt)
    const around = outcomes.filter((o) => o.endedAt >= signalledAt)
    t.comment(
      `SIGTERM with ${IN_FLIGHT} requests in flight and ${LOAD_WORKERS} readers: exit code ${code} ${exitMs} ms after the signal ` +
        `(the in-flight requests were held 1 s past it); in flight: ${describe(finished)}; ` +
        `load answered before the signal: ${describe(before)}; after it: ${describe(around)}; ` +
        `a new connection after the signal: ${describe([newConnection])}; ` +
        `a request on a connection opened before it: ${earlyReply === '' ? 'closed unanswered' : JSON.stringify(earlyReply.split('\r\n')[0])}`
    )

    t.same(finished.map((o) => o.status), Array(IN_FLIGHT).fill(201), 'every in-flight request finishes with 201')
    t.equal(await queryNumber(databaseUrl, 'select count(*) as n from progress_updates where finding_id = $1', [id]), IN_FLIGHT, 'and is stored')
    t.equal(code, 0, 'the process exits 0')
    t.ok(exitMs < GRACE_MS, `within ${GRACE_MS} ms of the signal`)
    t.notMatch(server.output(), /did not finish in time|error during shutdown/, 'without being forced')

    // Refused once the listener is closed; in the moment before that, accepted and answered 503.
    t.ok(newConnection.error === 'ECONNREFUSED' || newConnection.clean503, 'a new connection after the signal is refused')
    t.same(before.filter((o) => o.status !== 200), [], 'the load was served until the signal')
    t.same(
      around.filter((o) => !(o.status === 200 || o.clean503 || (o.status === null && CONNECTION_REFUSALS.has(o.error!)))),
      [],
      'after it, every request was served, answered with a 503 problem carrying Retry-After, or refused at the connection: nothing else'
    )
    if (earlyReply === '') {
      t.pass('a request on a connection opened before the signal: the connection is closed unanswered')
    } else {
      t.match(earlyReply, /^HTTP\/1\.1 503 /, 'a request on a connection opened before the signal is answered 503')
      t.match(earlyReply, /content-type: application\/problem\+json/i, 'as a problem')
      t.match(earlyReply, /retry-after: \d+/i, 'with Retry-After')
      t.match(earlyReply, /connection: close/i, 'and the connection closed')
    }
  })
}
