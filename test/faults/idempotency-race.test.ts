import t from 'tap'
import { backend, buildTestApp } from '../helper.ts'
import { json, newFindingBody, progressBody, tally } from './fixture.ts'

/**
 * Fifty retries of one create arriving together, on either backend: one row, fifty identical
 * answers; and a key sent at the same moment with two different bodies serves one of them and
 * refuses the other with 422.
 */
const RETRIES = 50

const { request, createKey, database } = await buildTestApp(t)
const registrar = await createKey('registrar', 'cleveland')
const post = (url: string, payload: object, key: string) =>
  request({ method: 'POST', url, key: registrar, payload, headers: { ...json, 'idempotency-key': key } })

t.test(`${RETRIES} concurrent POSTs with one Idempotency-Key and one body make one finding`, async (t) => {
  const body = newFindingBody('IDEM-BURST')
  const responses = await Promise.all(Array.from({ length: RETRIES }, () => post('/v1/findings', body, 'burst-50')))
  t.comment(`${RETRIES} concurrent idempotent creates on ${backend}: ${tally(responses.map((r) => r.statusCode))}`)
  t.ok(responses.every((r) => r.statusCode === 201), 'every retry is answered 201')
  t.equal(new Set(responses.map((r) => r.json().id)).size, 1, 'all with the same id')
  t.equal(responses.filter((r) => r.headers['idempotent-replayed'] === 'true').length, RETRIES - 1, 'all but the first are replays')
  const rows = await database.db.selectFrom('findings').select('id').where('reference', '=', body.reference).execute()
  t.equal(rows.length, 1, 'one row in the database')
  t.equal(rows[0]!.id, responses[0]!.json().id, 'the one the answers name')
})

t.test('one Idempotency-Key sent concurrently with two different bodies: one is served, the other is 422', async (t) => {
  const first = newFindingBody('IDEM-A')
  const second = newFindingBody('IDEM-B')
  const responses = await Promise.all(
    Array.from({ length: RETRIES }, (_, i) => post('/v1/findings', i % 2 === 0 ? first : second, 'split-50').then((r) => ({ i, r })))
  )
  t.comment(`${RETRIES} concurrent creates with one key and two bodies on ${backend}: ${tally(responses.map(({ r }) => r.statusCode))}`)
  const created = responses.filter(({ r }) => r.statusCode === 201)
  const refused = responses.filter(({ r }) => r.statusCode === 422)
  t.equal(created.length + refused.length, RETRIES, 'only 201 and 422 are answered')
  const winningParity = created[0]!.i % 2
  t.ok(created.every(({ i }) => i % 2 === winningParity), 'every 201 carries the body that claimed the key')
  t.ok(refused.every(({ i }) => i % 2 !== winningParity), 'every request with the other body is refused')
  t.equal(refused.length, RETRIES / 2, 'all half of them')
  t.ok(refused.every(({ r }) => r.json().type === '/problems/idempotency-key-reused'), 'as a problem naming the reuse')
  t.equal(new Set(created.map(({ r }) => r.json().id)).size, 1, 'the 201s share one id')
  const rows = await database.db.selectFrom('findings').select('reference').where('reference', 'in', [first.reference, second.reference]).execute()
  t.same(rows.map((r) => r.reference), [winningParity === 0 ? first.reference : second.reference], 'one row, of the winning body')
})

t.test(`${RETRIES} concurrent retries of one progress update make one update`, async (t) => {
  const finding = (await request({ method: 'POST', url: '/v1/findings', key: registrar, payload: newFindingBody('IDEM-PROGRESS'), headers: json })).json()
  const body = progressBody('Supervision checklist in use on all teams.')
  const responses = await Promise.all(Array.from({ length: RETRIES }, () => post(`/v1/findings/${finding.id}/updates`, body, 'progress-50')))
  t.ok(responses.every((r) => r.statusCode === 201), 'every retry is answered 201')
  t.equal(new Set(responses.map((r) => r.json().id)).size, 1, 'all with the same id')
  const rows = await database.db.selectFrom('progress_updates').select('id').where('finding_id', '=', finding.id).execute()
  t.equal(rows.length, 1, 'one update stored')
})
