import ExcelJS from 'exceljs'
import t from 'tap'
import { SheetFileError, SheetLimitError, WorkbookReadError } from '../../src/domain/exchange/sheets/errors.ts'
import { type Cell, readWorkbook, writeWorkbook } from '../../src/domain/exchange/sheets/xlsx.ts'
import { dense, utcDate } from './sheets-fixture.ts'
import { workbook as handWritten, zip } from './workbook-zip.ts'

async function exceljsWorkbook(data: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(data as unknown as ExcelJS.Buffer)
  return workbook
}

const longText = 'Lorem ipsum dolor sit amet. '.repeat(1_100).trim()

t.test('write then read: the same values, dates, unicode, long text, "=" text, empty cells', async (t) => {
  const rows: Cell[][] = [
    ['R1', utcDate('2018-10-31'), 'Café, naïve, Łódź, 日本語, emoji 😀', 3, true],
    ['=SUM(A1:A9)', null, '+44 1234', -2.5, false],
    ['@mention', utcDate('2024-02-29'), longText, 0, null],
    [null, null, 'only the third cell', null, null],
    ['R5', new Date('2020-06-01T09:30:15.000Z'), 'line one\nline two', 1e15, null],
    ['vertical\u000btab from Word', null, 'a literal _x000B_ stays literal', null, null]
  ]
  const data = await writeWorkbook([{ name: 'Findings', columns: ['Reference', 'Due', 'Text', 'Number', 'Flag'].map((header) => ({ header })), rows }])
  const [sheet, ...others] = await readWorkbook(data)
  t.equal(others.length, 0)
  t.equal(sheet!.name, 'Findings')
  t.strictSame(dense(sheet!.rows), [
    ['Reference', 'Due', 'Text', 'Number', 'Flag'],
    ['R1', utcDate('2018-10-31'), 'Café, naïve, Łódź, 日本語, emoji 😀', 3, true],
    ['=SUM(A1:A9)', null, '+44 1234', -2.5, false],
    ['@mention', utcDate('2024-02-29'), longText, 0],
    [null, null, 'only the third cell'],
    ['R5', new Date('2020-06-01T09:30:15.000Z'), 'line one\nline two', 1e15],
    ['vertical\u000btab from Word', null, 'a literal _x000B_ stays literal']
  ])
})

t.test('several sheets keep their order and names; an empty sheet has no rows past its header', async (t) => {
  const data = await writeWorkbook([
    { name: 'Findings', columns: [{ header: 'Reference' }], rows: [['R1']] },
    { name: 'Actions – 2024', columns: [{ header: 'Finding' }, { header: 'Action' }], rows: [] }
  ])
  const tables = await readWorkbook(data)
  t.strictSame(
    tables.map((table) => [table.name, dense(table.rows)]),
    [
      ['Findings', [['Reference'], ['R1']]],
      ['Actions – 2024', [['Finding', 'Action']]]
    ]
  )
})

t.test('what the writer makes: bold frozen header, widths, date cells as yyyy-mm-dd, text never a formula', async (t) => {
  const data = await writeWorkbook([
    {
      name: 'Findings',
      columns: [{ header: 'Reference' }, { header: 'Due date' }, { header: 'Text', width: 80 }, { header: 'Formula-looking' }],
      rows: [['R1', utcDate('2018-10-31'), 'short', '=1+1']]
    }
  ])
  const sheet = (await exceljsWorkbook(data)).getWorksheet('Findings')!
  t.equal(sheet.getCell('A1').font?.bold, true)
  t.match(sheet.views[0], { state: 'frozen', ySplit: 1 })
  t.equal(sheet.getColumn(1).width, 11, 'from the longest value: "Reference" and two characters to spare')
  t.equal(sheet.getColumn(2).width, 12, 'a date is ten characters wide')
  t.equal(sheet.getColumn(3).width, 80, 'a width given is kept')
  t.equal(sheet.getCell('B2').type, ExcelJS.ValueType.Date)
  t.equal(sheet.getCell('B2').numFmt, 'yyyy-mm-dd')
  t.equal(sheet.getCell('D2').type, ExcelJS.ValueType.String)
  t.equal(sheet.getCell('D2').formula, undefined)
})

