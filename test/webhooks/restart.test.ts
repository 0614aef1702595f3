import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { serverOptions, webhookSettings } from '../../src/server-options.ts'
import { ADMIN_KEY, backend, openTestDatabase, testConfig } from '../helper.ts'
import { startReceiver, until } from './receiver.ts'

// The queue lives in the database: what one instance queued and could not deliver, the next one
// (here: the service started again on the same database) delivers, without a new event.
const config = testConfig({ webhooksEnabled: true, webhookPollMs: 20, webhookRetrySchedule: [50, 50, 50, 50, 50], webhookTimeoutMs: 500, webhookAllowPrivateNetworks: true })
const database = await openTestDatabase(t, config)
await prepareDatabase(database, config, pino({ level: 'silent' }))
const start = () => buildApp({ server: serverOptions(config), database, webhooks: webhookSettings(config) })
const auth = { authorization: `Bearer ${ADMIN_KEY}` }

t.test('deliveries queued before a restart are delivered after it', async (t) => {
  // A receiver that is down: a port that was open a moment ago.
  const gone = await startReceiver()
  const url = gone.url
  await gone.close()

  const first = await start()
  const hook = await first.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { force: 'cleveland', url, eventTypes: ['finding.*'] } })
  t.equal(hook.statusCode, 201)
  const { id: hookId } = hook.json()
  for (const reference of ['R-1', 'R-2']) {
    const created = await first.inject({ method: 'POST', url: '/v1/findings', headers: auth, payload: { force: 'cleveland', reference, kind: 'recommendation', title: reference, text: 'Text.' } })
    t.equal(created.statusCode, 201)
  }
  const listed = async (app: typeof first) =>
    (await app.inject({ method: 'GET', url: `/v1/webhooks/${hookId}/deliveries`, headers: auth })).json().items as Array<{ status: string; history: Array<{ error: string | null }> }>
  await until(async () => (await listed(first)).filter((d) => d.history.length > 0).length === 2, 'first attempts to fail')
  t.match((await listed(first))[0]!.history[0], { error: /ECONNREFUSED|fetch failed/ }, 'the receiver was down')
  await first.close()

  // The receiver comes back on the same port, the service restarts.
  const port = Number(new URL(url).port)
  const receiver = await startReceiverOn(port)
  t.teardown(receiver.close)
  const second = await start()
  t.teardown(() => second.close())
  await until(async () => (await listed(second)).every((d) => d.status === 'delivered'), 'deliveries after the restart')
  const references = receiver.received.map((r) => JSON.parse(r.body).data.data.reference).sort()
  t.same([...new Set(references)], ['R-1', 'R-2'], 'both events arrived after the restart')
})

t.test('two instances side by side deliver each event once', { skip: backend === 'embedded' && 'the embedded database serves one process' }, async (t) => {
  const receiver = await startReceiver()
  t.teardown(receiver.close)
  const quiet = testConfig({ webhooksEnabled: false, webhookAllowPrivateNetworks: true })
  const a = await buildApp({ server: serverOptions(quiet), database, webhooks: webhookSettings(quiet) })
  const b = await buildApp({ server: serverOptions(quiet), database, webhooks: webhookSettings(quiet) })
  t.teardown(async () => {
    await a.close()
    await b.close()
  })
  await a.webhookWorker.runOnce()
  const hook = await a.inject({ method: 'POST', url: '/v1/webhooks', headers: auth, payload: { force: 'cleveland', url: receiver.url, eventTypes: ['*'] } })
  for (let i = 0; i < 30; i++) {
    await a.inject({ method: 'POST', url: '/v1/findings', headers: auth, payload: { force: 'cleveland', reference: `P-${i}`, kind: 'recommendation', title: `P ${i}`, text: 'Text.' } })
  }
  for (let round = 0; round < 4; round++) await Promise.all([a.webhookWorker.runOnce(), b.webhookWorker.runOnce()])
  const ids = receiver.received.map((r) => r.headers['webhook-id'])
  t.equal(ids.length, 30, 'thirty events, thirty deliveries')
  t.equal(new Set(ids).size, 30, 'none twice')
  t.equal(hook.statusCode, 201)
})

async function startReceiverOn(port: number) {
  const { createServer } = await import('node:http')
  const received: Array<{ body: string }> = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    request.on('end', () => {
      received.push({ body })
      response.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { received, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }) }
}
