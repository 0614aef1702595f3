import type ExcelJS from 'exceljs'

/** exceljs is large: loaded on the first spreadsheet, not at every start of the service. */
let excel: Promise<typeof ExcelJS> | undefined
const loadExcel = () => (excel ??= import('exceljs').then((module) => module.default))
import { SheetLimitError } from './errors.ts'
import { type Cell, MAX_CELL_TEXT } from './table.ts'

export type { Cell, Table } from './table.ts'
export { readWorkbook } from './xlsx-reader.ts'

export interface ColumnToWrite {
  header: string
  width?: number
  /** Its dates carry a time of day: shown with it, midnight included. */
  dateTime?: boolean
}

export interface SheetToWrite {
  name: string
  columns: ColumnToWrite[]
  rows: Cell[][]
}

const MIN_WIDTH = 8
const MAX_WIDTH = 60
/** Rows looked at when sizing a column: enough to be representative, few enough to stay quick. */
const WIDTH_SAMPLE = 500

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

const DATE_FORMAT = 'yyyy-mm-dd'
const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss'

function displayLength(value: Cell, dateTime: boolean): number {
  if (value === null) return 0
  if (value instanceof Date) return dateTime ? DATE_TIME_FORMAT.length : DATE_FORMAT.length
  return Math.max(...String(value).split('\n').map((line) => line.length))
}

function columnWidth(column: ColumnToWrite, rows: Cell[][], index: number): number {
  let longest = column.header.length
  for (const row of rows.slice(0, WIDTH_SAMPLE)) longest = Math.max(longest, displayLength(row[index] ?? null, column.dateTime ?? false))
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, longest + 2))
}

function writeCell(cell: ExcelJS.Cell, value: Cell, sheet: string, dateTime = false): void {
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
    cell.numFmt = midnight && !dateTime ? DATE_FORMAT : DATE_TIME_FORMAT
  }
}

/**
 * An xlsx workbook: one sheet per entry, a bold header row that stays in view with a filter on it
 * over every row, widths from the content unless given, long or multi-line text wrapped. Dates
 * become date cells (shown yyyy-mm-dd, or yyyy-mm-dd hh:mm:ss in a date-time column or when they
 * have a time) and strings are always text, never formulas.
 */
export async function writeWorkbook(sheets: SheetToWrite[]): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook()
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] })
    const header = worksheet.getRow(1)
    sheet.columns.forEach((column, i) => {
      writeCell(header.getCell(i + 1), column.header, sheet.name)
      worksheet.getColumn(i + 1).width = column.width ?? columnWidth(column, sheet.rows, i)
    })
    header.font = { bold: true }
    if (sheet.columns.length > 0) worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: sheet.rows.length + 1, column: sheet.columns.length } }
    sheet.rows.forEach((values, r) => {
      const row = worksheet.getRow(r + 2)
      values.forEach((value, c) => {
        const cell = row.getCell(c + 1)
        writeCell(cell, value, sheet.name, sheet.columns[c]?.dateTime)
        if (typeof value === 'string' && (value.includes('\n') || value.length > MAX_WIDTH)) cell.alignment = { wrapText: true, vertical: 'top' }
      })
    })
  }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
