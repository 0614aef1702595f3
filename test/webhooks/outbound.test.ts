import t from 'tap'
import { addressAllowed } from '../../src/domain/webhooks/outbound.ts'
import { buildTestApp } from '../helper.ts'
import { startReceiver, until } from './receiver.ts'

t.test('which addresses a webhook may reach', async (t) => {
  for (const address of ['169.254.169.254', '0.0.0.0', '224.0.0.1', 'fe80::1', '::', '::ffff:169.254.169.254']) {
    t.notOk(addressAllowed(address, true), `${address}: never`)
  }
  for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', '::1', 'fd00::1', '::ffff:10.0.0.1']) {
    t.notOk(addressAllowed(address, false), `${address}: private, refused by default`)
    t.ok(addressAllowed(address, true), `${address}: reached when the operator allows private networks`)
  }
  for (const address of ['8.8.8.8', '172.32.0.1', '2001:db8::1']) t.ok(addressAllowed(address, false), `${address}: public`)
})

t.test('by default a webhook cannot reach the service host or its network', async (t) => {
  const { request, app } = await buildTestApp(t, { webhookRetrySchedule: [], webhookAllowPrivateNetworks: false })
  const receiver = await startReceiver()
  t.teardown(receiver.close)
  const metadata = await request({ method: 'POST', url: '/v1/webhooks', payload: { force: 'cleveland', url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['*'] } })
  t.equal(metadata.statusCode, 400)
  t.match(metadata.json().errors, [{ field: 'url', message: /never reach/ }])

  await app.webhookWorker.runOnce()
  const byAddress = (await request({ method: 'POST', url: '/v1/webhooks', payload: { force: 'cleveland', url: receiver.url, eventTypes: ['*'] } })).json()
  const byName = (await request({ method: 'POST', url: '/v1/webhooks', payload: { force: 'cleveland', url: receiver.url.replace('127.0.0.1', 'localhost'), eventTypes: ['*'] } })).json()
  await request({ method: 'POST', url: '/v1/findings', payload: { force: 'cleveland', reference: 'SSRF-1', kind: 'recommendation', title: 'x', text: 'x' } })
  const attempts = async (id: string) => (await request({ method: 'GET', url: `/v1/webhooks/${id}/deliveries` })).json().items[0]
  // On a shared server the feed holds the event back while any older transaction runs (the audit
  // sealer's of another test database, say), so the worker is run until both deliveries were tried.
  await until(async () => {
    await app.webhookWorker.runOnce()
    return (await attempts(byAddress.id))?.status === 'failed' && (await attempts(byName.id))?.status === 'failed'
  }, 'both deliveries to be tried')
  t.equal(receiver.received.length, 0, 'nothing reached the receiver')
  t.match(await attempts(byAddress.id), { status: 'failed', history: [{ responseStatus: null, error: '127.0.0.1 is not an address webhooks may reach' }] })
  t.match(await attempts(byName.id), { status: 'failed', history: [{ responseStatus: null, error: /localhost resolves only to addresses webhooks may not reach/ }] })
})
