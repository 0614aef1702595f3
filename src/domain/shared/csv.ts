/**
 * Every CSV the service writes (findings lists, reports, exports) goes through `csvField`, so one
 * rule keeps a cell a cell, and text text, whichever spreadsheet opens the file and whatever
 * separator it guesses (comma; semicolon, Excel's in much of Europe; tab; pipe):
 * - RFC 4180: a field holding a quote, a line break or any of those separators is quoted, its
 *   quotes doubled;
 * - OWASP's CSV injection guidance: a single quote goes before = + - @ tab or CR wherever a
 *   spreadsheet could start a cell with it: at the start of the text, and after any separator or
 *   line break inside it (spaces and quotes between). Quoting alone does not cover the second case:
 *   a spreadsheet that splits a comma-separated line on `;` never sees the quote that opens the
 *   field, so `Harmless;=2+5` would start a cell with `=2+5`; written `Harmless;'=2+5` it cannot.
 *   Spreadsheets read a leading single quote as "this is text" and do not show it; the import takes
 *   off every quote this rule adds (`unguardCsvText`). Numbers are written as they are.
 */
export const CSV_SEPARATORS = [',', ';', '\t', '|'] as const
/** Where a spreadsheet may start a cell inside a text, and what makes that cell a formula. */
const FORMULA_START = /(?<=^|[,;\t|\r\n][ "]*)(?=[=+\-@\t\r])/g
const GUARD = /(?<=^|[,;\t|\r\n][ "]*)'(?=[=+\-@\t\r])/g
const NEEDS_QUOTES = /[",;\t|\r\n]/

/** The text with a single quote before every formula a spreadsheet could find in it. */
export function guardFormulas(text: string): string {
  return text.replace(FORMULA_START, "'")
}

/** What `guardFormulas` added, taken off: an exported CSV reads back as it was. */
export function unguardCsvText(text: string): string {
  return text.replace(GUARD, '')
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  const text = Array.isArray(value) || typeof value === 'object' ? JSON.stringify(value) : String(value)
  const safe = guardFormulas(text)
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export interface CsvColumn<T> {
  header: string
  value: (row: T) => unknown
}

/** One record, CRLF-terminated: for a CSV written (or streamed) line by line. */
export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`
}

/** RFC 4180: CRLF line ends, a header row, every row the same columns. */
export function toCsv<T>(rows: T[], columns: CsvColumn<T>[]): string {
  let text = csvLine(columns.map((c) => c.header))
  for (const row of rows) text += csvLine(columns.map((c) => c.value(row)))
  return text
}
