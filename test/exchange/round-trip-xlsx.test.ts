import ExcelJS from 'exceljs'
import t from 'tap'
import { columnLetters } from '../../src/domain/exchange/sheets/table.ts'
import { buildTestApp } from '../helper.ts'
import { XLSX, multipart } from './multipart.ts'
import { type Doc, exported, populatedRegister } from './populated.ts'

const { source, original } = await populatedRegister(t)

t.test('XLSX: the workbook imports back without loss', async (t) => {
  const response = await source.request({ method: 'GET', url: '/v1/exports/register?force=cleveland&format=xlsx' })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], XLSX)
  const workbook = response.rawPayload
  t.same([...workbook.subarray(0, 2)], [0x50, 0x4b], 'a zip, as xlsx files are')

  const again = await source.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart([{ field: 'file', filename: 'register.xlsx', contentType: XLSX, data: workbook }]) })
  t.equal(again.statusCode, 200, again.body)
  t.match(again.json().changes, { findings: { created: 0, updated: 0, unchanged: 90 }, inspections: { updated: 0 }, updates: { unchanged: 1 }, ongoingActions: { unchanged: 2, updated: 0 }, reviews: { unchanged: 1 } }, 'into its own register: nothing to change')
  t.same(again.json().warnings, [], 'the export-only columns are recognised, not reported as ignored')

  const target = await buildTestApp(t)
  const imported = await target.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart([{ field: 'file', filename: 'register.xlsx', contentType: XLSX, data: workbook }]) })
  t.equal(imported.statusCode, 200, imported.body)
  t.same(await exported(t, target), original, 'into an empty register: identical (milestones, evidence and date history included)')
})

type Row = Record<string, ExcelJS.CellValue>

/** A sheet's rows keyed by header, and the number format of each cell (by header too). */
function rowsOf(sheet: ExcelJS.Worksheet): Array<{ values: Row; formats: Record<string, string | undefined> }> {
  const headers = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String)
  const rows = []
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r)
    const values: Row = {}
    const formats: Record<string, string | undefined> = {}
    headers.forEach((header, i) => {
      const cell = row.getCell(i + 1)
      values[header] = cell.value
      formats[header] = cell.numFmt
    })
    rows.push({ values, formats })
  }
  return rows
}

