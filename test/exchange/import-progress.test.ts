import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { applyDocument } from '../../src/domain/exchange/apply-document.ts'
import { resolveDeadline } from '../../src/domain/findings/deadlines.ts'
import { type RegisterDocument, RegisterDocumentError, checkDocument } from '../../src/domain/exchange/register-document.ts'
import { openTestDatabase } from '../helper.ts'

// Large enough to take several steps and several statements per table; small enough to stay quick.
const N = 1200
const ACTOR = { keyId: null, requestId: 'test:import-progress' }
const uuid = (n: number, kind: number) => `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`

/** A register of N findings, every third a cause of concern with a recommendation under it, each with actions and progress. */
function register(n = N): RegisterDocument {
  return checkDocument({
    format: 'peel-register.register/v1',
    force: 'cleveland',
    governanceGroups: [{ name: 'Progress board' }],
    inspections: [{ key: 'progress-test', title: 'Progress test', kind: 'other', category: 'other_national_thematic', scope: 'force', year: 2024, publishedOn: '2024-03-01' }],
    findings: Array.from({ length: n }, (_, i) => ({
      reference: `P-${String(i).padStart(5, '0')}`,
      kind: i % 3 === 0 ? 'cause_of_concern' : i % 3 === 1 ? 'recommendation' : 'area_for_improvement',
      // A recommendation late in the document under a cause of concern early in it, and the other way round.
      ...(i % 3 === 1 ? { parent: `P-${String((n - i) - ((n - i) % 3)).padStart(5, '0')}` } : {}),
      inspection: 'progress-test',
      scope: 'force',
      title: `Finding ${i}`,
      text: `Finding number ${i}.`,
      deadlineText: 'within six months',
      governanceGroup: 'Progress board',
      status: 'open',
      portalStatus: i % 4 === 0 ? 'not_on_portal' : 'open',
      questions: i % 5 === 0 ? [{ framework: 'peel-2018', ref: '1' }] : [],
      actions: [{ text: 'Agree the plan' }, { text: 'Report to the board', status: 'done' }],
      updates: [
        {
          id: uuid(i, 1),
          createdAt: '2024-06-01T09:00:00.000Z',
          position: `Position ${i}`,
          activities: 'Activities.',
          ongoingActions: [{ id: uuid(i, 2), description: 'Train supervisors', expectedCompletion: '2025-01-31', status: 'ongoing' }]
        }
      ],
      reviews: [{ id: uuid(i, 3), createdAt: '2024-07-01T09:00:00.000Z', outcome: 'embed_and_sustain', rationale: 'On track.', governanceGroup: 'Progress board' }]
    }))
  })
}

const { db } = await openTestDatabase(t)
const auditCount = async () => Number((await sql<{ n: number }>`select count(*)::int as n from audit_log where action = 'import'`.execute(db)).rows[0]!.n)

function checkCalls(t: Test, calls: Array<[number, number]>, total: number) {
  t.ok(calls.length > 2, `reported along the way (${calls.length} calls)`)
  t.same(calls[0], [0, total], 'first: none done')
  t.same(calls.at(-1), [total, total], 'last: all done')
  t.ok(calls.every(([, of]) => of === total), 'always of the same total')
  t.ok(calls.every(([done], k) => k === 0 || done > calls[k - 1]![0]), 'strictly increasing')
}

t.test('a dry run reports its progress, and writes nothing', async (t) => {
  const calls: Array<[number, number]> = []
  const report = await applyDocument(db, ACTOR, register(), { dryRun: true, onProgress: (done, total) => calls.push([done, total]) })
  t.same(report.findings, { created: N, updated: 0, unchanged: 0 })
  checkCalls(t, calls, N)
  t.equal(await auditCount(), 0)
  t.equal((await sql<{ n: number }>`select count(*)::int as n from findings where force_code = 'cleveland'`.execute(db)).rows[0]!.n, 0)
})

