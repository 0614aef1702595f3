import { createHmac } from 'node:crypto'
import t from 'tap'
import { verify } from '../../src/domain/webhooks/signing.ts'
import { buildTestApp } from '../helper.ts'
import { startReceiver } from './receiver.ts'

// Retries almost at once, so a test can walk a whole schedule.
const { request, createKey, app } = await buildTestApp(t, { webhookRetrySchedule: [1, 1], webhookTimeoutMs: 300, webhookAllowPrivateNetworks: true })
const worker = app.webhookWorker
const keys = {
  registrar: await createKey('registrar', 'cleveland'),
  approver: await createKey('approver', 'cleveland'),
  viewer: await createKey('viewer', 'cleveland'),
  durham: await createKey('admin', 'durham')
}

interface Delivery {
  id: string
  status: string
  attempts: number
  eventType: string
  history: Array<{ responseStatus: number | null; error: string | null; succeeded: boolean }>
}

async function subscribe(url: string, eventTypes: string[], extra: Record<string, unknown> = {}) {
  const response = await request({ method: 'POST', url: '/v1/webhooks', key: keys.registrar, payload: { url, eventTypes, ...extra } })
  t.equal(response.statusCode, 201, response.body)
  return response.json() as { id: string; secret: string; version: number }
}

let n = 0
async function newFinding() {
  n++
  const response = await request({ method: 'POST', url: '/v1/findings', key: keys.registrar, payload: { reference: `WH-${n}`, kind: 'recommendation', title: `Hooked ${n}`, text: 'Text.' } })
  return response.json() as { id: string; reference: string }
}

const deliveries = async (hookId: string): Promise<Delivery[]> =>
  (await request({ method: 'GET', url: `/v1/webhooks/${hookId}/deliveries`, key: keys.registrar })).json().items

/** The Standard Webhooks signature, computed here from the spec rather than through our signing module. */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

t.test('subscriptions: registrars and admins manage them; the secret is shown once', async (t) => {
  const created = await subscribe('https://example.org/hook', ['finding.*'], { description: 'Case system' })
  t.match(created.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  t.equal(Buffer.from(created.secret.slice(6), 'base64').length, 32)
  const got = await request({ method: 'GET', url: `/v1/webhooks/${created.id}`, key: keys.registrar })
  t.equal(got.statusCode, 200)
  t.notOk('secret' in got.json(), 'never shown again')
  t.equal(got.headers.etag, '"1"')
  t.notOk(JSON.stringify((await request({ method: 'GET', url: '/v1/webhooks' })).json()).includes(created.secret))

  for (const key of [keys.viewer, keys.approver]) {
    t.equal((await request({ method: 'POST', url: '/v1/webhooks', key, payload: { url: 'https://example.org/x', eventTypes: ['*'] } })).statusCode, 403)
    t.equal((await request({ method: 'GET', url: '/v1/webhooks', key })).statusCode, 403)
  }
  const durham = await request({ method: 'GET', url: `/v1/webhooks/${created.id}`, key: keys.durham })
  t.equal(durham.statusCode, 404, "another force's webhook is invisible")

  const bad = [
    [{ url: 'ftp://example.org/x', eventTypes: ['*'] }, 'url'],
    [{ url: 'https://user:pw@example.org/x', eventTypes: ['*'] }, 'url'],
    [{ url: 'https://example.org/x', eventTypes: [] }, 'eventTypes'],
    [{ url: 'https://example.org/x', eventTypes: ['finding'] }, 'eventTypes.0'],
    [{ url: 'https://example.org/x', eventTypes: ['*'], secret: 'mine' }, 'secret']
  ] as const
  for (const [payload, field] of bad) {
    const response = await request({ method: 'POST', url: '/v1/webhooks', key: keys.registrar, payload })
    t.equal(response.statusCode, 400, JSON.stringify(payload))
    t.match(response.json().errors, [{ field }], `names ${field}`)
  }

  const paused = await request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, key: keys.registrar, headers: { 'if-match': '"1"' }, payload: { active: false } })
  t.equal(paused.statusCode, 200)
  t.equal(paused.json().active, false)
  const stale = await request({ method: 'PATCH', url: `/v1/webhooks/${created.id}`, key: keys.registrar, headers: { 'if-match': '"1"' }, payload: { active: true } })
  t.equal(stale.statusCode, 412)

  const rotated = await request({ method: 'POST', url: `/v1/webhooks/${created.id}/secret`, key: keys.registrar, headers: { 'if-match': '"2"' } })
  t.equal(rotated.statusCode, 200)
  t.not(rotated.json().secret, created.secret)

  const removed = await request({ method: 'DELETE', url: `/v1/webhooks/${created.id}`, key: keys.registrar, headers: { 'if-match': '"3"' } })
  t.equal(removed.statusCode, 204)
  t.equal((await request({ method: 'GET', url: `/v1/webhooks/${created.id}`, key: keys.registrar })).statusCode, 404)
})

