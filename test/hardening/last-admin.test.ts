import t from 'tap'
import { ADMIN_KEY, buildTestApp } from '../helper.ts'

// No change may leave the deployment without a national admin key that still works a day from now.
const { request } = await buildTestApp(t)

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()
const HOUR = 3_600_000

async function nationalAdmin(name: string, expiresAt: string | null, key = ADMIN_KEY) {
  const response = await request({ method: 'POST', url: '/v1/api-keys', key, payload: { name, role: 'admin', force: null, expiresAt } })
  if (response.statusCode !== 201) throw new Error(response.body)
  return response.json<{ id: string; key: string }>()
}

const firstId = async () =>
  (await request({ method: 'GET', url: '/v1/api-keys?limit=500' })).json().items.find((k: { name: string }) => k.name === 'first admin').id as string

t.test('the last working national admin cannot be given an expiry six seconds away, nor revoked', async (t) => {
  const first = await firstId()
  const lapsing = await nationalAdmin('lapsing spare', inMs(6000))
  const soon = await nationalAdmin('spare for a few hours', inMs(3 * HOUR))

  for (const expiresAt of [inMs(6000), inMs(HOUR), inMs(23 * HOUR)]) {
    const rotated = await request({ method: 'POST', url: `/v1/api-keys/${first}/rotate`, payload: { expiresAt } })
    t.equal(rotated.statusCode, 409, `an expiry at ${expiresAt} is refused`)
    t.match(rotated.json(), { type: '/problems/conflict', detail: /last national admin key that will still work in 24 hours: giving it that expiry/ })
  }
  const revoked = await request({ method: 'DELETE', url: `/v1/api-keys/${first}` })
  t.equal(revoked.statusCode, 409, 'spares that lapse within the day do not count')
  t.match(revoked.json().detail, /last national admin key that will still work in 24 hours: revoking it/)
  t.equal((await request({ method: 'GET', url: '/v1/forces' })).statusCode, 200, 'the key still works, secret unchanged')

  const kept = await request({ method: 'POST', url: `/v1/api-keys/${first}/rotate`, payload: { expiresAt: inMs(48 * HOUR) } })
  t.equal(kept.statusCode, 200, 'an expiry beyond the margin is fine')
  const renewed = kept.json().key as string
  const plain = await request({ method: 'POST', url: `/v1/api-keys/${first}/rotate`, key: renewed, payload: { expiresAt: null } })
  t.equal(plain.statusCode, 200, 'and so is a rotation that keeps it working')
  const admin = plain.json().key as string

  // Another key that works beyond the margin: now the first may lapse or go, and then the other is the last.
  const durable = await nationalAdmin('durable', null, admin)
  t.equal((await request({ method: 'POST', url: `/v1/api-keys/${first}/rotate`, key: admin, payload: { expiresAt: inMs(6000) } })).statusCode, 200)
  const last = await request({ method: 'DELETE', url: `/v1/api-keys/${durable.id}`, key: durable.key })
  t.equal(last.statusCode, 409, 'the durable key is now the last working one')
  const expiring = await request({ method: 'POST', url: `/v1/api-keys/${durable.id}/rotate`, key: durable.key, payload: { expiresAt: inMs(6000) } })
  t.equal(expiring.statusCode, 409)
  t.equal((await request({ method: 'GET', url: '/v1/forces', key: durable.key })).statusCode, 200)

  // Spares that lapse and force admins are free to change: they never kept the deployment manageable.
  t.equal((await request({ method: 'DELETE', url: `/v1/api-keys/${lapsing.id}`, key: durable.key })).statusCode, 200)
  t.equal((await request({ method: 'POST', url: `/v1/api-keys/${soon.id}/rotate`, key: durable.key, payload: { expiresAt: inMs(6000) } })).statusCode, 200)
})
