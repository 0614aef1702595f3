import t from 'tap'
import { exampleApp } from './example.ts'

const { request, keys, ok, idOf, patchFinding, createGroup, addUpdate, addReview, closure } = await exampleApp(t)

const crime = await createGroup('Crime DAG')
const other = await createGroup('Vulnerability DAG')
for (const reference of ['502', '503', '504', '449']) await patchFinding(reference, { governanceGroupId: crime.id })
await patchFinding('505', { governanceGroupId: other.id })

const today = new Date().toISOString().slice(0, 10)
const pack = async (query = '', key: string = keys.viewer, id = crime.id) =>
  request({ method: 'GET', url: `/v1/governance-groups/${id}/board-pack?asOf=2018-10-01${query}`, key })
const refs = (list: Array<{ reference: string }>) => list.map((x) => x.reference)

t.test('before the group has met: nothing to review, everything since the start', async (t) => {
  const body = await ok(await pack(), 200)
  t.match(body.group, { id: crime.id, name: 'Crime DAG', force: 'cleveland' })
  t.equal(body.asOf, '2018-10-01')
  t.equal(body.since, null)
  t.equal(body.lastMeeting, null)
  t.same([body.dueForReview, body.awaitingBoard, body.slippage], [[], [], []])
  // 503 and 504 are due by September 2018 (30 Sep): a day overdue; 502 (31 Oct) is not.
  t.same(body.overdue.findings.map((f: { reference: string; daysOverdue: number }) => [f.reference, f.daysOverdue]), [['503', 1], ['504', 1]])
  t.same(body.overdue.ongoingActions, [])
})

t.test('after a meeting, updates, a slipped date and a closure request sent to the board', async (t) => {
  await addReview('503', crime.id, 'remedial_action')
  const remedial = await addUpdate('503', { position: 'Remedial plan agreed.' })
  const training = await addUpdate('502', { position: 'Training under way.', ongoingActions: [{ description: 'Train all investigators', expectedCompletion: '2018-09-01' }] })
  await addReview('502', crime.id)
  const audit = await addUpdate('449', { position: 'Audit planned.', ongoingActions: [{ description: 'Audit investigation files', expectedCompletion: '2018-09-15' }] })
  const elsewhere = await addUpdate('505', { ongoingActions: [{ description: 'Another group’s action', expectedCompletion: '2018-09-01' }] })

  const action = training.ongoingActions[0]
  const slip = (findingRef: string, id: string, version: number, expectedCompletion: string, reason: string) =>
    request({
      method: 'PATCH',
      url: `/v1/findings/${idOf(findingRef)}/ongoing-actions/${id}`,
      key: keys.contributor,
      payload: { expectedCompletion, reason },
      headers: { 'if-match': `"${version}"` }
    })
  t.equal((await slip('502', action.id, 1, '2018-11-30', 'Awaiting the training provider')).statusCode, 200)
  t.equal((await slip('502', action.id, 2, '2018-11-15', 'A provider was found')).statusCode, 200)
  t.equal((await slip('505', elsewhere.ongoingActions[0].id, 1, '2018-12-31', 'Not ours')).statusCode, 200)

  const request504 = await closure('504', ['submit'])
  await closure('505', ['submit'])
  await closure('449') // a draft is not yet the board's

  const body = await ok(await pack(), 200)
  t.equal(body.lastMeeting, today, 'the day of the latest review the group recorded')
  t.equal(body.since, today)

  // 449: an update and no review yet; 503: its update came after its review; 502 was reviewed after its update.
  t.same(refs(body.dueForReview), ['449', '503'])
  t.same(body.dueForReview[0].latestUpdate, { id: audit.id, position: 'Audit planned.', date: today })
  t.equal(body.dueForReview[0].latestReview, null)
  t.same(body.dueForReview[1].latestUpdate, { id: remedial.id, position: 'Remedial plan agreed.', date: today })
  t.match(body.dueForReview[1].latestReview, { outcome: 'remedial_action', date: today })
  t.equal(body.dueForReview[1].status, 'open')

  t.same(body.awaitingBoard, [
    {
      id: request504.id,
      findingId: idOf('504'),
      reference: '504',
      title: body.awaitingBoard[0].title,
      summary: 'Complete.',
      evidenceCount: 0,
      submittedOn: today,
      version: request504.version
    }
  ])

  // 1 Sep → 30 Nov is 90 days later; 30 Nov → 15 Nov, 15 days earlier. 505's move is the other group's.
  t.same(
    body.slippage.map((s: { reference: string; from: string; to: string; daysSlipped: number; reason: string; changedOn: string; actionId: string }) => [
      s.reference,
      s.actionId,
      s.from,
      s.to,
      s.daysSlipped,
      s.reason,
      s.changedOn
    ]),
    [
      ['502', action.id, '2018-09-01', '2018-11-30', 90, 'Awaiting the training provider', today],
      ['502', action.id, '2018-11-30', '2018-11-15', -15, 'A provider was found', today]
    ]
  )

  // 504 awaits the board and is still overdue; the audit action (15 Sep) is 16 days late; the
  // training action now expected 15 Nov is not; 505 is another group's.
  t.same(body.overdue.findings.map((f: { reference: string; status: string }) => [f.reference, f.status]), [['503', 'open'], ['504', 'closure_requested']])
  t.same(body.overdue.ongoingActions.map((a: { description: string; daysOverdue: number }) => [a.description, a.daysOverdue]), [['Audit investigation files', 16]])

  const later = await ok(await pack('&since=2099-01-01'), 200)
  t.equal(later.since, '2099-01-01', 'since as asked')
  t.equal(later.lastMeeting, today)
  t.same(later.slippage, [])
  t.equal((await ok(await pack('&since=2018-01-01'), 200)).slippage.length, 2)

  const otherPack = await ok(await pack('', keys.viewer, other.id), 200)
  t.equal(otherPack.lastMeeting, null, 'reviews by another group are not this group’s meetings')
  t.same(refs(otherPack.awaitingBoard), ['505'])
  t.same(otherPack.slippage.map((s: { reason: string }) => s.reason), ['Not ours'])
})

t.test('a group another force cannot see, or none at all, is 404', async (t) => {
  const hidden = await pack('', keys.durham)
  t.equal(hidden.statusCode, 404)
  t.match(hidden.headers['content-type'], /application\/problem\+json/)
  t.equal((await pack('', keys.viewer, '00000000-0000-4000-8000-000000000000')).statusCode, 404)
  t.equal((await pack('&since=last-week')).statusCode, 400)
})
