import { type Cell, type SheetRow, type Table, columnLetters } from './table.ts'
import { type ColumnType, cellText, readValue } from './values.ts'

export type { Cell, SheetRow, Table } from './table.ts'
export { type ColumnType, formatCell } from './values.ts'

export interface ColumnSpec {
  key: string
  header: string
  /** Other headers people give the column; the key and the header are always accepted. */
  aliases?: string[]
  type: ColumnType
  required?: boolean
  /** For an enum: canonical value -> other accepted spellings (the canonical value itself is always accepted). */
  values?: Record<string, string[]>
  /** For text: the most characters allowed. */
  maxLength?: number
  /** For an enum: what a person reads for each canonical value, written in a workbook (CSV keeps the values). */
  labels?: Readonly<Record<string, string>>
  /**
   * Written for a person to read (a name beside a key, when a record was created) but never read
   * back: an import recognises the column, so it raises no warning, and takes nothing from it.
   */
  exportOnly?: boolean
  /** Read on import, never written: from files written before the column moved elsewhere, or a column registers have and ours lay out otherwise. */
  importOnly?: boolean
  /**
   * A row whose required columns are empty and which has a value in such a column continues the
   * record above it (an action written on the row under its recommendation): it is read as that
   * record's, with the required values repeated, and marked `continues`.
   */
  continues?: boolean
}

export interface SheetSpec {
  name: string
  aliases?: string[]
  /** The first required column (or the first column, if none is) anchors the search for the header row. */
  columns: ColumnSpec[]
}

/** Where and what: `row` is the row number the user sees (1-based, title rows counted), `column` the header as they wrote it. */
export interface SheetProblem {
  sheet: string
  row: number | null
  column: string | null
  field: string | null
  message: string
}

/**
 * `values` holds a key for every column the sheet has (null when the cell is empty) and none for a
 * column it lacks, so an import can tell "cleared" from "not given". A value with a problem is left out.
 */
export interface ParsedSheet {
  sheet: string
  /** `continues` is the row of the record a continuation row belongs to (see ColumnSpec.continues). */
  records: { row: number; values: Record<string, unknown>; continues?: number }[]
  /** The tables of the sheet with the title written above each (one, unless the sheet holds several), in row order. */
  tables: Array<{ headerRow: number; title: string | null }>
  /** Rows read otherwise than as records (a totals row, a second table's header), for the import's warnings. */
  notes: string[]
  problems: SheetProblem[]
  ignoredColumns: string[]
  /** Column key -> the header as the user wrote it, for the columns the sheet has. */
  headers: Record<string, string>
}

/** Title rows above the header are common; a header further down than this is not looked for. */
const HEADER_SEARCH_ROWS = 20
/** How much of a value a message quotes. */
const QUOTE_LENGTH = 60
/** Unknown headers listed per sheet: a sheet with more has not been laid out as a register at all. */
const MAX_UNKNOWN_HEADERS = 200
/** Notes on rows read otherwise than as records, per sheet: past these a sheet has a pattern the first ones show. */
const MAX_NOTES = 20
/** A row that sums up the rows above it rather than being one: "Total", "Totals:", "Grand total". */
const TOTALS = /^(grand\s+|sub-?\s?)?totals?:?$/i

const clip = (text: string) => (text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH - 1)}…` : text)

/**
 * A word without its plural: "categories" -> "category", "actions" -> "action". A final e goes too,
 * so that "statuses" and "status", "causes" and "cause" meet in the middle ("status", "caus").
 */
function stem(word: string): string {
  if (word.length <= 3) return word
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`
  const single = word.endsWith('s') && !/(ss|us|is)$/.test(word) ? word.slice(0, -1) : word
  return single.length > 3 && single.endsWith('e') ? single.slice(0, -1) : single
}

/**
 * A header or sheet name reduced to what identifies it: no case, accents, spaces, punctuation,
 * bracketed notes ("Due date (dd/mm/yyyy)") or plural s, and camelCase split, so "Rec No.", "rec_no"
 * and "recNo" are one, as are "Actions" and "action".
 */
