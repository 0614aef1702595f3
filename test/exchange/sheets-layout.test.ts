import ExcelJS from 'exceljs'
import t from 'tap'
import { readCsv } from '../../src/domain/exchange/sheets/csv.ts'
import { type Cell, matchSheets, normaliseName, parseSheet } from '../../src/domain/exchange/sheets/layout.ts'
import { readWorkbook } from '../../src/domain/exchange/sheets/xlsx.ts'
import { actionsSheet, findingsSheet, sparse, utcDate } from './sheets-fixture.ts'

t.test('a workbook in a human layout reads into exact records', async (t) => {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('recommendations')
  sheet.mergeCells('A1:K1')
  sheet.getCell('A1').value = 'Cleveland Police – HMICFRS findings register'
  sheet.getCell('A2').value = 'Exported 1 November 2018'
  sheet.getRow(4).values = [
    'Type',
    ' Rec No. ',
    'FORCE  LEAD',
    'Notes (internal)',
    'Due Date (dd/mm/yyyy)',
    'Title',
    'Status',
    'Last updated',
    'Questions',
    'Years',
    'On Portal?',
    'RAG'
  ]
  sheet.getCell('H4').value = { richText: [{ text: 'Last ', font: { italic: true } }, { text: 'updated' }] }
  sheet.getRow(5).values = [
    'Area For Improvement',
    'AFI-1  ',
    ' Supt Smith ',
    'ignore me',
    utcDate('2018-10-31'),
    null,
    'Live',
    new Date('2020-06-01T09:30:00.000Z'),
    'PEEL 1.2\nPEEL 3.4\n',
    2018,
    'Yes',
    'Red'
  ]
  sheet.getCell('F5').value = { richText: [{ text: 'Improve ', font: { bold: true } }, { text: 'the response' }] }
  sheet.getCell('E5').numFmt = 'dd/mm/yyyy'
  sheet.getCell('H5').numFmt = 'dd/mm/yyyy hh:mm'
  // Row 6 is left blank; row 7 only has spaces.
  sheet.getRow(7).values = ['  ', ' ']
  sheet.getRow(8).values = ['CoC', 'C1', null, null, '31/10/2018', 'Title two', 'complete', '2020-06-01T10:30:00+01:00', null, '2019', 'n']
  sheet.getRow(9).values = ['recommendation', 'R1.1', 'DCC Jones', null, '1 March 2019', null, 'Open', '2020-06-01 09:30', 'single', null, true]
  sheet.getCell('F9').value = { text: 'Linked title', hyperlink: 'https://example.test/r1' }
  sheet.getCell('J9').value = { formula: '2018+2', result: 2020 }
  sheet.getRow(10).values = ['AFI', 'AFI-2', null, null, 43404, 'Title two', null, null, null, null, null]
  sheet.getCell('N10').value = 'stray note'
  const [table] = await readWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()))

  const parsed = parseSheet(findingsSheet, table!.rows, table!.name)
  t.strictSame(parsed.problems, [])
  t.strictSame(parsed.ignoredColumns, ['Notes (internal)', 'RAG', 'Column N (no header)'])
  t.strictSame(parsed.records, [
    {
      row: 5,
      values: {
        kind: 'area_for_improvement',
        reference: 'AFI-1',
        lead: 'Supt Smith',
        dueDate: '2018-10-31',
        title: 'Improve the response',
        status: 'open',
        updatedAt: '2020-06-01T09:30:00.000Z',
        questions: ['PEEL 1.2', 'PEEL 3.4'],
        year: 2018,
        onPortal: true
      }
    },
    {
      row: 8,
      values: {
        kind: 'cause_of_concern',
        reference: 'C1',
        lead: null,
        dueDate: '2018-10-31',
        title: 'Title two',
        status: 'closed',
        updatedAt: '2020-06-01T09:30:00.000Z',
        questions: null,
        year: 2019,
        onPortal: false
      }
    },
    {
      row: 9,
      values: {
        kind: 'recommendation',
        reference: 'R1.1',
        lead: 'DCC Jones',
        dueDate: '2019-03-01',
        title: 'Linked title',
        status: 'open',
        updatedAt: '2020-06-01T09:30:00.000Z',
        questions: ['single'],
        year: 2020,
        onPortal: true
      }
    },
    {
      row: 10,
      values: {
        kind: 'area_for_improvement',
        reference: 'AFI-2',
        lead: null,
        dueDate: '2018-10-31',
        title: 'Title two',
        status: null,
        updatedAt: null,
        questions: null,
        year: null,
        onPortal: null
      }
    }
  ])
})

