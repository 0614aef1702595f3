import t from 'tap'
import { readCsv, sniffDelimiter } from '../../src/domain/exchange/sheets/csv.ts'
import { CsvParseError, SheetLimitError } from '../../src/domain/exchange/sheets/errors.ts'
import { toCsv } from '../../src/domain/shared/csv.ts'
import { parseSheet } from '../../src/domain/exchange/sheets/layout.ts'
import { dense, findingsSheet } from './sheets-fixture.ts'

t.test('RFC 4180: quoted fields, doubled quotes, delimiters and line breaks inside quotes', async (t) => {
  const text = 'Ref,Title,Notes\r\n"R1","Say ""hello"", then go","line one\r\nline two"\r\nR2,plain,"a,b"\r\n'
  t.strictSame(dense(readCsv(text)), [
    ['Ref', 'Title', 'Notes'],
    ['R1', 'Say "hello", then go', 'line one\r\nline two'],
    ['R2', 'plain', 'a,b']
  ])
})

t.test('LF, CRLF and lone CR line ends; no row for the final line break; blank lines kept as rows', async (t) => {
  t.strictSame(dense(readCsv('a,b\nc,d\n')), [['a', 'b'], ['c', 'd']])
  t.strictSame(dense(readCsv('a,b\r\nc,d')), [['a', 'b'], ['c', 'd']])
  t.strictSame(dense(readCsv('a,b\rc,d\r')), [['a', 'b'], ['c', 'd']])
  t.strictSame(dense(readCsv('a,b\n\nc,d\n')), [['a', 'b'], [], ['c', 'd']], 'a blank line is a row, so row numbers match Excel')
  t.strictSame(dense(readCsv('')), [])
})

t.test('empty fields, empty quoted fields and trailing delimiters take a place but no memory', async (t) => {
  t.strictSame(readCsv('a,,c\n,"",\n""\nd\n'), [{ number: 1, cells: [{ column: 0, value: 'a' }, { column: 2, value: 'c' }] }, { number: 4, cells: [{ column: 0, value: 'd' }] }], 'an empty field is not kept, but it counts')
})

t.test('a quote inside an unquoted field, or after a closing quote, is kept as Excel keeps it', async (t) => {
  t.strictSame(dense(readCsv('5" floppy,x\n"ab"c,y\n')), [['5" floppy', 'x'], ['abc', 'y']])
})

t.test('the UTF-8 BOM is removed, from text and from bytes', async (t) => {
  t.strictSame(dense(readCsv('\uFEFFRef,Title\nR1,Café\n')), [['Ref', 'Title'], ['R1', 'Café']])
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Ref,Title\nR1,Café ✓\n', 'utf8')])
  t.strictSame(dense(readCsv(bytes)), [['Ref', 'Title'], ['R1', 'Café ✓']])
})

t.test('UTF-16LE with a BOM, tab-delimited: what Excel writes as "Unicode text"', async (t) => {
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Ref\tTitle\r\nR1\t"Quoted\tcell"\r\nR2\tŁódź 😀\r\n', 'utf16le')])
  t.strictSame(dense(readCsv(bytes)), [['Ref', 'Title'], ['R1', 'Quoted\tcell'], ['R2', 'Łódź 😀']])
})

t.test('UTF-16BE with a BOM', async (t) => {
  const le = Buffer.from('a,b\n1,2\n', 'utf16le')
  const be = Buffer.alloc(le.length)
  for (let i = 0; i < le.length; i += 2) [be[i], be[i + 1]] = [le[i + 1]!, le[i]!]
  t.strictSame(dense(readCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))), [['a', 'b'], ['1', '2']])
})

t.test('bytes that are not UTF-8 are refused, not guessed at', async (t) => {
  const windows1252 = Buffer.from([0x52, 0x31, 0x2c, 0xa3, 0x35, 0x0a]) // "R1,£5" in the Windows code page
  t.throws(() => readCsv(windows1252), CsvParseError)
  t.throws(() => readCsv(windows1252), /not UTF-8/)
})

t.test('the delimiter is sniffed: comma, semicolon or tab, outside quotes, past title lines', async (t) => {
  t.equal(sniffDelimiter('a;b;c\n1;2;3'), ';')
  t.equal(sniffDelimiter('a\tb\n'), '\t')
  t.equal(sniffDelimiter('"x,y,z";b;c\n'), ';', 'commas inside quotes do not count')
  t.equal(sniffDelimiter('Register of findings\n\nRef;Title\n'), ';', 'a title line without a delimiter is passed over')
  t.equal(sniffDelimiter('one column\nonly\n'), ',')
  t.strictSame(dense(readCsv('Ref;Title;Due\nR1;"a; b";31/10/2018\n')), [['Ref', 'Title', 'Due'], ['R1', 'a; b', '31/10/2018']])
  t.strictSame(dense(readCsv('Ref,Title\nR1,"x;y;z;w"\n')), [['Ref', 'Title'], ['R1', 'x;y;z;w']])
})

t.test('an unterminated quote is a typed error with the line it opened on', async (t) => {
  const error = t.throws(() => readCsv('Ref,Title\nR1,ok\nR2,"never closed\nstill going\n')) as CsvParseError
  t.type(error, CsvParseError)
  t.equal(error.line, 3)
  t.match(error.message, /line 3/)
  const later = t.throws(() => readCsv('a,"multi\nline",b\nc,"open')) as CsvParseError
  t.equal(later.line, 3, 'line breaks inside earlier quoted fields are counted')
})

t.test('the row cap', async (t) => {
  const text = Array.from({ length: 11 }, (_, i) => `R${i},x`).join('\n')
  t.equal(readCsv(text, { maxRows: 11 }).length, 11)
  const error = t.throws(() => readCsv(text, { maxRows: 10 })) as SheetLimitError
  t.type(error, SheetLimitError)
  t.equal(error.limit, 'maxRows')
  t.equal(error.max, 10)
})

t.test("the formula guard of our own CSV writer comes off on reading, and only that", async (t) => {
  const findings = [
    { reference: '=HYPERLINK("http://x")', kind: 'recommendation', title: '+44 1234 567890', lead: '@chief', year: -3 },
    { reference: 'R2', kind: 'recommendation', title: '-minus first', lead: "'quoted by the author", year: 2018 },
    { reference: 'R3', kind: 'recommendation', title: '\tTabbed title', lead: "'", year: null }
  ]
  const csv = toCsv(findings, [
    { header: 'Reference', value: (f) => f.reference },
    { header: 'Kind', value: (f) => f.kind },
    { header: 'Title', value: (f) => f.title },
    { header: 'Force lead', value: (f) => f.lead },
    { header: 'Year', value: (f) => f.year }
  ])
  t.match(csv, /'=HYPERLINK/, 'the writer did guard the formula')
  const parsed = parseSheet(findingsSheet, readCsv(csv))
  t.strictSame(parsed.problems, [])
  t.strictSame(
    parsed.records.map((r) => r.values),
    [
      { reference: '=HYPERLINK("http://x")', kind: 'recommendation', title: '+44 1234 567890', lead: '@chief', year: -3 },
      { reference: 'R2', kind: 'recommendation', title: '-minus first', lead: "'quoted by the author", year: 2018 },
      // Text is trimmed, so the tab the guard protected goes with the rest of the white space.
      { reference: 'R3', kind: 'recommendation', title: 'Tabbed title', lead: "'", year: null }
    ]
  )
})