export function normaliseName(text: string): string {
  let name = normalised.get(text)
  if (name === undefined) {
    if (normalised.size >= NORMALISED_KEPT) normalised.clear()
    normalised.set(text, (name = normaliseAnew(text)))
  }
  return name
}

/** Headers and sheet names repeat (every sheet's header is looked at for every kind of sheet): each is worked out once. */
const normalised = new Map<string, string>()
const NORMALISED_KEPT = 10_000

function normaliseAnew(text: string): string {
  const unbracketed = text.replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
  return (unbracketed.trim() === '' ? text : unbracketed)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '')
    .map(stem)
    .join('')
}

const knownNames = new WeakMap<object, Set<string>>()

/** Every name a spec or column goes by, normalised: worked out once per spec, as every row of a sheet is asked about. */
function namesOf(candidate: { name?: string; key?: string; header?: string; aliases?: string[] }): Set<string> {
  let names = knownNames.get(candidate)
  if (!names) {
    const given = [candidate.name, candidate.key, candidate.header, ...(candidate.aliases ?? [])]
    knownNames.set(candidate, (names = new Set(given.filter((name) => name !== undefined).map(normaliseName))))
  }
  return names
}

/** Longer than any header a register writes: such a cell is a value, and is not looked at as a header. */
const HEADER_MAX_LENGTH = 80

/** A header as the user wrote it, with line breaks and runs of spaces made single spaces. */
function headerText(cell: Cell): string | null {
  const text = cellText(cell)
  return text === null ? null : text.replace(/\s+/g, ' ')
}

function quote(cell: Cell): string {
  return clip(cellText(cell) ?? '')
}

function columnFor(spec: SheetSpec, cell: Cell): ColumnSpec | undefined {
  const text = headerText(cell)
  if (text === null) return undefined
  const name = normaliseName(text)
  return spec.columns.find((column) => namesOf(column).has(name))
}

function anchorOf(spec: SheetSpec): ColumnSpec | undefined {
  return spec.columns.find((column) => column.required) ?? spec.columns[0]
}

/** The spec's columns a row names. */
function namedColumns(spec: SheetSpec, row: SheetRow): Set<ColumnSpec> {
  return new Set(row.cells.map((cell) => columnFor(spec, cell.value)).filter((column) => column !== undefined))
}

/** A row a header could be: it names the anchor column and another known one. */
function isHeaderRow(spec: SheetSpec, row: SheetRow): boolean {
  const anchor = anchorOf(spec)
  if (row.cells.length < 2 || anchor === undefined) return false
  // Most rows are values: the anchor's own cell settles it before the rest of the row is looked at.
  if (!row.cells.some((cell) => typeof cell.value === 'string' && cell.value.length <= HEADER_MAX_LENGTH && columnFor(spec, cell.value) === anchor)) return false
  const found = namedColumns(spec, row)
  return anchor !== undefined && found.has(anchor) && found.size >= Math.min(2, spec.columns.length)
}

/** The index in `rows` of the header: the first of the top rows with the anchor column and another known one. */
function findHeader(spec: SheetSpec, rows: SheetRow[]): number | null {
  for (let r = 0; r < rows.length && rows[r]!.number <= HEADER_SEARCH_ROWS; r++) if (isHeaderRow(spec, rows[r]!)) return r
  return null
}

/**
 * What a sheet looks like by its header, whatever its name: the specs it could be, the one whose
 * columns its header names most first, with the headers that made it so.
 */
export function likenesses(specs: SheetSpec[], table: Table): Array<{ spec: SheetSpec; headers: string[] }> {
  const found: Array<{ spec: SheetSpec; headers: string[] }> = []
  for (const spec of specs) {
    const at = findHeader(spec, table.rows)
    if (at === null) continue
    const row = table.rows[at]!
    found.push({ spec, headers: row.cells.filter((cell) => columnFor(spec, cell.value) !== undefined).map((cell) => headerText(cell.value)!) })
  }
  // The kind whose columns the header names most; on a tie, the one it names more of (Ref, Action and
  // Status are most of an Actions sheet and a little of a Findings sheet).
  return found.sort((a, b) => b.headers.length - a.headers.length || b.headers.length / b.spec.columns.length - a.headers.length / a.spec.columns.length)
}

