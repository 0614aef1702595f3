/** One cell as the codec hands it on: rich text, hyperlinks and formulas already reduced to their values. */
export type Cell = string | number | boolean | Date | null

/** A sheet as rows of cells: `rows[0]` is the sheet's row 1 and `rows[r][0]` its column A, so positions can be reported as the user sees them. */
export interface Table {
  name: string
  rows: Cell[][]
}

/** What a reader will take on before refusing a file: an upload is untrusted, and a zip can expand a thousandfold. */
export interface SheetLimits {
  maxRows: number
  maxColumns: number
  maxUncompressedBytes: number
}

export const DEFAULT_LIMITS: SheetLimits = {
  maxRows: 200_000,
  maxColumns: 1_000,
  maxUncompressedBytes: 100 * 1024 * 1024
}

/** Excel refuses (or silently truncates) a cell holding more text than this. */
export const MAX_CELL_TEXT = 32_767
