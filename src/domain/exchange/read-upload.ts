import { FINDINGS_SHEET, REGISTER_SHEETS } from './register-sheets.ts'
import { readCsv } from './sheets/csv.ts'
import { CsvParseError, SheetFileError, SheetLimitError, WorkbookReadError } from './sheets/errors.ts'
import { type ParsedSheet, type Table, matchSheets, parseSheet } from './sheets/layout.ts'
import { DEFAULT_LIMITS, type SheetLimits, newUsage } from './sheets/table.ts'
import { readWorkbook } from './sheets/xlsx-reader.ts'

export interface UploadedFile {
  /** The form field it came in. */
  field: string
  filename: string
  data: Buffer
}

/** What an upload's files say, sheet by sheet: `sheets` is keyed by the spec's name, in the order of REGISTER_SHEETS. */
export interface UploadReading {
  sheets: Array<{ spec: string; parsed: ParsedSheet }>
  warnings: string[]
}

export const isWorkbook = (data: Uint8Array) => data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03 && data[3] === 0x04

/** The same error, its message prefixed with the file it is about. */
function aboutFile(error: SheetFileError, file: UploadedFile): SheetFileError {
  const message = `${file.filename || file.field}: ${error.message}`
  if (error instanceof SheetLimitError) return new SheetLimitError(message, error.limit, error.max)
  if (error instanceof CsvParseError) return new CsvParseError(message, error.line)
  if (error instanceof WorkbookReadError) return new WorkbookReadError(message)
  return new SheetFileError(message)
}

/** Every uploaded file as tables: a workbook gives its sheets; a CSV file is one sheet named after its field or file. */
async function tablesOf(files: UploadedFile[], limits: SheetLimits): Promise<Table[]> {
  const tables: Table[] = []
  const usage = newUsage()
  for (const file of files) {
    try {
      if (isWorkbook(file.data)) tables.push(...(await readWorkbook(file.data, limits, usage)))
      else {
        const named = file.field !== 'file' && file.field !== 'files' ? file.field : file.filename.replace(/\.[^.]*$/, '')
        tables.push({ name: named, rows: readCsv(file.data, limits, usage) })
      }
    } catch (error) {
      if (error instanceof SheetFileError) throw aboutFile(error, file)
      throw error
    }
  }
  return tables
}

/**
 * Reads the files of an upload into the register's sheets, row by row (see layout.ts): the heavy,
 * untrusted part of an import, which the service runs in a worker (upload-readers.ts).
 */
export async function readUpload(files: UploadedFile[], limits: SheetLimits = DEFAULT_LIMITS): Promise<UploadReading> {
  const tables = await tablesOf(files, limits)
  let { matched, unknown } = matchSheets(REGISTER_SHEETS, tables)
  // One CSV file whatever its name: the findings, as most registers are a single list.
  if (matched.size === 0 && tables.length === 1 && files.length === 1 && !isWorkbook(files[0]!.data)) {
    matched = new Map([[FINDINGS_SHEET.name, tables[0]!]])
    unknown = []
  }
  const warnings = unknown.map((name) => `Sheet "${name}" is not part of a register and was ignored.`)
  const sheets: UploadReading['sheets'] = []
  for (const spec of REGISTER_SHEETS) {
    const table = matched.get(spec.name)
    if (!table) continue
    const parsed = parseSheet(spec, table.rows, table.name)
    sheets.push({ spec: spec.name, parsed })
    for (const column of parsed.ignoredColumns) warnings.push(`Sheet "${table.name}": column "${column}" is not part of a register and was ignored.`)
  }
  return { sheets, warnings }
}
