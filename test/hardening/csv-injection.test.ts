import t from 'tap'
import { CSV_SEPARATORS, csvField, csvLine, unguardCsvText } from '../../src/domain/shared/csv.ts'
import { buildTestApp } from '../helper.ts'

/** A spreadsheet opening CSV with the given separator: RFC 4180 quotes honoured, each line's cells. */
function cellsAs(text: string, separator: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const endCell = () => {
    row.push(cell)
    cell = ''
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') quoted = false
      else cell += char
    } else if (char === '"' && cell === '') quoted = true
    else if (char === separator) endCell()
    else if (char === '\r' && text[i + 1] === '\n') {
      endCell()
      rows.push(row)
      row = []
      i++
    } else cell += char
  }
  return rows
}

const HOSTILE = [
  'Harmless;=2+5',
  'Harmless,=2+5',
  'Harmless\t=2+5',
  'Harmless|=2+5',
  'a; @SUM(1)',
  '=HYPERLINK("http://evil.example","x")',
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  'x\r\n=1+1',
  'x\n-1',
  'quote " then ;=1'
]
const TRIGGER = /^[=+\-@\t\r]/

t.test('every hostile value stays one cell of text, whatever separator the spreadsheet guesses', async (t) => {
  const text = HOSTILE.map((value) => csvLine(['ref', value])).join('')
  for (const separator of CSV_SEPARATORS) {
    const rows = cellsAs(text, separator)
    const cells = rows.flatMap((row) => row)
    t.same(cells.filter((cell) => TRIGGER.test(cell)), [], `separator ${JSON.stringify(separator)}: no cell begins a formula`)
    if (separator === ',') t.same(rows.map((row) => unguardCsvText(row[1]!)), HOSTILE, 'split on commas, one row per record; the guard taken off, each value is as it was')
  }
})

t.test('the rule, field by field', async (t) => {
  t.equal(csvField('Harmless;=2+5'), `"Harmless;'=2+5"`)
  t.equal(csvField('a; "@x'), `"a; ""'@x"`, 'spaces and quotes between the separator and the formula do not hide it')
  t.equal(csvField('\t=1'), `"'\t'=1"`, 'a tab both starts a formula and separates')
  t.equal(csvField('a|b'), '"a|b"')
  t.equal(csvField('a\tb'), '"a\tb"')
  t.equal(csvField('=1+2'), "'=1+2")
  t.equal(csvField('-1'), "'-1", 'text that looks like a sum is guarded')
  t.equal(csvField(-1), '-1', 'a number is not text: written as it is')
  t.equal(csvField('say "hi"'), '"say ""hi"""')
  t.equal(csvField('plain text'), 'plain text')
  t.equal(csvField(null), '')
})

t.test('findings list, reports and export all write the same way', async (t) => {
  const { request } = await buildTestApp(t)
  const created = await request({
    method: 'POST',
    url: '/v1/findings',
    payload: { force: 'cleveland', reference: 'CSV-1', kind: 'recommendation', title: 'Harmless;=2+5', text: 'Text.', dueDate: '2020-01-01', forceLead: '@lead|=1' }
  })
  t.equal(created.statusCode, 201, created.body)
  const csvs = {
    'findings list': await request({ method: 'GET', url: '/v1/findings?force=cleveland&format=csv' }),
    'overdue report': await request({ method: 'GET', url: '/v1/reports/overdue?force=cleveland&format=csv' }),
    'by-lead report': await request({ method: 'GET', url: '/v1/reports/by-lead?force=cleveland&format=csv' }),
    export: await request({ method: 'GET', url: '/v1/exports/register?force=cleveland&format=csv&sheet=findings' })
  }
  for (const [name, response] of Object.entries(csvs)) {
    t.equal(response.statusCode, 200, `${name}: ${response.body.slice(0, 200)}`)
    t.match(response.headers['content-type'], /^text\/csv/)
    if (name !== 'by-lead report') t.ok(response.body.includes(`"Harmless;'=2+5"`), `${name}: the title is guarded and quoted`)
    t.ok(response.body.includes(`"'@lead|'=1"`), `${name}: the lead is guarded and quoted`)
    for (const separator of CSV_SEPARATORS) {
      const cells = cellsAs(response.body, separator).flat()
      t.same(cells.filter((cell) => TRIGGER.test(cell)), [], `${name}, separator ${JSON.stringify(separator)}: no cell begins a formula`)
    }
  }
})
