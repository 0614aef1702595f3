import { FINDINGS_SHEET, REGISTER_SHEETS } from './register-sheets.ts'
import { readCsv } from './sheets/csv.ts'
import { CsvParseError, SheetFileError, SheetLimitError, WorkbookReadError } from './sheets/errors.ts'
import { type ParsedSheet, type SheetSpec, type Table, likenesses, matchSheets, parseSheet } from './sheets/layout.ts'
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
  /** Why the files, as a whole, cannot be read as a register (two sheets that look like one kind). */
  problems: string[]
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
 * Sheets no name claims, matched by what their headers say (a register kept on "Sheet1"): each to
 * the kind of sheet its header names most columns of, where that kind has no sheet yet and no other
 * sheet looks the same. Says what it did, and why a sheet it could not place was left.
 */
function matchByHeader(tables: Table[], matched: Map<string, Table>): { warnings: string[]; problems: string[] } {
  const warnings: string[] = []
  const problems: string[] = []
  const candidates = new Map<SheetSpec, Array<{ table: Table; headers: string[] }>>()
  const claimed = new Set(matched.values())
  for (const table of tables.filter((candidate) => !claimed.has(candidate))) {
    const name = table.name
    const best = likenesses(REGISTER_SHEETS, table)[0]
    if (!best) {
      warnings.push(`Sheet "${name}" is not part of a register and was ignored: no header row a register's sheet has was found in it.`)
      continue
    }
    candidates.set(best.spec, [...(candidates.get(best.spec) ?? []), { table, headers: best.headers }])
  }
  for (const [spec, tablesLike] of candidates) {
    const named = matched.get(spec.name)
    const list = tablesLike.map(({ table }) => `"${table.name}"`).join(', ')
    if (named) {
      // Two sheets of findings (a second tab of AFIs, an archive under the same name): a choice only the person can make.
      problems.push(`Sheet${tablesLike.length > 1 ? 's' : ''} ${list} look${tablesLike.length > 1 ? '' : 's'} like the ${spec.name} sheet, which "${named.name}" is already: put their rows on one sheet, or remove the one not to import.`)
    } else if (tablesLike.length > 1) {
      problems.push(`Sheets ${list} all look like the ${spec.name} sheet by their headers: name the one to import "${spec.name}" (or remove the others).`)
    } else {
      const { table, headers } = tablesLike[0]!
      matched.set(spec.name, table)
      warnings.push(`Sheet "${table.name}" is read as the ${spec.name} sheet: its header (${headers.slice(0, 6).join(', ')}) is a register's.`)
    }
  }
  return { warnings, problems }
}

/**
 * Reads the files of an upload into the register's sheets, row by row (see layout.ts): the heavy,
 * untrusted part of an import, which the service runs in a worker (upload-readers.ts). Sheets are
 * matched by name, then by header; `problems` says why the files cannot be read as a register.
 */
export async function readUpload(files: UploadedFile[], limits: SheetLimits = DEFAULT_LIMITS): Promise<UploadReading> {
  const tables = await tablesOf(files, limits)
  const { matched } = matchSheets(REGISTER_SHEETS, tables)
  const { warnings, problems } = matchByHeader(tables, matched)
  // One CSV file whatever its name and header: the findings, as most registers are a single list
  // (its header's problems then say what is missing).
  if (matched.size === 0 && problems.length === 0 && tables.length === 1 && files.length === 1 && !isWorkbook(files[0]!.data)) {
    matched.set(FINDINGS_SHEET.name, tables[0]!)
    warnings.length = 0
  }
  const sheets: UploadReading['sheets'] = []
  for (const spec of REGISTER_SHEETS) {
    const table = matched.get(spec.name)
    if (!table) continue
    const parsed = parseSheet(spec, table.rows, table.name)
    sheets.push({ spec: spec.name, parsed })
    for (const column of parsed.ignoredColumns) warnings.push(`Sheet "${table.name}": column "${column}" is not part of a register and was ignored.`)
    for (const note of parsed.notes) warnings.push(`Sheet "${table.name}": ${note}.`)
  }
  return { sheets, warnings, problems }
}
