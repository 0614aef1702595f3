import t from 'tap'
import { type Reading, readValue, unguard } from '../../src/domain/exchange/sheets/values.ts'
import { formatCell } from '../../src/domain/exchange/sheets/layout.ts'
import type { Cell } from '../../src/domain/exchange/sheets/table.ts'
import { utcDate } from './sheets-fixture.ts'

const ok = (value: unknown): Reading => ({ value })
const value = (reading: Reading) => ('value' in reading ? reading.value : `PROBLEM: ${reading.reason}`)

t.test('dates: ISO, UK day first, words, date cells and serial numbers', async (t) => {
  const cases: [Cell, unknown][] = [
    ['2018-10-31', '2018-10-31'],
    ['2018-1-5', '2018-01-05'],
    ['31/10/2018', '2018-10-31'],
    ['1/2/2019', '2019-02-01'],
    ['01.02.2019', '2019-02-01'],
    ['01-02-2019', '2019-02-01'],
    ['31 October 2018', '2018-10-31'],
    ['31st Oct 2018', '2018-10-31'],
    ['2nd Sept. 2019', '2019-09-02'],
    ['1 march, 2019', '2019-03-01'],
    ['29/02/2024', '2024-02-29'],
    [utcDate('2018-10-31'), '2018-10-31'],
    [43404, '2018-10-31'],
    ['  2018-10-31  ', '2018-10-31'],
    ['', null],
    [null, null]
  ]
  for (const [cell, expected] of cases) t.equal(value(readValue(cell, { type: 'date' })), expected, String(cell))
})

t.test('dates that are not: impossible days, US order, two-digit years, stray numbers, mixed separators, times', async (t) => {
  for (const cell of ['31/02/2020', '29/02/2023', '10/31/2018', '31/10/18', '2018-13-01', '31 Octember 2018', '31/10-2018', 'soon', 'October 2018', '1899-12-31', 2018, 0, -5, true]) {
    t.match(value(readValue(cell, { type: 'date' })), /^PROBLEM: is not a date/, String(cell))
  }
  t.equal(value(readValue(43404.5, { type: 'date' })), 'PROBLEM: has a time of day; this column takes a date alone')
  t.equal(value(readValue(new Date('2018-10-31T00:00:01Z'), { type: 'date' })), 'PROBLEM: has a time of day; this column takes a date alone')
})

t.test('timestamps: ISO with Z or an offset, naive forms as UTC, date cells, serials', async (t) => {
  const cases: [Cell, unknown][] = [
    ['2020-06-01T09:30:00.000Z', '2020-06-01T09:30:00.000Z'],
    ['2020-06-01T09:30:00Z', '2020-06-01T09:30:00.000Z'],
    ['2020-06-01t09:30z', '2020-06-01T09:30:00.000Z'],
    ['2020-06-01T10:30:00+01:00', '2020-06-01T09:30:00.000Z'],
    ['2020-06-01T04:00:00-0530', '2020-06-01T09:30:00.000Z'],
    ['2020-06-01T09:30:00.123456Z', '2020-06-01T09:30:00.123Z'],
    ['2020-06-01T09:30:00.5Z', '2020-06-01T09:30:00.500Z'],
    ['2020-06-01 09:30', '2020-06-01T09:30:00.000Z'],
    ['2020-06-01 09:30:15', '2020-06-01T09:30:15.000Z'],
    ['01/06/2020 09:30', '2020-06-01T09:30:00.000Z'],
    [new Date('2020-06-01T09:30:00.000Z'), '2020-06-01T09:30:00.000Z'],
    [43983.395833333336, '2020-06-01T09:30:00.000Z']
  ]
  for (const [cell, expected] of cases) t.equal(value(readValue(cell, { type: 'timestamp' })), expected, String(cell))
  for (const cell of ['2020-06-01', '2020-06-31T09:30Z', '2020-06-01T24:00Z', '2020-06-01T09:60Z', '2020-06-01T09:30+15:00', '06/01/2020 9:30 PM', 'yesterday']) {
    t.match(value(readValue(cell, { type: 'timestamp' })), /^PROBLEM: is not a date and time/, String(cell))
  }
})

