import t from 'tap'
import { DOCUMENT } from '../contract-document.ts'
import { buildTestApp } from '../helper.ts'

// A read that gives an ETag answers 304, with no body, when If-None-Match names the current one:
// a client polling a record pays for the body only when it changed.

const { request, createKey } = await buildTestApp(t)
const registrar = await createKey('registrar', 'cleveland')

async function create(url: string, payload: Record<string, unknown>) {
  const response = await request({ method: 'POST', url, key: registrar, payload })
  if (response.statusCode !== 201) throw new Error(`POST ${url} answered ${response.statusCode}: ${response.body}`)
  return response.json() as { id: string; actions?: Array<{ id: string }>; ongoingActions?: Array<{ id: string }> }
}

t.test('every read with an ETag: 304 for the current one, the record for any other', async (t) => {
  const finding = await create('/v1/findings', { reference: 'CR-1', kind: 'recommendation', title: 'Polled', text: 'Text.', actions: [{ text: 'One.' }] })
  const update = await create(`/v1/findings/${finding.id}/updates`, { position: 'P.', activities: 'A.', ongoingActions: [{ description: 'D' }] })
  const closing = await create('/v1/findings', { reference: 'CR-2', kind: 'recommendation', title: 'Closing', text: 'Text.' })
  const reads: Record<string, string> = {
    '/v1/findings/{id}': `/v1/findings/${finding.id}`,
    '/v1/findings/{id}/actions/{actionId}': `/v1/findings/${finding.id}/actions/${finding.actions![0]!.id}`,
    '/v1/findings/{id}/ongoing-actions/{actionId}': `/v1/findings/${finding.id}/ongoing-actions/${update.ongoingActions![0]!.id}`,
    '/v1/closure-requests/{id}': `/v1/closure-requests/${(await create('/v1/closure-requests', { findingId: closing.id, summary: 'Done.' })).id}`,
    '/v1/inspections/{id}': `/v1/inspections/${(await create('/v1/inspections', { key: 'cr-2021', title: 'PEEL', kind: 'peel', category: 'local_peel', scope: 'force', year: 2021 })).id}`,
    '/v1/governance-groups/{id}': `/v1/governance-groups/${(await create('/v1/governance-groups', { name: 'Polling board' })).id}`,
    '/v1/webhooks/{id}': `/v1/webhooks/${(await create('/v1/webhooks', { force: 'cleveland', url: 'https://example.org/hook', eventTypes: ['*'] })).id}`
  }
  const conditional = Object.entries(DOCUMENT.paths as Record<string, { get?: { responses: Record<string, unknown> } }>)
    .filter(([, item]) => item.get?.responses['304'])
    .map(([path]) => path)
  t.same(conditional.sort(), Object.keys(reads).sort(), 'the contract answers 304 on exactly these reads')

  for (const [path, url] of Object.entries(reads)) {
    const first = await request({ method: 'GET', url, key: registrar })
    t.equal(first.statusCode, 200, path)
    const etag = String(first.headers.etag)
    t.match(etag, /^"\d+"$/, `${path}: an ETag`)
    for (const held of [etag, `W/${etag}`, `"0", ${etag}`, '*']) {
      const again = await request({ method: 'GET', url, key: registrar, headers: { 'if-none-match': held } })
      t.equal(again.statusCode, 304, `${path}: If-None-Match ${held} is 304`)
      t.equal(again.body, '', `${path}: with no body`)
      t.equal(again.headers.etag, etag, `${path}: and the ETag`)
    }
    for (const other of ['"0"', 'W/"999"', 'not an etag', '']) {
      const fresh = await request({ method: 'GET', url, key: registrar, headers: { 'if-none-match': other } })
      t.equal(fresh.statusCode, 200, `${path}: If-None-Match ${JSON.stringify(other)} gets the record`)
      t.same(fresh.json(), first.json())
    }
  }
})

t.test('after a change, the ETag held is stale: the new record, with the new ETag', async (t) => {
  const finding = await create('/v1/findings', { reference: 'CR-3', kind: 'recommendation', title: 'Before', text: 'Text.' })
  const url = `/v1/findings/${finding.id}`
  const read = await request({ method: 'GET', url, key: registrar })
  const held = String(read.headers.etag)
  const changed = await request({ method: 'PATCH', url, key: registrar, headers: { 'if-match': held, 'if-none-match': held }, payload: { title: 'After' } })
  t.equal(changed.statusCode, 200, 'If-None-Match means nothing to a change')
  const polled = await request({ method: 'GET', url, key: registrar, headers: { 'if-none-match': held } })
  t.equal(polled.statusCode, 200)
  t.equal(polled.json().title, 'After')
  t.equal(polled.headers.etag, changed.headers.etag)
  t.not(polled.headers.etag, held)
  t.equal((await request({ method: 'GET', url, key: registrar, headers: { 'if-none-match': String(polled.headers.etag) } })).statusCode, 304)
})

t.test('a 304 is still scoped: another force gets 404 whatever it holds', async (t) => {
  const finding = await create('/v1/findings', { reference: 'CR-4', kind: 'recommendation', title: 'Scoped', text: 'Text.' })
  const durham = await createKey('viewer', 'durham')
  const response = await request({ method: 'GET', url: `/v1/findings/${finding.id}`, key: durham, headers: { 'if-none-match': '*' } })
  t.equal(response.statusCode, 404)
})