t.test('values under no header are listed, even on a row that is otherwise blank', async (t) => {
  const parsed = parseSheet(findingsSheet, sparse([['Reference', 'Kind', 'Title'], ['R1', 'AFI', 'A title', null, 'x'], [null, null, null, 'stray note']]))
  t.strictSame(parsed.records, [{ row: 2, values: { reference: 'R1', kind: 'area_for_improvement', title: 'A title' } }])
  t.strictSame(parsed.ignoredColumns, ['Column D (no header)', 'Column E (no header)'])
  t.strictSame(parsed.problems, [])
})

t.test('a semicolon CSV from European Excel, with a title line and UK dates', async (t) => {
  const csv = 'Register of findings;;\r\nRef;Type;Title;Due date\r\nR1;Recommendation;"Use; the force";01/02/2019\r\n'
  const parsed = parseSheet(findingsSheet, readCsv(csv), 'findings.csv')
  t.strictSame(parsed.problems, [])
  t.strictSame(parsed.records, [{ row: 3, values: { reference: 'R1', kind: 'recommendation', title: 'Use; the force', dueDate: '2019-02-01' } }], 'no key for a column the sheet lacks')
})

/** A sheet with a title row, so that data starts on row 3, and a header of the given cells. */
function sheetWith(header: Cell[], ...rows: Cell[][]): Cell[][] {
  return [['Findings register'], header, ...rows]
}