t.test('every sheet has a filter over its header and rows; a date-time column shows the time, midnight too', async (t) => {
  const data = await writeWorkbook([
    {
      name: 'Updates',
      columns: [{ header: 'Finding' }, { header: 'Created at (UTC)', dateTime: true }, { header: 'Due' }],
      rows: [
        ['547', new Date('2020-06-01T09:30:15.123Z'), utcDate('2020-12-31')],
        ['548', new Date('2020-06-02T00:00:00.000Z'), null]
      ]
    },
    { name: 'Empty', columns: [{ header: 'A' }, { header: 'B' }], rows: [] }
  ])
  const workbook = await exceljsWorkbook(data)
  const updates = workbook.getWorksheet('Updates')!
  t.equal(updates.autoFilter, 'A1:C3')
  t.equal(workbook.getWorksheet('Empty')!.autoFilter, 'A1:B1', 'the header alone when there are no rows')
  t.same([updates.getCell('B2').numFmt, updates.getCell('B3').numFmt, updates.getCell('C2').numFmt], ['yyyy-mm-dd hh:mm:ss', 'yyyy-mm-dd hh:mm:ss', 'yyyy-mm-dd'])
  t.equal(updates.getColumn(2).width, 21, 'a date and time is nineteen characters wide')
  const [table] = await readWorkbook(data)
  t.strictSame(dense(table!.rows)[1], ['547', new Date('2020-06-01T09:30:15.123Z'), utcDate('2020-12-31')], 'read back to the millisecond')
})

t.test('a long value makes a wide (but capped) column and wraps', async (t) => {
  const data = await writeWorkbook([{ name: 'S', columns: [{ header: 'Text' }], rows: [[longText]] }])
  const sheet = (await exceljsWorkbook(data)).getWorksheet('S')!
  t.equal(sheet.getColumn(1).width, 60)
  t.equal(sheet.getCell('A2').alignment?.wrapText, true)
})

t.test('a value longer than a cell can hold is refused when writing', async (t) => {
  await t.rejects(writeWorkbook([{ name: 'S', columns: [{ header: 'Text' }], rows: [['x'.repeat(32_768)]] }]), { name: 'SheetLimitError', limit: 'maxCellText' })
  const ok = await writeWorkbook([{ name: 'S', columns: [{ header: 'Text' }], rows: [['x'.repeat(32_767)]] }])
  t.equal((await readWorkbook(ok))[0]!.rows[1]!.cells[0]!.value, 'x'.repeat(32_767))
})

t.test('a workbook made by a person: rich text, hyperlinks, formulas, merged titles, date formats, errors', async (t) => {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Register')
  sheet.mergeCells('A1:D1')
  sheet.getCell('A1').value = 'Force register'
  sheet.getCell('A3').value = { richText: [{ text: 'Rec ', font: { bold: true } }, { text: 'No.' }] }
  sheet.getCell('B3').value = { text: 'Link', hyperlink: 'https://example.test/a' }
  sheet.getCell('C3').value = 'Plain'
  sheet.getCell('D3').value = { text: { richText: [{ text: 'rich ' }, { text: 'link' }] }, hyperlink: 'https://example.test/c' } as unknown as ExcelJS.CellValue
  // A shared formula: exceljs takes the master's share fields, though its types do not list them.
  sheet.getCell('A4').value = { formula: 'ROW()', result: 4, shareType: 'shared', ref: 'A4:A5' } as ExcelJS.CellFormulaValue
  sheet.getCell('A5').value = { sharedFormula: 'A4', result: 5 }
  sheet.getCell('B4').value = { formula: 'TODAY()', result: utcDate('2020-01-02') }
  sheet.getCell('B4').numFmt = 'dd/mm/yyyy'
  sheet.getCell('C4').value = { formula: '"a"&"b"', result: 'ab' }
  sheet.getCell('D4').value = { formula: 'X()' }
  sheet.getCell('B5').value = 43404
  sheet.getCell('B5').numFmt = 'd mmmm yyyy'
  sheet.getCell('C5').value = { error: '#N/A' } as ExcelJS.CellErrorValue
  sheet.getCell('D5').value = 43404
  sheet.mergeCells('A7:B8')
  sheet.getCell('A7').value = 'merged block'
  const [table] = await readWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()))
  t.strictSame(dense(table!.rows), [
    ['Force register'],
    [],
    ['Rec No.', 'Link', 'Plain', 'rich link'],
    [4, utcDate('2020-01-02'), 'ab'],
    [5, utcDate('2018-10-31'), '#N/A', 43404],
    [],
    ['merged block']
  ])
})

