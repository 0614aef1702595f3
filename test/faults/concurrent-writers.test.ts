import t from 'tap'
import { backend, buildTestApp } from '../helper.ts'
import { json, newFindingBody, progressBody, sleep, tally } from './fixture.ts'

/**
 * Fifty writers on one finding at once, on either backend: optimistic concurrency lets exactly one
 * of those holding the same ETag win, appends all land, and writers that re-read and retry on 412
 * all get their change in, none lost.
 */
const WRITERS = 50

const { request, createKey, database } = await buildTestApp(t)
const registrar = await createKey('registrar', 'cleveland')
const send = (options: Parameters<typeof request>[0]) => request({ key: registrar, ...options })

async function newFinding(reference: string): Promise<string> {
  const created = await send({ method: 'POST', url: '/v1/findings', payload: newFindingBody(reference), headers: json })
  if (created.statusCode !== 201) throw new Error(`could not create a finding: ${created.body}`)
  return created.json().id
}

async function allHistory(id: string) {
  const items: Array<{ action: string; after: Record<string, unknown> | null }> = []
  let cursor: string | null = null
  do {
    const page = await send({ method: 'GET', url: `/v1/findings/${id}/history?limit=500${cursor ? `&cursor=${cursor}` : ''}` })
    items.push(...page.json().items)
    cursor = page.json().nextCursor
  } while (cursor !== null)
  return items
}

t.test(`${WRITERS} PATCHes with the same If-Match: one 200, the rest 412, the winner's change kept`, async (t) => {
  const id = await newFinding('RACE-ETAG')
  const url = `/v1/findings/${id}`
  const responses = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) =>
      send({ method: 'PATCH', url, payload: { deliveryLead: `Inspector ${i}` }, headers: { ...json, 'if-match': '"1"' } })
    )
  )
  const statuses = responses.map((r) => r.statusCode)
  t.comment(`${WRITERS} racing PATCHes on ${backend}: ${tally(statuses)}`)
  t.equal(statuses.filter((s) => s === 200).length, 1, 'exactly one writer wins')
  t.equal(statuses.filter((s) => s === 412).length, WRITERS - 1, 'every other writer is told its ETag is stale')
  const losers = responses.filter((r) => r.statusCode === 412)
  t.ok(losers.every((r) => /^application\/problem\+json/.test(String(r.headers['content-type'])) && r.json().type === '/problems/precondition-failed'), 'each 412 is a problem')

  const winner = responses.find((r) => r.statusCode === 200)!
  t.equal(winner.headers.etag, '"2"', 'the winner gets the next ETag')
  const final = await send({ method: 'GET', url })
  t.equal(final.json().deliveryLead, winner.json().deliveryLead, "the winner's change is the one kept")
  t.equal(final.json().version, 2, 'the version moved on exactly once')
  const updates = (await allHistory(id)).filter((h) => h.action === 'update')
  t.equal(updates.length, 1, 'one change in the history')
})

t.test(`${WRITERS} concurrent progress updates on one finding all land`, async (t) => {
  const id = await newFinding('RACE-UPDATES')
  const responses = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) =>
      send({ method: 'POST', url: `/v1/findings/${id}/updates`, payload: progressBody(`Position ${i}`), headers: json })
    )
  )
  t.comment(`${WRITERS} concurrent progress updates on ${backend}: ${tally(responses.map((r) => r.statusCode))}`)
  t.ok(responses.every((r) => r.statusCode === 201), 'every update is accepted')
  const rows = await database.db.selectFrom('progress_updates').select('position').where('finding_id', '=', id).execute()
  t.equal(rows.length, WRITERS, 'and stored')
  t.same(new Set(rows.map((r) => r.position)), new Set(Array.from({ length: WRITERS }, (_, i) => `Position ${i}`)), 'each one once')
  const listed = await send({ method: 'GET', url: `/v1/findings/${id}/updates?limit=500` })
  t.equal(listed.json().items.length, WRITERS, 'the API lists all of them')
})

t.test(`${WRITERS} writers that re-read and retry on 412: every change gets in, none lost`, async (t) => {
  const id = await newFinding('RACE-RETRY')
  const url = `/v1/findings/${id}`
  let attempts = 0
  const otherStatuses: number[] = []
  const writer = async (i: number) => {
    for (let round = 0; ; round++) {
      const read = await send({ method: 'GET', url })
      attempts++
      const patch = await send({ method: 'PATCH', url, payload: { forceLead: `Writer ${i}` }, headers: { ...json, 'if-match': String(read.headers.etag) } })
      if (patch.statusCode === 200) return
      if (patch.statusCode !== 412) otherStatuses.push(patch.statusCode)
      if (otherStatuses.length > 0) return
      // Exponential backoff with jitter, as a well-behaved client retries: fewer collisions next time.
      await sleep(Math.random() * Math.min(400, 10 * 2 ** round))
    }
  }
  await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)))
  t.comment(`${WRITERS} retrying writers on ${backend}: ${attempts} attempts for ${WRITERS} changes`)
  t.same(otherStatuses, [], 'only 200 and 412 are answered')

  const final = (await send({ method: 'GET', url })).json()
  t.equal(final.version, 1 + WRITERS, 'the version moved on once per writer')
  const changes = (await allHistory(id)).filter((h) => h.action === 'update').map((h) => h.after?.forceLead)
  t.equal(changes.length, WRITERS, 'the history shows one change per writer')
  t.same(new Set(changes), new Set(Array.from({ length: WRITERS }, (_, i) => `Writer ${i}`)), "each writer's change, none lost")
})