t.test('every value problem, with the sheet, row and column as the user sees them', async (t) => {
  const header = ['Reference', 'Type', 'Title', 'Due date', 'Year', 'On portal', 'Extra', 'Last updated']
  const rows = sheetWith(
    header,
    ['R1', 'Cause for concern', 'ok', null, null, null, null, null],
    ['R2', 'AFI', 'ok', '31/02/2020', null, null, null, null],
    ['R3', 'AFI', 'ok', null, '2018.5', null, null, null],
    [null, 'AFI', 'no reference', null, null, null, null, null],
    ['R5', 'AFI', 'ok', null, null, 'maybe', null, null],
    ['R6', 'AFI', 'ok', null, null, null, '{"a": 1', null],
    ['R7', 'AFI', 'ok', null, null, null, null, '31/10/2018'],
    ['R8', 'AFI', 'ok', new Date('2018-10-31T14:30:00.000Z'), null, null, null, null],
    ['R9-with-a-reference-far-too-long', 'AFI', 'ok', null, null, null, null, null],
    ['R10', 'AFI', 'ok', '10/31/2018', null, null, null, null],
    ['R11', 'AFI', 'ok', '31/10/18', null, null, null, null],
    ['R12', 'AFI', 'ok', 2018, 7.5, 2, null, null],
    ['R13', '   ', 'ok', null, null, null, null, null],
    ['R14', 'AFI', 'ok', null, null, null, null, '2020-13-01 10:00']
  )
  const parsed = parseSheet(findingsSheet, sparse(rows), 'Register')
  const at = (row: number, column: string, field: string, message: string) => ({ sheet: 'Register', row, column, field, message })
  t.strictSame(parsed.problems, [
    at(3, 'Type', 'kind', 'Type "Cause for concern" is not one of: cause of concern, recommendation, area for improvement'),
    at(4, 'Due date', 'dueDate', 'Due date "31/02/2020" is not a date (accepted: 2018-10-31, 31/10/2018 (day first), 31 October 2018 or a date cell)'),
    at(5, 'Year', 'year', 'Year "2018.5" is not a whole number'),
    at(6, 'Reference', 'reference', 'Reference is empty; a value is required'),
    at(7, 'On portal', 'onPortal', 'On portal "maybe" is not yes or no (accepted: yes, no, true, false, y, n, 1, 0)'),
    at(8, 'Extra', 'extra', 'Extra "{"a": 1" is not valid JSON'),
    at(
      9,
      'Last updated',
      'updatedAt',
      'Last updated "31/10/2018" is not a date and time (accepted: 2018-10-31T14:30:00Z, 2018-10-31T14:30:00+01:00, 2018-10-31 14:30 or 31/10/2018 14:30 (both read as UTC) or a date cell)'
    ),
    at(10, 'Due date', 'dueDate', 'Due date "2018-10-31 14:30" has a time of day; this column takes a date alone'),
    at(11, 'Reference', 'reference', 'Reference "R9-with-a-reference-far-too-long" is 32 characters long; the most allowed is 30'),
    at(12, 'Due date', 'dueDate', 'Due date "10/31/2018" is not a date (accepted: 2018-10-31, 31/10/2018 (day first), 31 October 2018 or a date cell)'),
    at(13, 'Due date', 'dueDate', 'Due date "31/10/18" is not a date (accepted: 2018-10-31, 31/10/2018 (day first), 31 October 2018 or a date cell)'),
    at(14, 'Due date', 'dueDate', 'Due date "2018" is not a date (accepted: 2018-10-31, 31/10/2018 (day first), 31 October 2018 or a date cell)'),
    at(14, 'Year', 'year', 'Year "7.5" is not a whole number'),
    at(14, 'On portal', 'onPortal', 'On portal "2" is not yes or no (accepted: yes, no, true, false, y, n, 1, 0)'),
    at(15, 'Type', 'kind', 'Type is empty; a value is required'),
    at(
      16,
      'Last updated',
      'updatedAt',
      'Last updated "2020-13-01 10:00" is not a date and time (accepted: 2018-10-31T14:30:00Z, 2018-10-31T14:30:00+01:00, 2018-10-31 14:30 or 31/10/2018 14:30 (both read as UTC) or a date cell)'
    )
  ])
  t.equal(parsed.records.length, 14, 'every non-blank row is a record, problems or not')
  t.strictSame(parsed.records[0], { row: 3, values: { reference: 'R1', title: 'ok', dueDate: null, year: null, onPortal: null, extra: null, updatedAt: null } }, 'a value with a problem is left out')
})

t.test('header problems: a column given twice, required columns missing', async (t) => {
  const parsed = parseSheet(findingsSheet, sparse(sheetWith(['Ref', 'Kind', 'Status', 'Reference', 'Statuses'], ['R1', 'AFI', 'open', 'R1 again', 'closed'])))
  t.strictSame(parsed.problems, [
    { sheet: 'Findings', row: 2, column: 'Reference', field: 'reference', message: 'Both "Ref" and "Reference" look like the Reference column; keep one of them' },
    { sheet: 'Findings', row: 2, column: 'Statuses', field: 'status', message: 'Both "Status" and "Statuses" look like the Status column; keep one of them' },
    { sheet: 'Findings', row: null, column: 'Title', field: 'title', message: 'The required column "Title" is missing' }
  ])
  t.strictSame(parsed.records, [{ row: 3, values: { reference: 'R1', kind: 'area_for_improvement', status: 'open' } }], 'the first of the two is read')
  t.strictSame(parsed.ignoredColumns, [])
})