t.test('a block merged down stands for every row it spans, in its first column only', async (t) => {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Register')
  sheet.addRow(['Ref', 'Recommendation', 'Action', 'Owner'])
  sheet.addRow(['Rec 1', 'Improve the timeliness of safeguarding referrals.', 'Audit 50 referrals', 'DCI A'])
  sheet.addRow([null, null, 'Revise the MASH guidance', 'DCI B'])
  sheet.addRow([null, null, 'Brief the control room', null])
  sheet.addRow(['Rec 2', 'Review the MARAC process.', 'Agree a partner protocol', 'DI C'])
  sheet.mergeCells('A2:A4')
  sheet.mergeCells('B2:B4')
  // Across columns it stays one cell, and a block over rows without values of their own adds no rows.
  sheet.mergeCells('C6:D6')
  sheet.getCell('C6').value = 'A title over two columns'
  sheet.mergeCells('A8:A12')
  sheet.getCell('A8').value = 'Alone'
  const [table] = await readWorkbook(Buffer.from(await workbook.xlsx.writeBuffer()))
  t.strictSame(table!.rows.map((row) => [row.number, ...row.cells.map((cell) => `${cell.column}:${String(cell.value)}`)]), [
    [1, '0:Ref', '1:Recommendation', '2:Action', '3:Owner'],
    [2, '0:Rec 1', '1:Improve the timeliness of safeguarding referrals.', '2:Audit 50 referrals', '3:DCI A'],
    [3, '0:Rec 1', '1:Improve the timeliness of safeguarding referrals.', '2:Revise the MASH guidance', '3:DCI B'],
    [4, '0:Rec 1', '1:Improve the timeliness of safeguarding referrals.', '2:Brief the control room'],
    [5, '0:Rec 2', '1:Review the MARAC process.', '2:Agree a partner protocol', '3:DI C'],
    [6, '2:A title over two columns'],
    [8, '0:Alone']
  ])
})

t.test('merged cells count as the values they stand for', async (t) => {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Register')
  for (let r = 1; r <= 40; r++) sheet.getCell(`B${r}`).value = r
  sheet.getCell('A1').value = 'spread'
  sheet.mergeCells('A1:A40')
  const data = Buffer.from(await workbook.xlsx.writeBuffer())
  t.equal((await readWorkbook(data, { maxCells: 100 }))[0]!.rows.length, 40)
  const error = await readWorkbook(data, { maxCells: 60 }).then(
    () => null,
    (e: unknown) => e
  )
  t.type(error, SheetLimitError)
  t.match((error as SheetLimitError).message, /merged cells stand for more than 60 values/)

  // Ranges piled on the same rows with nothing to repeat still cost a look at each row they span.
  const cells = Array.from({ length: 40 }, (_, i) => `<row r="${i + 1}"><c r="B${i + 1}"><v>${i}</v></c></row>`).join('')
  const merged = handWritten({ sheets: [{ name: 'Register', xml: `<worksheet><sheetData>${cells}</sheetData><mergeCells>${'<mergeCell ref="A1:A40"/>'.repeat(10)}</mergeCells></worksheet>` }] })
  const piled = await readWorkbook(merged, { maxCells: 300 }).then(
    () => null,
    (e: unknown) => e
  )
  t.type(piled, SheetLimitError, 'ten ranges over forty rows of one value look at 800 cells, past a cap of 300')
  t.equal((await readWorkbook(merged, { maxCells: 1000 }))[0]!.rows.length, 40)
})

