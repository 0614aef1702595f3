import { deflateRawSync } from 'node:zlib'
import { workbook, zip } from './workbook-zip.ts'

/** An attack on the import: the file, how it is sent, and the answer that refuses it (status and the limit named, if any). */
export interface HostileFile {
  name: string
  filename: string
  data: Buffer
  status: number
  limit: string | null
}

const cells = (n: number, value = '<v>1</v>') => Array.from({ length: n }, () => `<c>${value}</c>`).join('')

/**
 * The attacks of issue 16 and variants of them, built here rather than stored: each is a few
 * kilobytes that claims, or expands to, far more. `expected` is what the import answers.
 */
export function hostileFiles(): HostileFile[] {
  const xlsx = (name: string, data: Buffer, status: number, limit: string | null): HostileFile => ({ name, filename: `${name}.xlsx`, data, status, limit })
  const csv = (name: string, text: string, status: number, limit: string | null): HostileFile => ({ name, filename: `${name}.csv`, data: Buffer.from(text), status, limit })
  const manyRows = (open: string) => Array.from({ length: 200_001 }, () => open).join('')
  return [
    xlsx('twenty sheets, one cell each in row 1,048,576', workbook({ sheets: Array.from({ length: 20 }, (_, i) => ({ name: `S${i}`, rows: '<row r="1048576"><c r="A1048576"><v>1</v></c></row>' })) }), 200, null),
    xlsx('three sheets, one cell each in row 10,000,000', workbook({ sheets: Array.from({ length: 3 }, (_, i) => ({ name: `S${i}`, rows: '<row r="10000000"><c r="A10000000"><v>1</v></c></row>' })) }), 422, 'excelGrid'),
    xlsx('a cell beyond column XFD', workbook({ sheets: [{ name: 'Findings', rows: '<row r="1"><c r="XFE1"><v>1</v></c></row>' }] }), 422, 'excelGrid'),
    xlsx('a value in column XFD, far past the column cap', workbook({ sheets: [{ name: 'Findings', rows: '<row r="1"><c r="XFD1"><v>1</v></c></row>' }] }), 413, 'maxColumns'),
    xlsx('rows with a line break before their attributes', workbook({ sheets: [{ name: 'Findings', rows: manyRows('<row\n r="1"/>') }] }), 413, 'maxRows'),
    xlsx('rows without coordinates', workbook({ sheets: [{ name: 'Findings', rows: manyRows('<row/>') }] }), 413, 'maxRows'),
    xlsx(
      'namespace-prefixed rows',
      workbook({
        sheets: [{ name: 'Findings', xml: `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>${manyRows('<x:row\t/>')}</x:sheetData></x:worksheet>` }]
      }),
      413,
      'maxRows'
    ),
    xlsx('a cell bomb: a million numbers', workbook({ sheets: [{ name: 'Findings', rows: Array.from({ length: 1_001 }, () => `<row>${cells(1_000)}</row>`).join('') }] }), 413, 'maxCells'),
    xlsx(
      'a shared-strings bomb',
      workbook({ sheets: [{ name: 'Findings', rows: '<row><c t="s"><v>0</v></c></row>' }], sharedStrings: Array.from({ length: 500_001 }, () => '<si><t>a</t></si>').join('') }),
      413,
      'maxSharedStrings'
    ),
    xlsx('a zip bomb: 120 MB of XML in a small file', workbook({ sheets: [{ name: 'Findings', entry: { data: Buffer.alloc(120 * 1024 * 1024, 0x20), declaredSize: 1_000 } }] }), 413, 'maxUncompressedBytes'),
    xlsx('a truncated zip', workbook({ sheets: [{ name: 'Findings', rows: '<row><c><v>1</v></c></row>' }] }).subarray(0, 200), 400, null),
    xlsx('a part that does not inflate', zip([{ name: 'xl/workbook.xml', data: Buffer.alloc(100), compressed: deflateRawSync(Buffer.alloc(100)).subarray(0, 5) }]), 400, null),
    csv('a CSV wider than the column cap', `${'x,'.repeat(1_000)}x\n`, 413, 'maxColumns'),
    csv('a CSV of blank lines past the row cap', '\n'.repeat(200_001), 413, 'maxRows'),
    csv('a CSV of empty fields', `${','.repeat(5_000_000)}\n`, 200, null)
  ]
}
