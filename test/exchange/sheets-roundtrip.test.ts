import t from 'tap'
import { readCsv } from '../../src/domain/exchange/sheets/csv.ts'
import { formatCell, matchSheets, parseSheet } from '../../src/domain/exchange/sheets/layout.ts'
import { readWorkbook, writeWorkbook } from '../../src/domain/exchange/sheets/xlsx.ts'
import { toCsv } from '../../src/domain/shared/csv.ts'
import { findingsSheet } from './sheets-fixture.ts'

/** Values as the register holds them, with everything awkward a finding can carry. */
const findings: Record<string, unknown>[] = [
  {
    reference: 'AFI-1',
    kind: 'area_for_improvement',
    title: 'Improve the response to "repeat" victims, 24/7',
    lead: 'Supt Smith',
    status: 'open',
    dueDate: '2018-10-31',
    updatedAt: '2020-06-01T09:30:15.123Z',
    year: 2018,
    onPortal: true,
    questions: ['PEEL 1.2', 'PEEL 3.4'],
    extra: { note: 'multi\nline', n: [1, 2] }
  },
  {
    reference: '=R2',
    kind: 'recommendation',
    title: '-1 starts with a minus\nand has a second line',
    lead: '@force-lead',
    status: 'closed',
    dueDate: '2024-02-29',
    updatedAt: '2024-03-01T00:00:00.000Z',
    year: -1,
    onPortal: false,
    questions: ['+44 first'],
    extra: null
  },
  {
    reference: 'C-3',
    kind: 'cause_of_concern',
    title: 'Łódź, café, 日本語, 😀',
    lead: null,
    status: null,
    dueDate: null,
    updatedAt: null,
    year: null,
    onPortal: null,
    questions: null,
    extra: [1, 'two']
  }
]

t.test('xlsx: formatCell, writeWorkbook, readWorkbook, parseSheet give back the same values', async (t) => {
  const columns = findingsSheet.columns
  const data = await writeWorkbook([
    {
      name: 'Findings',
      columns: columns.map((c) => ({ header: c.header })),
      rows: findings.map((f) => columns.map((c) => formatCell(c.type, f[c.key])))
    }
  ])
  const { matched, unknown } = matchSheets([findingsSheet], await readWorkbook(data))
  t.strictSame(unknown, [])
  const parsed = parseSheet(findingsSheet, matched.get('Findings')!.rows)
  t.strictSame(parsed.problems, [])
  t.strictSame(parsed.ignoredColumns, [])
  t.strictSame(
    parsed.records,
    findings.map((values, i) => ({ row: i + 2, values }))
  )
})

t.test("CSV: formatCell, the shared toCsv (with its formula guard), readCsv, parseSheet give back the same values", async (t) => {
  const csv = toCsv(
    findings,
    findingsSheet.columns.map((c) => ({ header: c.header, value: (f: Record<string, unknown>) => formatCell(c.type, f[c.key], 'csv') }))
  )
  t.match(csv, /'=R2/, 'the guard was applied')
  t.match(csv, /"'-1 starts/)
  const parsed = parseSheet(findingsSheet, readCsv(Buffer.from(`\uFEFF${csv}`)))
  t.strictSame(parsed.problems, [])
  t.strictSame(
    parsed.records,
    findings.map((values, i) => ({ row: i + 2, values }))
  )
})
