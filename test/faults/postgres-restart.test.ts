import type { InjectOptions } from 'fastify'
import pino from 'pino'
import t from 'tap'
import { type Cluster, startCluster } from '../../scripts/lib/cluster.ts'
import { buildApp } from '../../src/app.ts'
import { openDatabase } from '../../src/db/connect.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { securitySettings, serverOptions } from '../../src/server-options.ts'
import { ADMIN_KEY, backend, testConfig } from '../helper.ts'
import { INTERNALS, json, newFindingBody, privateClusterTest, progressBody, queryNumber, sleep, tally } from './fixture.ts'

/**
 * PostgreSQL stopped and started again under load. The shared server must never be restarted, so
 * this runs on a private cluster of its own. While the database is away every request is answered,
 * with 2xx or a 503 problem carrying Retry-After (never a 500, never a crash); once it is back the
 * same app serves again by itself; and every write acknowledged with 2xx is there afterwards.
 */
const WORKERS = 16
const WARM_UP_MS = 2000
const DOWN_MS = 2000
/** Generous: the machine may be busy. Recovery usually takes well under a second. */
const RECOVERY_CEILING_MS = 20_000
const RECOVERED_RUN_MS = 2000

interface Sent {
  status: number
  phase: 'before' | 'outage' | 'after'
}

if (backend !== 'postgres') {
  t.pass('a PostgreSQL restart is tested against a real PostgreSQL server (set DATABASE_URL)')
} else {
  const name = 'PostgreSQL restarted under load: 2xx or 503 problems meanwhile, recovery without a restart, nothing acknowledged lost'
  t.test(name, privateClusterTest(), async (t) => {
    const cluster: Cluster = await startCluster({ sharedBuffers: '32MB' })
    t.teardown(() => cluster.destroy())
    const config = testConfig({ databaseUrl: cluster.url, databaseConnectTimeoutMs: 1000, databasePoolMax: 10 })
    const logger = pino({ level: 'silent' })
    const database = await openDatabase(config, logger)
    await prepareDatabase(database, config, logger)
    const app = await buildApp({ server: serverOptions(config), database, security: securitySettings(config) })
    t.teardown(async () => {
      await app.close()
      await database.close()
    })
    const send = (options: InjectOptions) =>
      app.inject({ ...options, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...json, ...options.headers } })

    const finding = await send({ method: 'POST', url: '/v1/findings', payload: newFindingBody('RESTART-0', { force: 'cleveland' }) })
    t.equal(finding.statusCode, 201)
    const findingId = finding.json().id as string

    let phase: Sent['phase'] = 'before'
    let stopLoad = false
    const sent: Sent[] = []
    const bad503: string[] = []
    const acknowledged = { findings: [] as string[], updates: [] as string[] }
    let lastSuccessAt = 0

    // Reads and writes in a loop: the register, a finding, new findings, progress updates.
    const worker = async (n: number) => {
      for (let i = 0; !stopLoad; i++) {
        const kind = (n + i) % 4
        const reference = `RESTART-${n}-${i}`
        const response =
          kind === 0
            ? await send({ method: 'GET', url: '/v1/findings?force=cleveland&limit=20' })
            : kind === 1
              ? await send({ method: 'GET', url: `/v1/findings/${findingId}` })
              : kind === 2
                ? await send({ method: 'POST', url: '/v1/findings', payload: newFindingBody(reference, { force: 'cleveland' }) })
                : await send({ method: 'POST', url: `/v1/findings/${findingId}/updates`, payload: progressBody(`Update ${n}-${i}`) })
        sent.push({ status: response.statusCode, phase })
        if (response.statusCode < 300) {
          lastSuccessAt = Date.now()
          if (kind === 2) acknowledged.findings.push(response.json().id)
          if (kind === 3) acknowledged.updates.push(response.json().id)
        } else if (response.statusCode === 503) {
          const body = response.body
          const clean =
            response.headers['retry-after'] === '5' &&
            /^application\/problem\+json/.test(String(response.headers['content-type'])) &&
            response.json().type === '/problems/database-unavailable' &&
            !INTERNALS.test(body)
          if (!clean) bad503.push(body)
          // A client honouring Retry-After would wait far longer; a short pause keeps the load up.
          await sleep(20)
        }
      }
    }
    const load = Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)))

    await sleep(WARM_UP_MS)
    phase = 'outage'
    const stoppedAt = Date.now()
    await cluster.stop()
    await sleep(DOWN_MS)
    const down = await send({ method: 'GET', url: '/health/ready' })
    await cluster.start()
    const startedAt = Date.now()

    // Back: the same app must answer again by itself, within a bounded time.
    while (lastSuccessAt < startedAt && Date.now() - startedAt < RECOVERY_CEILING_MS) await sleep(20)
    const recoveredMs = lastSuccessAt >= startedAt ? lastSuccessAt - startedAt : null
    phase = 'after'
    const afterFrom = sent.length
    await sleep(RECOVERED_RUN_MS)
    stopLoad = true
    await load
    const afterRecovery = sent.slice(afterFrom)

    const statuses = sent.map((s) => s.status)
    const other5xx = statuses.filter((s) => s >= 500 && s !== 503)
    const outage = sent.filter((s) => s.phase === 'outage')
    t.comment(
      `${WORKERS} clients, PostgreSQL stopped (-m fast) for ${DOWN_MS} ms and started again: ${sent.length} requests, ${tally(statuses)}; ` +
        `during the outage ${outage.length} requests, ${outage.filter((s) => s.status === 503).length} × 503; ` +
        `other 5xx: ${other5xx.length}; first success ${recoveredMs ?? 'never'} ms after PostgreSQL was back (${Date.now() - stoppedAt} ms in all); ` +
        `after recovery ${afterRecovery.length} requests, ${tally(afterRecovery.map((s) => s.status))}; ` +
        `writes acknowledged: ${acknowledged.findings.length} findings, ${acknowledged.updates.length} progress updates`
    )

    t.same(other5xx, [], 'no 5xx other than 503 (no 500)')
    t.ok(statuses.every((s) => (s >= 200 && s < 300) || s === 503), 'every response is 2xx or 503')
    t.ok(outage.some((s) => s.status === 503), 'the outage was seen: 503s while PostgreSQL was away')
    t.same(bad503, [], 'every 503 is a database-unavailable problem with Retry-After and no driver detail')
    t.equal(down.statusCode, 503, 'not ready while PostgreSQL is away')
    t.equal((await send({ method: 'GET', url: '/health/live' })).statusCode, 200, 'the process is alive throughout')

    t.not(recoveredMs, null, `requests succeed again within ${RECOVERY_CEILING_MS} ms of PostgreSQL's return, without rebuilding the app`)
    t.ok(afterRecovery.length > 0 && afterRecovery.every((s) => s.status < 300), 'once recovered, every request succeeds')
    t.equal((await send({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'ready again')

    const storedFindings = await queryNumber(cluster.url, 'select count(*) as n from findings where id = any($1::uuid[])', [acknowledged.findings])
    const storedUpdates = await queryNumber(cluster.url, 'select count(*) as n from progress_updates where id = any($1::uuid[])', [acknowledged.updates])
    t.ok(acknowledged.findings.length > 0 && acknowledged.updates.length > 0, 'writes were acknowledged')
    t.equal(storedFindings, acknowledged.findings.length, 'every acknowledged finding is stored')
    t.equal(storedUpdates, acknowledged.updates.length, 'every acknowledged progress update is stored')
  })
}