t.test('XLSX: what an analyst opens', async (t) => {
  const response = await source.request({ method: 'GET', url: '/v1/exports/register?force=cleveland&format=xlsx' })
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer)
  t.same(
    workbook.worksheets.map((s) => s.name),
    ['Findings', 'Actions', 'Inspections', 'Milestones', 'Governance groups', 'Updates', 'Evidence', 'Ongoing actions', 'Date history', 'Reviews'],
    "each list on a sheet of its own, after its owner's"
  )
  for (const sheet of workbook.worksheets) {
    const columns = sheet.getRow(1).cellCount
    t.equal(sheet.autoFilter, `A1:${columnLetters(columns - 1)}${Math.max(1, sheet.rowCount)}`, `${sheet.name}: a filter over the header and every row`)
    t.match(sheet.views[0], { state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2' }, `${sheet.name}: the header stays in view`)
  }

  const doc = original as Doc & { inspections: Array<{ key: string; title: string }> }
  const dateTime = 'yyyy-mm-dd hh:mm:ss'
  const findings = rowsOf(workbook.getWorksheet('Findings')!)
  t.equal(findings.length, doc.findings.length)
  const f547 = findings.find((f) => f.values.Reference === '547')!
  t.match(f547.values, { Kind: 'Recommendation', Scope: 'Force-specific', Status: 'Open', 'Portal status': 'Open' }, 'labels, not codes')
  t.equal(f547.values['Inspection title'], doc.inspections.find((i) => i.key === f547.values.Inspection)?.title, "the inspection's title beside its key")
  t.ok(f547.values['Created at (UTC)'] instanceof Date && f547.values['Updated at (UTC)'] instanceof Date, 'created and updated as date-time cells')
  t.equal(f547.formats['Created at (UTC)'], dateTime)
  t.equal(f547.formats['Updated at (UTC)'], dateTime)
  const kinds = new Set(findings.map((f) => f.values.Kind))
  t.same([...kinds].sort(), ['Area for improvement', 'Cause of concern', 'Recommendation'])
  t.same([...new Set(findings.map((f) => f.values['Portal status']))].sort(), ['Closed', 'Open'])
  const dated = findings.find((f) => f.values['Due date'] instanceof Date)
  t.equal(dated?.formats['Due date'], 'yyyy-mm-dd', 'a date column stays a date')
  t.notOk(
    findings.some((f) => ['Kind', 'Scope', 'Status', 'Portal status'].some((h) => String(f.values[h] ?? '').includes('_'))),
    'no code with underscores in an enum column'
  )

  const inspections = rowsOf(workbook.getWorksheet('Inspections')!)
  t.notOk('Milestones' in inspections[0]!.values, 'milestones are no longer JSON in a cell')
  t.ok(inspections.every((i) => !String(i.values.Category).includes('_') && !String(i.values.Kind).includes('_')))
  t.ok(inspections.some((i) => i.values.Category === 'National Child Protection Inspection (NCPI)'), 'categories as 001 section 2.1 prints them')

  const milestones = rowsOf(workbook.getWorksheet('Milestones')!)
  t.equal(milestones.length, 3)
  t.match(milestones[1]!.values, { Kind: 'PEEL Assessment and Resourcing Meeting (PARM)', Date: new Date('2021-09-19T00:00:00Z'), 'Date as published': 'Week commencing 19th September 2021' })
  t.equal(milestones[1]!.formats.Date, 'yyyy-mm-dd')
  t.equal(milestones[1]!.values['Inspection title'], doc.inspections.find((i) => i.key === milestones[1]!.values.Inspection)?.title)

  const updates = rowsOf(workbook.getWorksheet('Updates')!)
  t.equal(updates.length, 1)
  t.notOk('Evidence' in updates[0]!.values, 'evidence is no longer JSON in a cell')
  t.ok(updates[0]!.values['Created at (UTC)'] instanceof Date)
  t.equal(updates[0]!.formats['Created at (UTC)'], dateTime)
  const evidence = rowsOf(workbook.getWorksheet('Evidence')!)
  t.same(
    evidence.map((e) => e.values),
    [
      { Update: updates[0]!.values.Id, Finding: '547', Title: 'Prevention strategy v2', Kind: 'Policy', Location: 'SharePoint/Prevention', Date: new Date('2020-06-01T00:00:00Z') },
      { Update: updates[0]!.values.Id, Finding: '547', Title: 'Minutes of the problem-solving board', Kind: 'Meeting record', Location: null, Date: null }
    ]
  )

  const ongoing = rowsOf(workbook.getWorksheet('Ongoing actions')!)
  t.same(ongoing.map((a) => [a.values.Finding, a.values.Status]), [['547', 'Ongoing'], ['547', 'Not started']])
  t.notOk('Date history' in ongoing[0]!.values)
  const history = rowsOf(workbook.getWorksheet('Date history')!)
  t.same(
    history.map((d) => [d.values['Ongoing action'], d.values.Action, d.values['Expected completion'], d.values.Reason]),
    [
      [ongoing[0]!.values.Id, 'Evaluate problem-solving plans', new Date('2020-12-31T00:00:00Z'), null],
      [ongoing[0]!.values.Id, 'Evaluate problem-solving plans', new Date('2021-03-31T00:00:00Z'), 'Evaluation partner changed'],
      [ongoing[1]!.values.Id, 'Train sergeants', null, null]
    ],
    'every expected date, oldest first'
  )
  t.ok(history.every((d) => d.values['Changed at (UTC)'] instanceof Date && d.formats['Changed at (UTC)'] === dateTime))

  const reviews = rowsOf(workbook.getWorksheet('Reviews')!)
  t.match(reviews[0]!.values, { Outcome: 'Further work to embed and sustain' })
  t.equal(reviews[0]!.formats['Created at (UTC)'], dateTime)
})
