import t, { type Test } from 'tap'
import { INSPECTIONS_SHEET, ONGOING_ACTIONS_SHEET, UPDATES_SHEET } from '../../src/domain/exchange/register-sheets.ts'
import type { RegisterDocument } from '../../src/domain/exchange/register-document.ts'
import { type SheetSpec, formatCell } from '../../src/domain/exchange/sheets/layout.ts'
import { toCsv } from '../../src/domain/shared/csv.ts'
import { buildTestApp } from '../helper.ts'
import { type Part, multipart } from './multipart.ts'
import { exported, populatedRegister } from './populated.ts'

const { source, original } = await populatedRegister(t)

const SHEETS = ['findings', 'actions', 'inspections', 'governance-groups', 'updates', 'ongoing-actions', 'reviews', 'evidence', 'milestones', 'date-history']

async function exportedCsv(t: Test, sheets: string[]): Promise<Part[]> {
  const files: Part[] = []
  for (const sheet of sheets) {
    const response = await source.request({ method: 'GET', url: `/v1/exports/register?force=cleveland&format=csv&sheet=${sheet}` })
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /^text\/csv/)
    files.push({ field: sheet, filename: `${sheet}.csv`, contentType: 'text/csv', data: response.body })
  }
  return files
}

t.test('CSV: one file per sheet imports back without loss', async (t) => {
  const files = await exportedCsv(t, SHEETS)
  const [findings, , , , updates, , , evidence, milestones, history] = files.map((f) => String(f.data))
  t.match(updates, /'=SUM\(A1\)/, 'a formula-like text is guarded in the CSV')
  t.match(findings!.split('\r\n')[0], /^Reference,Kind,Title,Text,Scope,Inspection,Inspection title,.*,Created at \(UTC\),Updated at \(UTC\)$/)
  t.match(findings, /\r\n547,recommendation,/, 'CSV keeps the codes')
  t.equal(evidence!.split('\r\n')[0], 'Update,Finding,Title,Kind,Location,Date')
  t.match(evidence, /,547,Prevention strategy v2,policy,SharePoint\/Prevention,2020-06-01\r\n/)
  t.match(evidence, /,547,Minutes of the problem-solving board,meeting_record,,\r\n/)
  t.equal(milestones!.split('\r\n').length, 5, 'a header, three milestones and the last line break')
  t.match(history!.split('\r\n')[0], 'Ongoing action,Finding,Action,Expected completion,Reason,Changed at (UTC)')
  t.match(history, /,547,Evaluate problem-solving plans,2021-03-31,Evaluation partner changed,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\r\n/, 'timestamps as ISO text with their Z')

  const again = await source.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart(files) })
  t.equal(again.statusCode, 200, again.body)
  t.match(again.json().changes, { findings: { created: 0, updated: 0 }, inspections: { updated: 0 }, updates: { created: 0, updated: 0 }, ongoingActions: { created: 0, updated: 0 } }, 'into its own register: nothing to change')
  t.same(again.json().warnings, [])

  const target = await buildTestApp(t)
  const imported = await target.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart(files) })
  t.equal(imported.statusCode, 200, imported.body)
  t.same(await exported(t, target), original, 'identical, guard marks stripped')
})

/** A sheet as exports wrote it before lists had sheets of their own: the list a JSON column, and no export-only columns. */
function olderCsv(spec: SheetSpec, rows: Array<Record<string, unknown>>): string {
  return toCsv(
    rows,
    spec.columns.filter((c) => !c.exportOnly).map((c) => ({ header: c.header.replace(' (UTC)', ''), value: (row: Record<string, unknown>) => formatCell(c.type, row[c.key], 'csv') }))
  )
}

t.test('CSV files exported before the lists had sheets of their own still import without loss', async (t) => {
  const doc = original as unknown as RegisterDocument
  const updates = doc.findings.flatMap((f) => (f.updates ?? []).map((u) => ({ ...u, finding: f.reference })))
  const ongoing = updates.flatMap((u) => (u.ongoingActions ?? []).map((a) => ({ ...a, update: u.id })))
  const files: Part[] = [
    ...(await exportedCsv(t, ['findings', 'actions', 'governance-groups', 'reviews'])),
    { field: 'inspections', filename: 'inspections.csv', contentType: 'text/csv', data: olderCsv(INSPECTIONS_SHEET, doc.inspections) },
    { field: 'updates', filename: 'updates.csv', contentType: 'text/csv', data: olderCsv(UPDATES_SHEET, updates) },
    { field: 'ongoing-actions', filename: 'ongoing-actions.csv', contentType: 'text/csv', data: olderCsv(ONGOING_ACTIONS_SHEET, ongoing) }
  ]
  t.match(String(files[5]!.data), /,Evidence\r\n/, 'the evidence as a JSON column')
  const target = await buildTestApp(t)
  const imported = await target.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart(files) })
  t.equal(imported.statusCode, 200, imported.body)
  t.same(imported.json().warnings, [])
  t.same(await exported(t, target), original)
})
