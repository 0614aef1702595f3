/** One cell as the codec hands it on: rich text, hyperlinks and formulas already reduced to their values. */
export type Cell = string | number | boolean | Date | null

/** A cell that holds a value: `column` 0 is column A. */
export interface SheetCell {
  column: number
  value: Cell
}

/** A row that holds at least one value: `number` is the row number the user sees (1-based), `cells` are in column order. */
export interface SheetRow {
  number: number
  cells: SheetCell[]
}

/**
 * A sheet as the rows that hold values, in row order. Empty rows and cells are not stored, so memory
 * follows the values a file really holds, never the coordinates it claims; positions are still reported
 * as the user sees them.
 */
export interface Table {
  name: string
  rows: SheetRow[]
}

/** Excel's own grid: no coordinate a reader accepts lies beyond it. */
export const EXCEL_MAX_ROWS = 1_048_576
export const EXCEL_MAX_COLUMNS = 16_384
/** Excel keeps at most this many cell formats in a workbook. */
export const EXCEL_MAX_CELL_FORMATS = 64_000

/**
 * What a reader will take on before refusing a file: an upload is untrusted, and a zip can expand a
 * thousandfold. Each bound is on what the file holds (rows it writes, cells with a value, bytes it
 * inflates to), counted as it is read, before memory is spent on more.
 */
export interface SheetLimits {
  /** Rows a sheet (or a CSV file) writes, empty ones included. */
  maxRows: number
  /** The column of any value: one beyond is refused. */
  maxColumns: number
  /** Cells holding a value, across every sheet and file of an upload. */
  maxCells: number
  /** Entries of a workbook's shared string table. */
  maxSharedStrings: number
  /** Characters in a workbook's shared string table. */
  maxSharedStringChars: number
  /** Bytes the parts of a workbook read inflate to. */
  maxUncompressedBytes: number
}

export const DEFAULT_LIMITS: SheetLimits = {
  maxRows: 200_000,
  maxColumns: 1_000,
  maxCells: 1_000_000,
  maxSharedStrings: 500_000,
  maxSharedStringChars: 30_000_000,
  maxUncompressedBytes: 100 * 1024 * 1024
}

/** What one upload has used of its limits so far: shared by the files of an upload, so the caps hold for it as a whole. */
export interface SheetUsage {
  cells: number
  /** Cells looked at while reading merged ranges, bounded as values are. */
  mergeWork: number
}

export const newUsage = (): SheetUsage => ({ cells: 0, mergeWork: 0 })

/** Excel refuses (or silently truncates) a cell holding more text than this. */
export const MAX_CELL_TEXT = 32_767

/** A, B ... Z, AA ...: how a user finds a column. */
export function columnLetters(index: number): string {
  let letters = ''
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}