interface HeaderLayout {
  /** Column index -> the spec column and the header the user gave it. */
  columns: Map<number, { spec: ColumnSpec; header: string }>
  unknownHeaders: string[]
}

function readHeader(spec: SheetSpec, header: SheetRow, problem: (p: Omit<SheetProblem, 'sheet'>) => void): HeaderLayout {
  const columns = new Map<number, { spec: ColumnSpec; header: string }>()
  const unknownHeaders: string[] = []
  const seen = new Map<string, string>()
  for (const { column: index, value: cell } of header.cells) {
    const text = headerText(cell)
    if (text === null) continue
    const column = columnFor(spec, cell)
    if (column === undefined) {
      unknownHeaders.push(text)
      continue
    }
    if (column.exportOnly) continue
    const earlier = seen.get(column.key)
    if (earlier !== undefined) {
      problem({ row: header.number, column: text, field: column.key, message: `Both "${earlier}" and "${text}" look like the ${column.header} column; keep one of them` })
      continue
    }
    seen.set(column.key, text)
    columns.set(index, { spec: column, header: text })
  }
  for (const column of spec.columns) {
    if (column.required && !seen.has(column.key)) {
      const others = (column.aliases ?? []).map((alias) => `"${alias}"`)
      const also = others.length > 0 ? ` (also accepted: ${others.join(', ')})` : ''
      problem({ row: null, column: column.header, field: column.key, message: `The required column "${column.header}" is missing${also}` })
    }
  }
  return { columns, unknownHeaders }
}

/**
 * Reads a sheet laid out by a person: the header may sit below title rows and name the columns in
 * other words and any order; unknown columns are ignored (and listed), export-only ones ignored
 * without being listed, blank rows skipped. Every value must still be valid: each one that is not
 * becomes a problem naming the row and column as the user sees them. `sheetName` is the name problems report (the tab's own name, by default the spec's).
 */
