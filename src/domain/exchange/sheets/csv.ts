import { CsvParseError, SheetLimitError } from './errors.ts'
import { DEFAULT_LIMITS, type SheetCell, type SheetLimits, type SheetRow, type SheetUsage, columnLetters, newUsage } from './table.ts'

const DELIMITERS = [',', ';', '\t'] as const
const UTF8_BOM = [0xef, 0xbb, 0xbf]
/** How far down the sniffer looks for a line with a delimiter in it (title lines often have none). */
const SNIFF_LINES = 20

function startsWith(data: Buffer, bytes: number[]): boolean {
  return bytes.every((byte, i) => data[i] === byte)
}

/**
 * Text from the bytes of an upload. Excel writes UTF-8 ("CSV UTF-8", with a BOM) or UTF-16 with a BOM
 * ("Unicode text"). Anything else must be valid UTF-8: a file saved as "CSV (Comma delimited)" is in the
 * Windows code page, and guessing which one would quietly change the data.
 */
export function decodeText(data: Buffer): string {
  try {
    if (startsWith(data, [0xff, 0xfe])) return new TextDecoder('utf-16le', { fatal: true }).decode(data.subarray(2))
    if (startsWith(data, [0xfe, 0xff])) return new TextDecoder('utf-16be', { fatal: true }).decode(data.subarray(2))
    const body = startsWith(data, UTF8_BOM) ? data.subarray(3) : data
    return new TextDecoder('utf-8', { fatal: true }).decode(body)
  } catch {
    throw new CsvParseError('The file is not UTF-8 or UTF-16 text: in Excel, save it as "CSV UTF-8 (Comma delimited)".', null)
  }
}

/**
 * The delimiter of the first line that has one outside quotes: a comma, a semicolon (Excel in
 * much of Europe) or a tab (Excel's "Unicode text"). A file with none at all is one column, read as CSV.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]))
  let quoted = false
  let lines = 0
  for (let i = 0; i < text.length && lines < SNIFF_LINES; i++) {
    const char = text[i]!
    if (char === '"') quoted = !quoted
    else if (quoted) continue
    else if (counts.has(char)) counts.set(char, counts.get(char)! + 1)
    else if (char === '\n' || char === '\r') {
      const best = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))
      if (best[1] > 0) return best[0]
      if (char === '\r' && text[i + 1] === '\n') i++
      lines++
    }
  }
  const best = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))
  return best[1] > 0 ? best[0] : ','
}

/**
 * RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks; lines end in
 * CRLF, LF or CR. A quote inside an unquoted field, or after a closing quote, is kept as a character,
 * as Excel does. Every record counts as a row, blank ones too, so row numbers match what Excel shows;
 * a final line break does not start a row. Only fields with text are kept (see Table), and the
 * limits on rows, columns and cells are checked as the text is read.
 */
export function readCsv(input: string | Buffer, limits: Partial<SheetLimits> = {}, usage: SheetUsage = newUsage()): SheetRow[] {
  const caps = { ...DEFAULT_LIMITS, ...limits }
  const text = (typeof input === 'string' ? input : decodeText(input)).replace(/^\uFEFF/, '')
  const delimiter = sniffDelimiter(text)
  const rows: SheetRow[] = []
  let cells: SheetCell[] = []
  let rowNumber = 1
  let column = 0
  let field = ''
  let fieldStart = true
  let line = 1
  let i = 0

  const endField = () => {
    if (field !== '') {
      if (column >= caps.maxColumns) {
        throw new SheetLimitError(
          `The file has a value in column ${columnLetters(column)} of row ${rowNumber}, beyond the first ${caps.maxColumns.toLocaleString('en-GB')} columns.`,
          'maxColumns',
          caps.maxColumns
        )
      }
      if (++usage.cells > caps.maxCells) throw new SheetLimitError(`The upload holds more than ${caps.maxCells.toLocaleString('en-GB')} values.`, 'maxCells', caps.maxCells)
      cells.push({ column, value: field })
    }
    column++
    field = ''
    fieldStart = true
  }
  const endRow = () => {
    endField()
    if (rowNumber > caps.maxRows) throw new SheetLimitError(`The file has more than ${caps.maxRows.toLocaleString('en-GB')} rows.`, 'maxRows', caps.maxRows)
    if (cells.length > 0) rows.push({ number: rowNumber, cells })
    cells = []
    column = 0
    rowNumber++
  }

  while (i < text.length) {
    const char = text[i]!
    if (char === '"' && fieldStart) {
      const opened = line
      i++
      for (;;) {
        if (i >= text.length) throw new CsvParseError(`A quoted field opened on line ${opened} is never closed.`, opened)
        const c = text[i]!
        i++
        if (c === '"' && text[i] === '"') i++
        else if (c === '"') break
        else if (c === '\n' || (c === '\r' && text[i] !== '\n')) line++
        field += c
      }
      fieldStart = false
    } else if (char === delimiter) {
      endField()
      i++
    } else if (char === '\n' || char === '\r') {
      endRow()
      line++
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1
    } else {
      field += char
      fieldStart = false
      i++
    }
  }
  if (!fieldStart || column > 0) endRow()
  return rows
}
