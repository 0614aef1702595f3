import type ExcelJS from 'exceljs'

/** exceljs is large: loaded on the first spreadsheet, not at every start of the service. */
let excel: Promise<typeof ExcelJS> | undefined
const loadExcel = () => (excel ??= import('exceljs').then((module) => module.default))
import { SheetLimitError, WorkbookReadError } from './errors.ts'
import { type Cell, DEFAULT_LIMITS, MAX_CELL_TEXT, type SheetLimits, type Table } from './table.ts'
import { checkWorkbookArchive } from './zip-guard.ts'

export type { Cell, Table } from './table.ts'

export interface SheetToWrite {
  name: string
  columns: { header: string; width?: number }[]
  rows: Cell[][]
}

const MIN_WIDTH = 8
const MAX_WIDTH = 60
/** Rows looked at when sizing a column: enough to be representative, few enough to stay quick. */
const WIDTH_SAMPLE = 500

/** What the user sees in a cell, whatever exceljs made of it. */
function plainValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object' || value instanceof Date) return value
  if ('richText' in value) return value.richText.map((run) => run.text).join('')
  // A hyperlink's display text may itself be rich text.
  if ('hyperlink' in value) return plainValue(value.text as ExcelJS.CellValue)
  if ('formula' in value || 'sharedFormula' in value) {
    // The cached result is what Excel shows; without one (a file never opened in Excel) there is nothing to read.
    return value.result === undefined ? null : plainValue(value.result)
  }
  if ('error' in value) return value.error
  return null
}

function worksheetRows(Excel: typeof ExcelJS, worksheet: ExcelJS.Worksheet, limits: SheetLimits): Cell[][] {
  const rows: Cell[][] = []
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: Cell[] = []
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      // A merged range keeps its value in the top-left cell only.
      if (cell.type === Excel.ValueType.Merge) return
      const value = plainValue(cell.value)
      if (value === null) return
      if (column > limits.maxColumns) {
        throw new SheetLimitError(
          `Sheet "${worksheet.name}" has a value in ${cell.address}, beyond the first ${limits.maxColumns.toLocaleString('en-GB')} columns; delete it or move it.`,
          'maxColumns',
          limits.maxColumns
        )
      }
      while (cells.length < column - 1) cells.push(null)
      cells[column - 1] = value
    })
    if (cells.length === 0) return
    while (rows.length < rowNumber - 1) rows.push([])
    rows[rowNumber - 1] = cells
  })
  return rows
}

/**
 * Every sheet of an xlsx workbook as plain cells, in the workbook's order, hidden sheets included.
 * The archive is checked against the limits before exceljs sees it; anything exceljs cannot open
 * becomes a WorkbookReadError.
 */
export async function readWorkbook(data: Buffer, limits: Partial<SheetLimits> = {}): Promise<Table[]> {
  const caps = { ...DEFAULT_LIMITS, ...limits }
  await checkWorkbookArchive(data, caps)
  const Excel = await loadExcel()
  const workbook = new Excel.Workbook()
  try {
    await workbook.xlsx.load(data as unknown as ExcelJS.Buffer)
  } catch (error) {
    // The cause is for the log; the user can only re-save the file.
    throw new WorkbookReadError('The workbook could not be read: it may be damaged. Open it in Excel and save a copy as .xlsx.', { cause: error })
  }
  return workbook.worksheets.map((worksheet) => ({ name: worksheet.name, rows: worksheetRows(Excel, worksheet, caps) }))
}

/**
 * Characters XML cannot carry (a vertical tab pasted from Word, say) are written in the _xHHHH_
 * escape Excel reads back, and so is the underscore of any text that already looks like one;
 * exceljs would otherwise drop the former and decode the latter.
 */
function escapeText(text: string): string {
  const safe = text.includes('_x') ? text.replace(/_(?=x[0-9a-fA-F]{4}_)/g, '_x005F_') : text
  let escaped = ''
  let from = 0
  for (let i = 0; i < safe.length; i++) {
    const code = safe.charCodeAt(i)
    if (!unwritable(code)) continue
    escaped += `${safe.slice(from, i)}_x${code.toString(16).toUpperCase().padStart(4, '0')}_`
    from = i + 1
  }
  return from === 0 ? safe : escaped + safe.slice(from)
}

/** Control characters other than tab, line feed and carriage return, and the two non-characters. */
function unwritable(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff
}

function displayLength(value: Cell): number {
  if (value === null) return 0
  if (value instanceof Date) return 10
  return Math.max(...String(value).split('\n').map((line) => line.length))
}

function columnWidth(header: string, rows: Cell[][], index: number): number {
  let longest = header.length
  for (const row of rows.slice(0, WIDTH_SAMPLE)) longest = Math.max(longest, displayLength(row[index] ?? null))
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, longest + 2))
}

function writeCell(cell: ExcelJS.Cell, value: Cell, sheet: string): void {
  if (value === null) return
  if (typeof value === 'string') {
    if (value.length > MAX_CELL_TEXT) {
      throw new SheetLimitError(`A value in sheet "${sheet}", cell ${cell.address}, is longer than the ${MAX_CELL_TEXT.toLocaleString('en-GB')} characters a cell can hold.`, 'maxCellText', MAX_CELL_TEXT)
    }
    // Always a plain string: exceljs makes a formula only from a { formula } object, so "=1+1" stays text.
    cell.value = escapeText(value)
    return
  }
  cell.value = value
  if (value instanceof Date) {
    const midnight = value.getTime() % 86_400_000 === 0
    cell.numFmt = midnight ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm:ss'
  }
}

/**
 * An xlsx workbook: one sheet per entry, a bold header row that stays in view, widths from the
 * content unless given, long or multi-line text wrapped. Dates become date cells (shown yyyy-mm-dd)
 * and strings are always text, never formulas.
 */
export async function writeWorkbook(sheets: SheetToWrite[]): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook()
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] })
    const header = worksheet.getRow(1)
    sheet.columns.forEach((column, i) => {
      writeCell(header.getCell(i + 1), column.header, sheet.name)
      worksheet.getColumn(i + 1).width = column.width ?? columnWidth(column.header, sheet.rows, i)
    })
    header.font = { bold: true }
    sheet.rows.forEach((values, r) => {
      const row = worksheet.getRow(r + 2)
      values.forEach((value, c) => {
        const cell = row.getCell(c + 1)
        writeCell(cell, value, sheet.name)
        if (typeof value === 'string' && (value.includes('\n') || value.length > MAX_WIDTH)) cell.alignment = { wrapText: true, vertical: 'top' }
      })
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