t.test('a missing required column names the headers that would do', async (t) => {
  const parsed = parseSheet(findingsSheet, sparse([['Reference', 'Title'], ['R1', 'A title']]))
  t.strictSame(parsed.problems, [
    { sheet: 'Findings', row: null, column: 'Kind', field: 'kind', message: 'The required column "Kind" is missing (also accepted: "Type", "Finding type")' }
  ])
})

t.test('the header row: the first of the top 20 rows with the anchor column and one more', async (t) => {
  const title = (n: number): Cell[][] => Array.from({ length: n }, (_, i) => [`Title line ${i + 1}`])
  const header = ['Reference', 'Kind', 'Title']
  const data = ['R1', 'AFI', 'A title']

  const atTwenty = parseSheet(findingsSheet, sparse([...title(19), header, data]))
  t.strictSame(atTwenty.problems, [])
  t.equal(atTwenty.records[0]?.row, 21)

  const atTwentyOne = parseSheet(findingsSheet, sparse([...title(20), header, data]))
  t.strictSame(atTwentyOne.problems, [
    {
      sheet: 'Findings',
      row: null,
      column: null,
      field: null,
      message: 'No header row found in the first 20 rows: expected a row with a "Reference" column and at least one other known column'
    }
  ])
  t.strictSame(atTwentyOne.records, [])

  const anchorAlone = parseSheet(findingsSheet, sparse([['Reference'], ['Title', 'Notes'], header, data]))
  t.equal(anchorAlone.records[0]?.row, 4, 'a title that happens to say "Reference" is not the header')

  t.strictSame(parseSheet(findingsSheet, []).records, [])
  t.equal(parseSheet(findingsSheet, []).problems.length, 1, 'an empty sheet has no header')
})

t.test('header matching: case, spaces, punctuation, plurals, camelCase, bracketed notes', async (t) => {
  const pairs: [string, string][] = [
    ['Rec No.', 'rec_no'],
    ['Rec No.', 'RecNo'],
    ['FORCE  LEAD', 'force-lead'],
    ['Actions', 'action'],
    ['Categories', 'category'],
    ['Due date (dd/mm/yyyy)', 'dueDate'],
    ['Statuses', 'Status'],
    ['Réference', 'reference']
  ]
  for (const [a, b] of pairs) {
    t.equal(normaliseName(a), normaliseName(b), `${a} ~ ${b}`)
  }
  t.not(normaliseName('Status'), normaliseName('State'))
  t.not(normaliseName('Force lead'), normaliseName('Force'))
})

t.test('sheets are matched by name and alias, forgivingly; the rest are unknown', async (t) => {
  const tables = ['README', 'FINDINGS ', 'register', 'action', 'Notes'].map((name) => ({ name, rows: [] }))
  const { matched, unknown } = matchSheets([findingsSheet, actionsSheet], tables)
  t.strictSame([...matched].map(([spec, table]) => [spec, table.name]), [
    ['Findings', 'FINDINGS '],
    ['Actions', 'action']
  ])
  t.strictSame(unknown, ['README', 'register', 'Notes'], 'a second sheet for the same spec is not read')
})

t.test('a sheet of headers again and again, each with hundreds of unknown columns: warnings bounded, every table read', async (t) => {
  const rows = []
  for (let h = 0; h < 300; h++) {
    rows.push({ number: 2 * h + 1, cells: ['Reference', 'Kind', ...Array.from({ length: 300 }, (_, i) => `x${h}_${i}`)].map((value, column) => ({ column, value })) })
    rows.push({ number: 2 * h + 2, cells: [`R${h}`, 'CoC'].map((value, column) => ({ column, value })) })
  }
  const parsed = parseSheet(findingsSheet, rows)
  t.equal(parsed.records.length, 300, 'a record under each header')
  t.equal(parsed.ignoredColumns.length, 200, 'unknown headers listed up to a bound')
  t.equal(parsed.tables.length, 300)
  t.ok(parsed.notes.length <= 21, 'notes on the tables bounded too')
})