t.test('an import of many findings: progress, audit trail, counts', async (t) => {
  const calls: Array<[number, number]> = []
  const report = await applyDocument(db, ACTOR, register(), { onProgress: (done, total) => calls.push([done, total]) })
  t.same(report, {
    inspections: { created: 1, updated: 0, unchanged: 0 },
    governanceGroups: { created: 1, updated: 0, unchanged: 0 },
    findings: { created: N, updated: 0, unchanged: 0 },
    updates: { created: N, updated: 0, unchanged: 0 },
    ongoingActions: { created: N, updated: 0, unchanged: 0 },
    reviews: { created: N, updated: 0, unchanged: 0 },
    changedFindings: []
  })
  checkCalls(t, calls, N)

  const trail = (await sql<{ entity_type: string; entity_id: string }>`select entity_type, entity_id from audit_log where action = 'import' order by id`.execute(db)).rows
  const types = trail.map((r) => r.entity_type)
  t.same(types.slice(0, 2 + N), ['governance_group', 'inspection', ...Array(N).fill('finding')], 'the register first, findings in document order')
  t.same(types.slice(2 + N), Array.from({ length: N }, () => ['progress_update', 'ongoing_action', 'review']).flat(), 'then each finding\'s progress, in document order')
  t.same(trail.slice(2 + N).filter((_, k) => k % 3 === 0).map((r) => r.entity_id), Array.from({ length: N }, (_, i) => uuid(i, 1)))

  const findings = (await sql<{ reference: string; version: number; parent: string | null; due_date: string | null; actions: number; questions: number }>`
    select f.reference, f.version, p.reference as parent, f.due_date::text,
      (select count(*)::int from finding_actions a where a.finding_id = f.id) as actions,
      (select count(*)::int from finding_questions q where q.finding_id = f.id) as questions
    from findings f left join findings p on p.id = f.parent_id where f.force_code = 'cleveland' order by f.reference`.execute(db)).rows
  t.equal(findings.length, N)
  t.ok(findings.every((f) => f.version === 1 && f.actions === 2 && f.due_date === resolveDeadline('within six months', '2024-03-01')), 'each at version 1, with its actions and its deadline worked out')
  t.equal(findings.filter((f) => f.parent !== null).length, Math.floor((N + 1) / 3), 'every recommendation under its cause of concern')
  t.equal(findings.filter((f) => f.questions === 1).length, N / 5)

  const counts = await sql`select category, kind, open, open_not_on_portal, on_portal from finding_counts where force_code = 'cleveland' order by 1, 2`.execute(db)
  const recounted = await sql`
    select coalesce(i.category, '') as category, f.kind,
      count(*) filter (where f.status in ('open', 'closure_requested'))::int as open,
      count(*) filter (where f.status in ('open', 'closure_requested') and f.portal_status <> 'open')::int as open_not_on_portal,
      count(*) filter (where f.portal_status = 'open')::int as on_portal
    from findings f left join inspections i on i.id = f.inspection_id where f.force_code = 'cleveland' group by 1, 2 order by 1, 2`.execute(db)
  t.same(counts.rows, recounted.rows, 'the summary counts match the register')
})

t.test('the same document again changes nothing; a changed one changes what changed', async (t) => {
  const events = await auditCount()
  const again = await applyDocument(db, ACTOR, register())
  t.same([again.findings, again.updates, again.ongoingActions, again.reviews], Array(4).fill({ created: 0, updated: 0, unchanged: N }))
  t.equal(await auditCount(), events, 'no audit entries')

  const changed = register()
  changed.findings.forEach((f, i) => {
    if (i % 2 === 0) f.forceLead = `Lead ${i}`
    if (i % 3 === 0) f.actions = [{ text: 'One action now' }]
  })
  const update = changed.findings[7]!.updates![0]!.ongoingActions![0]!
  update.status = 'completed'
  const report = await applyDocument(db, ACTOR, changed)
  t.same(report.findings, { created: 0, updated: N / 2 + N / 6, unchanged: N - N / 2 - N / 6 })
  t.same(report.ongoingActions, { created: 0, updated: 1, unchanged: N - 1 })
  t.equal(report.changedFindings.length, N / 2 + N / 6, 'every finding changed is named')
  const named = (i: number) => report.changedFindings.find((c) => c.reference === changed.findings[i]!.reference)?.fields
  t.same([named(0), named(2), named(3), named(1)], [['forceLead', 'actions'], ['forceLead'], ['actions'], undefined], 'with the fields it changed')
  t.equal(await auditCount(), events + N / 2 + N / 6 + 1)
  const versions = (await sql<{ reference: string; version: number; actions: number }>`
    select reference, version, (select count(*)::int from finding_actions a where a.finding_id = f.id) as actions from findings f where force_code = 'cleveland' order by reference`.execute(db)).rows
  t.same(versions.slice(0, 4), [
    { reference: 'P-00000', version: 2, actions: 1 },
    { reference: 'P-00001', version: 1, actions: 2 },
    { reference: 'P-00002', version: 2, actions: 2 },
    { reference: 'P-00003', version: 2, actions: 1 }
  ])
})

t.test('a problem found along the way stops the import short of its last report', async (t) => {
  const doc = register()
  doc.findings[N - 1]!.updates![0]!.position = 'Rewritten'
  const calls: Array<[number, number]> = []
  const error = await applyDocument(db, ACTOR, doc, { onProgress: (done, total) => calls.push([done, total]) }).catch((e: unknown) => e)
  t.ok(error instanceof RegisterDocumentError)
  t.match((error as RegisterDocumentError).problems, [{ path: `/findings/${N - 1}/updates/0`, message: /never edited/ }])
  t.same(calls[0], [0, N])
  t.ok(calls.every(([done]) => done < N), 'never all done')
})
