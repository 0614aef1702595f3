/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function field(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = Array.isArray(value) || typeof value === 'object' ? JSON.stringify(value) : String(value)
  // A leading = + - @ would make a spreadsheet run it as a formula: prefix a quote mark.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export interface CsvColumn<T> {
  header: string
  value: (row: T) => unknown
}

/** One record, CRLF-terminated: for a CSV written (or streamed) line by line. */
export function csvLine(values: unknown[]): string {
  return `${values.map(field).join(',')}\r\n`
}

/** RFC 4180: CRLF line ends, a header row, every row the same columns. */
export function toCsv<T>(rows: T[], columns: CsvColumn<T>[]): string {
  let text = csvLine(columns.map((c) => c.header))
  for (const row of rows) text += csvLine(columns.map((c) => c.value(row)))
  return text
}