export function parseSheet(spec: SheetSpec, rows: SheetRow[], sheetName: string = spec.name): ParsedSheet {
  const problems: SheetProblem[] = []
  const problem = (p: Omit<SheetProblem, 'sheet'>) => problems.push({ sheet: sheetName, ...p })
  const headerIndex = findHeader(spec, rows)
  if (headerIndex === null) {
    const anchor = anchorOf(spec)
    problem({
      row: null,
      column: null,
      field: null,
      message: `No header row found in the first ${HEADER_SEARCH_ROWS} rows: expected a row with a "${anchor?.header ?? ''}" column and at least one other known column`
    })
    return { sheet: sheetName, records: [], problems, ignoredColumns: [], headers: {}, notes: [], tables: [] }
  }

  const header = rows[headerIndex]!
  const layout = readHeader(spec, header, problem)
  let columns = layout.columns
  // Unknown headers, each once, however many tables repeat them; a warning a header, so a bounded few.
  const unknown = new Set(layout.unknownHeaders.slice(0, MAX_UNKNOWN_HEADERS))
  // Column key -> header as written: a later table's header adds to the first's, never replaces it.
  const headers: Record<string, string> = {}
  const keep = (layout: Map<number, { spec: ColumnSpec; header: string }>) => {
    for (const { spec: column, header: text } of layout.values()) headers[column.key] ??= text
  }
  keep(columns)
  let named = new Set(header.cells.filter((cell) => headerText(cell.value) !== null).map((cell) => cell.column))
  const headerless = new Set<number>()
  const records: ParsedSheet['records'] = []
  const notes: string[] = []
  const note = (text: string) => {
    if (notes.length < MAX_NOTES) notes.push(text)
    else if (notes.length === MAX_NOTES) notes.push('… and more rows like these')
  }
  // Several tables on one sheet: a later row that names the columns again starts the next table, and
  // a row holding one value just above a header is that table's title (its section).
  const isHeader = (r: number) => r > headerIndex && isHeaderRow(spec, rows[r]!)
  const titleAbove = (r: number) => (r > 0 && rows[r - 1]!.cells.length === 1 ? (cellText(rows[r - 1]!.cells[0]!.value) ?? undefined) : undefined)
  let section = titleAbove(headerIndex)
  let boundary = 0
  const tables: ParsedSheet['tables'] = [{ headerRow: header.number, title: section ?? null }]
  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row = rows[r]!
    if (isHeader(r)) {
      const next = readHeader(spec, row, problem)
      columns = next.columns
      keep(columns)
      for (const text of next.unknownHeaders) if (unknown.size < MAX_UNKNOWN_HEADERS) unknown.add(text)
      named = new Set(row.cells.filter((cell) => headerText(cell.value) !== null).map((cell) => cell.column))
      section = titleAbove(r)
      tables.push({ headerRow: row.number, title: section ?? null })
      boundary = records.length
      note(`row ${row.number} starts another table${section === undefined ? '' : `, titled "${clip(section)}" (row ${rows[r - 1]!.number})`}, read with its own header`)
      continue
    }
    if (r + 1 < rows.length && row.cells.length === 1 && isHeader(r + 1) && titleAbove(r + 1) !== undefined) {
      continue
    }
    const first = cellText(row.cells[0]?.value ?? null)
    if (first !== null && TOTALS.test(first)) {
      boundary = records.length
      note(`row ${row.number} ("${clip(first)}") is a totals row and was skipped`)
      continue
    }
    const cells = new Map<number, Cell>()
    for (const { column, value } of row.cells) {
      if (columns.has(column)) cells.set(column, value)
      else if (!named.has(column) && cellText(value) !== null) headerless.add(column)
    }
    const filled = [...cells].filter(([, cell]) => cellText(cell) !== null).map(([index]) => columns.get(index)!.spec)
    if (filled.length === 0) continue
    // A row continues only a record of its own table: never across a header or a totals row.
    const above = records.length > boundary ? records.at(-1) : undefined
    const continuation = above !== undefined && filled.some((column) => column.continues) && !filled.some((column) => column.required)
    const values: Record<string, unknown> = {}
    for (const [index, { spec: column, header: name }] of columns) {
      const cell = cells.get(index) ?? null
      const reading = readValue(cell, column)
      if ('reason' in reading) {
        problem({ row: row.number, column: name, field: column.key, message: `${name} "${quote(cell)}" ${reading.reason}` })
      } else if (reading.value === null && column.required && continuation) {
        values[column.key] = above.values[column.key]
      } else if (reading.value === null && column.required) {
        problem({ row: row.number, column: name, field: column.key, message: `${name} is empty; a value is required` })
      } else {
        values[column.key] = reading.value
      }
    }
    records.push(continuation ? { row: row.number, values, continues: above.continues ?? above.row } : { row: row.number, values })
  }
  const unnamed = [...headerless].sort((a, b) => a - b).map((index) => `Column ${columnLetters(index)} (no header)`)
  return { sheet: sheetName, records, problems, ignoredColumns: [...unknown, ...unnamed], headers, notes, tables }
}

/**
 * Pairs each spec with the workbook's sheet of that name, matched as forgivingly as headers are;
 * `matched` is keyed by spec name. A sheet no spec claims (or a second one for the same spec) is
 * `unknown`, for the import to report as ignored.
 */
export function matchSheets(specs: SheetSpec[], tables: Table[]): { matched: Map<string, Table>; unknown: string[] } {
  const matched = new Map<string, Table>()
  const unknown: string[] = []
  for (const table of tables) {
    const name = normaliseName(table.name)
    const spec = specs.find((candidate) => !matched.has(candidate.name) && namesOf(candidate).has(name))
    if (spec) matched.set(spec.name, table)
    else unknown.push(table.name)
  }
  return { matched, unknown }
}
