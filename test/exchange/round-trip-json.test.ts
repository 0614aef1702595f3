import t from 'tap'
import { buildTestApp } from '../helper.ts'
import { exported, populatedRegister } from './populated.ts'

const { source, groups, original } = await populatedRegister(t)

// Every event is an audit entry; counted at the source, since the feed may hold back entries
// while other transactions on a shared server are still running.
const countEvents = async (app: Awaited<ReturnType<typeof buildTestApp>>) =>
  Number((await app.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('force_code', '=', 'cleveland').executeTakeFirstOrThrow()).n)

t.test('the export holds the whole register', async (t) => {
  t.equal(original.findings.length, 90)
  const f = original.findings.find((x) => x.reference === '547')!
  t.match(f.updates, [{ evidence: [{ title: 'Prevention strategy v2' }], ongoingActions: [{ description: 'Evaluate problem-solving plans', expectedCompletion: '2021-03-31', dates: [{ expectedCompletion: '2020-12-31', reason: null }, { expectedCompletion: '2021-03-31', reason: 'Evaluation partner changed' }] }, { status: 'not_started' }] }])
  t.match(f.reviews, [{ outcome: 'embed_and_sustain', governanceGroup: groups[0]!.name }])
  const withActions = original.findings.filter((x) => x.actions.length > 0)
  t.ok(withActions.length > 0, 'sub-actions travel too')
  const response = await source.request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })
  t.match(response.headers['content-disposition'], /^attachment; filename="register-cleveland-\d{4}-\d{2}-\d{2}\.json"$/)
})

t.test('JSON: what one exports the other imports without loss, and a second import changes nothing', async (t) => {
  const target = await buildTestApp(t)
  const dry = await target.request({ method: 'POST', url: '/v1/imports?dryRun=true', payload: original })
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, valid: true, changes: { findings: { created: 90 }, updates: { created: 1 }, ongoingActions: { created: 2 }, reviews: { created: 1 } } })
  t.same((await target.request({ method: 'GET', url: '/v1/findings?force=cleveland' })).json().items, [], 'a dry run writes nothing')

  const first = await target.request({ method: 'POST', url: '/v1/imports', payload: original })
  t.equal(first.statusCode, 200, first.body)
  t.match(first.json(), { dryRun: false, valid: true, problems: [], changes: { findings: { created: 90, updated: 0 }, inspections: { created: 18 } } })
  t.same(await exported(t, target), original, 'exported again, identical')

  const events = await countEvents(target)
  const second = await target.request({ method: 'POST', url: '/v1/imports', payload: original })
  t.match(second.json().changes, { findings: { created: 0, updated: 0, unchanged: 90 }, updates: { unchanged: 1 }, ongoingActions: { unchanged: 2 }, reviews: { unchanged: 1 } })
  t.equal(await countEvents(target), events, 'no events for an import that changes nothing')
})