t.test('a delivery is signed the Standard Webhooks way and carries the event', async (t) => {
  const receiver = await startReceiver()
  t.teardown(receiver.close)
  await worker.runOnce() // anything already in the feed is behind us before we subscribe
  const hook = await subscribe(receiver.url, ['finding.create'])
  const finding = await newFinding()
  await worker.runOnce()

  t.equal(receiver.received.length, 1)
  const [{ headers, body }] = receiver.received as [(typeof receiver.received)[number]]
  const id = String(headers['webhook-id'])
  const timestamp = String(headers['webhook-timestamp'])
  t.match(timestamp, /^\d{10}$/)
  t.ok(Math.abs(Number(timestamp) - Date.now() / 1000) < 60)
  t.equal(headers['webhook-signature'], expectedSignature(hook.secret, id, timestamp, body), 'HMAC-SHA256 of id.timestamp.body')
  t.ok(verify(hook.secret, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': String(headers['webhook-signature']) }, body))
  t.notOk(verify(hook.secret, { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': String(headers['webhook-signature']) }, `${body} `), 'a changed body fails')
  t.equal(headers['content-type'], 'application/json')
  const payload = JSON.parse(body)
  t.equal(payload.type, 'finding.create')
  t.equal(payload.data.entity.id, finding.id)
  t.equal(payload.data.data.reference, finding.reference)

  const [delivery] = await deliveries(hook.id)
  t.match(delivery, { id, status: 'delivered', attempts: 1, eventType: 'finding.create', history: [{ responseStatus: 200, succeeded: true }] })
})

t.test('failures are retried on schedule with the same webhook-id, then marked failed; redeliver sends again', async (t) => {
  let answer = 500
  const receiver = await startReceiver(() => answer)
  t.teardown(receiver.close)
  await worker.runOnce()
  const hook = await subscribe(receiver.url, ['*'])
  await newFinding()
  await worker.runOnce()
  let [delivery] = await deliveries(hook.id)
  t.match(delivery, { status: 'pending', attempts: 1, history: [{ responseStatus: 500, succeeded: false }] }, 'first failure: a retry is scheduled')
  await new Promise((resolve) => setTimeout(resolve, 20))
  await worker.runOnce()
  await new Promise((resolve) => setTimeout(resolve, 20))
  await worker.runOnce()
  ;[delivery] = await deliveries(hook.id)
  t.match(delivery, { status: 'failed', attempts: 3 }, 'one attempt plus the two retries of the schedule')
  t.equal(delivery!.history.length, 3)
  t.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1, 'every attempt has the same webhook-id')
  for (const r of receiver.received) {
    t.equal(r.headers['webhook-signature'], expectedSignature(hook.secret, String(r.headers['webhook-id']), String(r.headers['webhook-timestamp']), r.body))
  }
  await worker.runOnce()
  t.equal(receiver.received.length, 3, 'a failed delivery is not tried again by itself')

  answer = 204
  const redelivered = await request({ method: 'POST', url: `/v1/webhooks/${hook.id}/deliveries/${delivery!.id}/redeliver`, key: keys.registrar })
  t.equal(redelivered.statusCode, 202)
  t.match(redelivered.json(), { status: 'pending', attempts: 0 })
  await worker.runOnce()
  ;[delivery] = await deliveries(hook.id)
  t.match(delivery, { status: 'delivered', attempts: 1 })
  t.equal(delivery!.history.length, 4, 'the earlier attempts stay on record')
  const failedOnly = await request({ method: 'GET', url: `/v1/webhooks/${hook.id}/deliveries?status=failed`, key: keys.registrar })
  t.same(failedOnly.json().items, [])
})

t.test('a receiver that never answers times out and is retried', async (t) => {
  const receiver = await startReceiver((n) => (n === 1 ? 'hang' : 200))
  t.teardown(receiver.close)
  await worker.runOnce()
  const hook = await subscribe(receiver.url, ['finding.*'])
  await newFinding()
  await worker.runOnce()
  let [delivery] = await deliveries(hook.id)
  t.match(delivery, { status: 'pending', history: [{ responseStatus: null, error: 'no response within 300 ms', succeeded: false }] })
  await new Promise((resolve) => setTimeout(resolve, 20))
  await worker.runOnce()
  ;[delivery] = await deliveries(hook.id)
  t.equal(delivery!.status, 'delivered')
})

t.test('only matching types, only the force subscribed, only after subscribing, never while paused', async (t) => {
  const receiver = await startReceiver()
  t.teardown(receiver.close)
  const before = await newFinding()
  const hook = await subscribe(receiver.url, ['progress_update.create'])
  const paused = await subscribe(receiver.url, ['*'], { active: false })
  await request({ method: 'POST', url: `/v1/findings/${before.id}/updates`, key: keys.registrar, payload: { position: 'p', activities: 'a', evidence: [], ongoingActions: [] } })
  await request({ method: 'POST', url: '/v1/findings', key: keys.durham, payload: { reference: 'D-1', kind: 'recommendation', title: 'Durham', text: 'Text.' } })
  await newFinding()
  await worker.runOnce()
  t.same(receiver.received.map((r) => JSON.parse(r.body).type), ['progress_update.create'])
  t.same((await deliveries(hook.id)).map((d) => d.eventType), ['progress_update.create'])
  t.same(await deliveries(paused.id), [], 'a paused webhook queues nothing')
})