t.test('integers, booleans, lists, JSON', async (t) => {
  t.equal(value(readValue('42', { type: 'integer' })), 42)
  t.equal(value(readValue('-7', { type: 'integer' })), -7)
  t.equal(value(readValue('12.0', { type: 'integer' })), 12)
  t.equal(value(readValue(2018, { type: 'integer' })), 2018)
  for (const cell of ['12.5', '1,000', '1e3', 'twelve', '99999999999999999999', 2.5, true, utcDate('2018-10-31')]) {
    t.equal(value(readValue(cell, { type: 'integer' })), 'PROBLEM: is not a whole number', String(cell))
  }
  const booleans: [Cell, boolean][] = [
    ['Yes', true],
    ['y', true],
    ['TRUE', true],
    ['1', true],
    [1, true],
    [true, true],
    ['No', false],
    ['N', false],
    ['false', false],
    ['0', false],
    [0, false],
    [false, false]
  ]
  for (const [cell, expected] of booleans) t.equal(value(readValue(cell, { type: 'boolean' })), expected, String(cell))
  t.match(value(readValue('maybe', { type: 'boolean' })), /^PROBLEM: is not yes or no/)

  t.strictSame(readValue('a\nb\r\n c \r\rd', { type: 'list' }), ok(['a', 'b', 'c', 'd']))
  t.strictSame(readValue('a | b', { type: 'list' }), ok(['a | b']), 'only line breaks separate items')
  t.strictSame(readValue(' \n ', { type: 'list' }), ok(null))
  t.strictSame(readValue('[{"framework":"peel-2021","ref":"1.2"}]', { type: 'json' }), ok([{ framework: 'peel-2021', ref: '1.2' }]))
  t.strictSame(readValue('{bad', { type: 'json' }), { reason: 'is not valid JSON' })
})

t.test('enums: case, spaces and punctuation aside, through the accepted spellings', async (t) => {
  const values = { area_for_improvement: ['Area for improvement', 'AFI'], cause_of_concern: ['Cause of concern'], recommendation: [] }
  for (const spelling of ['AFI', 'afi', 'Area for improvement', 'area_for_improvement', 'Area For Improvement', 'area-for-improvement', ' AREA  FOR IMPROVEMENT ']) {
    t.equal(value(readValue(spelling, { type: 'enum', values })), 'area_for_improvement', spelling)
  }
  t.equal(value(readValue('Recommendation', { type: 'enum', values })), 'recommendation', 'the canonical value is always accepted')
  t.equal(value(readValue('Areas for improvement', { type: 'enum', values })), 'PROBLEM: is not one of: area for improvement, cause of concern, recommendation')
})

t.test('text: trimmed, empty is null, numbers and dates as a person reads them, the length limit', async (t) => {
  t.equal(value(readValue('  R1  ', { type: 'text' })), 'R1')
  t.equal(value(readValue('   ', { type: 'text' })), null)
  t.equal(value(readValue(1.5, { type: 'text' })), '1.5')
  t.equal(value(readValue(true, { type: 'text' })), 'TRUE')
  t.equal(value(readValue(utcDate('2018-10-31'), { type: 'text' })), '2018-10-31')
  t.equal(value(readValue('abcd', { type: 'text', maxLength: 4 })), 'abcd')
  t.equal(value(readValue('abcde', { type: 'text', maxLength: 4 })), 'PROBLEM: is 5 characters long; the most allowed is 4')
})

t.test('the formula guard: a quote before = + - @ tab or CR comes off, any other stays', async (t) => {
  t.equal(unguard("'=SUM(A1)"), '=SUM(A1)')
  t.equal(unguard("'+44"), '+44')
  t.equal(unguard("'-1"), '-1')
  t.equal(unguard("'@x"), '@x')
  t.equal(unguard("'\tx"), '\tx')
  t.equal(unguard("'\rx"), '\rx')
  t.equal(unguard("'quoted'"), "'quoted'")
  t.equal(unguard("''=x"), "''=x", 'only one quote is ours')
  t.equal(unguard('=x'), '=x')
  t.equal(value(readValue("'-12", { type: 'integer' })), -12, 'a guarded negative number reads as a number')
  t.equal(value(readValue("  '=x  ", { type: 'text' })), '=x')
})

t.test('formatCell: what each type is written as, for xlsx and for CSV', async (t) => {
  t.strictSame(formatCell('date', '2018-10-31'), utcDate('2018-10-31'))
  t.equal(formatCell('date', '2018-10-31', 'csv'), '2018-10-31')
  t.strictSame(formatCell('timestamp', '2020-06-01T10:30:00.123+01:00'), new Date('2020-06-01T09:30:00.123Z'), 'a date-time cell in a workbook, at its UTC time')
  t.equal(formatCell('timestamp', '2020-06-01T10:30:00+01:00', 'csv'), '2020-06-01T09:30:00.000Z')
  t.equal(formatCell('timestamp', new Date('2020-06-01T09:30:00Z'), 'csv'), '2020-06-01T09:30:00.000Z')
  t.equal(formatCell('boolean', true), true)
  t.equal(formatCell('boolean', false, 'csv'), 'no')
  t.equal(formatCell('list', ['a', 'b']), 'a\nb')
  t.equal(formatCell('list', []), null)
  t.equal(formatCell('json', { a: [1, 'x'] }), '{"a":[1,"x"]}')
  t.equal(formatCell('integer', 3), 3)
  t.equal(formatCell('enum', 'area_for_improvement'), 'area_for_improvement')
  t.equal(formatCell('text', null), null)
  t.equal(formatCell('json', undefined), null)
})