t.test('rows written again and again, or sheets sharing one part, cost what they hold, not their square', async (t) => {
  // Each <row r="1"> again: the cells gather on row 1 (the later value of a cell wins), in time that grows with the rows.
  const again = handWritten({ sheets: [{ name: 'Findings', rows: '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>'.repeat(40_000) }] })
  const [table] = await readWorkbook(again)
  t.strictSame(table!.rows.map((row) => [row.number, row.cells.length]), [[1, 2]])

  const RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
  const sheets = Array.from({ length: 3 }, (_, i) => `<sheet name="S${i}" sheetId="${i + 1}" r:id="rId1"/>`).join('')
  const shared = zip([
    { name: 'xl/workbook.xml', data: Buffer.from(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${RELS}"><sheets>${sheets}</sheets></workbook>`) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`) },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>') }
  ])
  const error = await readWorkbook(shared).then(
    () => null,
    (e: unknown) => e
  )
  t.type(error, WorkbookReadError, 'several sheets on one part: a damaged workbook')
})

t.test('not an xlsx: a typed error, never a crash', async (t) => {
  const xlsx = await writeWorkbook([{ name: 'S', columns: [{ header: 'A' }], rows: [['x']] }])
  const cases: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /not a zip/],
    ['text', Buffer.from('Reference,Title\nR1,Something\n'), /not a zip/],
    ['an old .xls (or an encrypted workbook)', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), /old-format/],
    ['a zip that is not a workbook', zip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }]), /no workbook part/],
    ['a workbook cut short', xlsx.subarray(0, Math.floor(xlsx.length / 2)), /not a zip/],
    ['a damaged part', handWritten({ sheets: [{ name: 'S', entry: { data: Buffer.alloc(10), compressed: Buffer.alloc(10, 0xff) } }] }), /sheet1.xml is damaged/],
    ['a damaged directory', zip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') }]).fill(0, 0, 4), /zip entries are damaged/],
    ['an unknown compression', zip([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'), method: 14 }]), /compression/],
    ['broken XML', zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types') }, { name: 'xl/workbook.xml', data: Buffer.from('<workbook><sheets><sheet name="x" ') }]), /could not be read: it may be damaged/]
  ]
  for (const [label, data, message] of cases) {
    const error = await readWorkbook(data).then(
      () => null,
      (e: unknown) => e
    )
    t.type(error, WorkbookReadError, label)
    t.type(error, SheetFileError, label)
    t.match((error as Error | null)?.message, message, label)
  }
})

t.test('the row cap counts the rows in the file before reading it', async (t) => {
  const rows: Cell[][] = Array.from({ length: 9 }, (_, i) => [`R${i}`])
  const data = await writeWorkbook([{ name: 'S', columns: [{ header: 'Reference' }], rows }])
  t.equal((await readWorkbook(data, { maxRows: 10 }))[0]!.rows.length, 10, 'the header and nine rows: at the cap')
  await t.rejects(readWorkbook(data, { maxRows: 9 }), { name: 'SheetLimitError', limit: 'maxRows', max: 9 })
})

t.test('the default row cap is 200,000', async (t) => {
  const rows = Array.from({ length: 200_001 }, () => '<row r="1"/>').join('')
  const data = handWritten({ sheets: [{ name: 'S', rows }] })
  await t.rejects(readWorkbook(data), { name: 'SheetLimitError', limit: 'maxRows', max: 200_000 })
})

t.test('the column cap', async (t) => {
  const row: Cell[] = Array.from({ length: 11 }, (_, i) => `c${i}`)
  const data = await writeWorkbook([{ name: 'Wide', columns: [{ header: 'A' }], rows: [row] }])
  t.equal((await readWorkbook(data, { maxColumns: 11 }))[0]!.rows[1]!.cells.length, 11)
  const error = await readWorkbook(data, { maxColumns: 10 }).catch((e: unknown) => e)
  t.type(error, SheetLimitError)
  t.match(error, { limit: 'maxColumns', max: 10, message: /Sheet "Wide" has a value in K2/ })
})

t.test('the size cap: on what a workbook expands to, even when the zip lies about it', async (t) => {
  const big = await writeWorkbook([{ name: 'S', columns: [{ header: 'Text' }], rows: Array.from({ length: 200 }, (_, i) => [`${i} ${'x'.repeat(10_000)}`]) }])
  t.ok(big.length < 100_000, 'it compresses well')
  await t.rejects(readWorkbook(big, { maxUncompressedBytes: 1_000_000 }), { name: 'SheetLimitError', limit: 'maxUncompressedBytes' })
  t.equal((await readWorkbook(big, { maxUncompressedBytes: 5_000_000 }))[0]!.rows.length, 201)

  const bomb = handWritten({ sheets: [{ name: 'S', entry: { data: Buffer.alloc(50_000_000, 0x20), declaredSize: 100 } }] })
  t.ok(bomb.length < 100_000, 'fifty megabytes in a small file, declared as 100 bytes')
  const error = await readWorkbook(bomb, { maxUncompressedBytes: 10_000_000 }).catch((e: unknown) => e)
  t.type(error, SheetLimitError)
  t.match(error, { limit: 'maxUncompressedBytes', max: 10_000_000, message: /more than 10 MB/ })
})
