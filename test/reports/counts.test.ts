import type { Test } from 'tap'
import { sql } from 'kysely'
import t from 'tap'
import { summaryCounts, summaryCountsFromRegister } from '../../src/domain/reports/reports.repository.ts'
import { backend } from '../helper.ts'
import { exampleApp } from './example.ts'

// The summary reads counts that triggers keep; these must always equal a count of the register.
const app = await exampleApp(t)
const { database, request, idOf, patchFinding, patchInspection, closure } = app

const key = (r: { category: string | null; kind: string }) => `${r.category ?? '-'}|${r.kind}`
async function agree(t: Test, force = 'cleveland', what = 'the kept counts equal a count of the register') {
  const kept = (await summaryCounts(database.db, force)).filter((r) => r.open || r.open_not_on_portal || r.on_portal)
  const counted = await summaryCountsFromRegister(database.db, force)
  const shape = (rows: typeof counted) => Object.fromEntries(rows.map((r) => [key(r), [r.open, r.open_not_on_portal, r.on_portal]]))
  t.same(shape(kept), shape(counted.filter((r) => r.open || r.open_not_on_portal || r.on_portal)), what)
}

t.test('after loading the example register', async (t) => {
  await agree(t)
  t.ok((await summaryCounts(database.db, 'cleveland')).length > 0)
})

t.test('through every kind of write that moves a finding between cells', async (t) => {
  const created = await request({ method: 'POST', url: '/v1/findings', payload: { force: 'cleveland', reference: 'CNT-1', kind: 'area_for_improvement', title: 'x', text: 'x', portalStatus: 'not_on_portal' } })
  t.equal(created.statusCode, 201)
  const cnt = created.json() as { id: string; version: number }
  await agree(t, 'cleveland', 'a new finding with no inspection')
  await patchFinding('547', { portalStatus: 'closed' })
  await agree(t, 'cleveland', 'a portal status change')
  await patchFinding('548', { kind: 'area_for_improvement', parentId: null })
  await agree(t, 'cleveland', 'a change of kind')
  const inspections = (await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=500' })).json().items as Array<{ id: string; key: string; category: string }>
  const moved = await request({ method: 'PATCH', url: `/v1/findings/${cnt.id}`, headers: { 'if-match': `"${cnt.version}"` }, payload: { inspectionId: inspections[0]!.id } })
  t.equal(moved.statusCode, 200, moved.body)
  await agree(t, 'cleveland', 'a finding moved to an inspection')
  const other = inspections.find((i) => i.category !== 'cdi')!
  await patchInspection(other.key, { category: 'cdi' })
  await agree(t, 'cleveland', "an inspection's category changed: its findings move with it")
  await closure('549', ['submit'])
  await agree(t, 'cleveland', 'a closure request under way')
  await closure('550', ['submit', 'approve', 'send_to_fll', 'close'])
  t.equal((await request({ method: 'GET', url: `/v1/findings/${idOf('550')}` })).json().status, 'closed')
  await agree(t, 'cleveland', 'closed by the inspectorate')
  const doc = (await request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })).json()
  const open = doc.findings.filter((f: { status: string; reference: string }) => f.status === 'open' && !['549'].includes(f.reference)).slice(0, 10)
  for (const f of open) f.status = 'closed'
  const imported = await request({ method: 'POST', url: '/v1/imports', payload: doc })
  t.equal(imported.statusCode, 200, imported.body)
  t.equal(imported.json().changes.findings.updated, 10)
  await agree(t, 'cleveland', 'an import that closes ten findings')
  // Rows are never deleted from finding_counts by moves, only emptied: the comparison ignores empty cells.
  await sql`delete from findings where reference = 'CNT-1' and force_code = 'cleveland'`.execute(database.db)
  await agree(t, 'cleveland', 'a finding removed')
})

t.test('statements that write many findings at once, as an import does', async (t) => {
  const inspection = (await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=1' })).json().items[0] as { id: string }
  // As an import writes them: only an import may bring in closed findings (closedVia import).
  const asImport = (statement: ReturnType<typeof sql>) =>
    database.db.transaction().execute(async (trx) => {
      await sql`select set_config('peel_register.writer', 'import', true)`.execute(trx)
      await statement.execute(trx)
    })
  await asImport(sql`insert into findings (force_code, reference, kind, title, text, scope, status, closed_via, portal_status, inspection_id)
            select 'cleveland', 'MANY-' || n, (array['recommendation', 'area_for_improvement'])[1 + n % 2], 'x', 'x', 'force',
                   (array['open', 'closed', 'superseded'])[1 + n % 3], case when n % 3 = 1 then 'import' end, (array['open', 'closed', 'not_on_portal'])[1 + n % 3],
                   case when n % 4 = 0 then null else ${inspection.id}::uuid end
            from generate_series(1, 60) n`)
  await agree(t, 'cleveland', 'sixty findings inserted by one statement')
  await asImport(sql`update findings set status = 'closed', closed_via = 'import', portal_status = 'open' where reference like 'MANY-%' and reference < 'MANY-4'`)
  await agree(t, 'cleveland', 'many findings changed by one statement')
  await sql`update findings set force_lead = 'Someone' where reference like 'MANY-%'`.execute(database.db)
  await agree(t, 'cleveland', 'an update of columns the counts do not read')
  await sql`delete from findings where reference like 'MANY-%'`.execute(database.db)
  await agree(t, 'cleveland', 'all of them deleted by one statement')
})

t.test('concurrent writers: a category change racing new findings', { skip: backend === 'embedded' && 'the embedded database runs one transaction at a time' }, async (t) => {
  const inspection = (await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=1' })).json().items[0] as { id: string }
  const writes = Array.from({ length: 20 }, (_, i) =>
    database.db.transaction().execute(async (trx) => {
      if (i % 5 === 0) {
        await sql`update inspections set category = ${['ncpi', 'cdi', 'local_peel', 'national_peel'][(i / 5) % 4]} where id = ${inspection.id}`.execute(trx)
      } else {
        await sql`insert into findings (force_code, reference, kind, title, text, scope, status, portal_status, inspection_id)
                  values ('cleveland', ${`RACE-${i}`}, 'recommendation', 'x', 'x', 'force', 'open', 'open', ${inspection.id})`.execute(trx)
      }
    })
  )
  await Promise.all(writes)
  await agree(t, 'cleveland', 'still equal after racing writers')
})
