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

/** RFC 4180: CRLF line ends, a header row, every row the same columns. */
export function toCsv<T>(rows: T[], columns: CsvColumn<T>[]): string {
  const lines = [columns.map((c) => field(c.header)).join(',')]
  for (const row of rows) lines.push(columns.map((c) => field(c.value(row))).join(','))
  return `${lines.join('\r\n')}\r\n`
}
