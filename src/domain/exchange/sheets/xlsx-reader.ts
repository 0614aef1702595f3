import { posix } from 'node:path'
import type { Readable } from 'node:stream'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import yauzl from 'yauzl'
import { SheetFileError, SheetLimitError, WorkbookReadError } from './errors.ts'
import {
  type Cell,
  DEFAULT_LIMITS,
  EXCEL_MAX_CELL_FORMATS,
  EXCEL_MAX_COLUMNS,
  EXCEL_MAX_ROWS,
  MAX_CELL_TEXT,
  type SheetCell,
  type SheetLimits,
  type SheetRow,
  type SheetUsage,
  type Table,
  columnLetters,
  newUsage
} from './table.ts'

/**
 * An xlsx workbook read as a stream: each part is inflated a chunk at a time into a SAX parser, and
 * only the values the sheets hold are kept. Every bound is checked on what the file holds as it is
 * read (rows written, values, shared strings, inflated bytes), and no coordinate a cell claims is
 * ever allocated: a cell in row 1,048,576 costs what a cell in row 1 does.
 */

const OLE2_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const STORED = 0
const DEFLATED = 8
/** A workbook has tens of parts; a directory of many thousands is an attack on the reader, not a register. */
const MAX_PARTS = 10_000
const DAY_MS = 86_400_000
/** Serial day 25569 is 1970-01-01 in the 1900 date system; the 1904 system counts 1462 days fewer. */
const UNIX_EPOCH_SERIAL = 25_569
const DATE_1904_OFFSET = 1_462
/** The built-in number formats (ECMA-376 18.8.30) that show a date or a time. */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58])
const RELATIONSHIP_TYPE = {
  worksheet: /\/worksheet$/,
  sharedStrings: /\/sharedStrings$/,
  styles: /\/styles$/
}

const notAWorkbook = (detail: string) => new WorkbookReadError(`The file is not an Excel workbook (.xlsx): ${detail}`)
const damaged = (cause?: unknown) =>
  new WorkbookReadError('The workbook could not be read: it may be damaged. Open it in Excel and save a copy as .xlsx.', cause === undefined ? undefined : { cause })
const count = (n: number) => n.toLocaleString('en-GB')

/** Prefixes aside (`x:row` is `row`): namespaces tell us nothing the element names do not. */
const local = (name: string) => name.slice(name.indexOf(':') + 1)

function attribute(tag: SaxesTagPlain, name: string): string | undefined {
  for (const key in tag.attributes) if (local(key) === name) return tag.attributes[key]
  return undefined
}

/** Characters XML cannot carry are written _xHHHH_ (and a literal `_x` as _x005F_x): Excel's escape, undone. */
const unescapeText = (text: string) => (text.includes('_x') ? text.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text)

/** Whether a number format shows a date or time: a d, m, y, h, s or b outside quoted text, brackets and escapes. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '').replace(/\\./g, '')
  return /[dmyhsb]/i.test(bare) && !/^general$/i.test(bare.trim())
}

/** A cell reference such as `XFD1048576`, refused when beyond Excel's grid; the row is null when absent. */
function parseReference(reference: string, sheet: string): { column: number; row: number | null } | null {
  const match = /^\$?([A-Za-z]{1,4})\$?(\d*)$/.exec(reference)
  if (!match) return null
  let column = 0
  for (const letter of match[1]!.toUpperCase()) column = column * 26 + (letter.charCodeAt(0) - 64)
  const row = match[2] === '' ? null : Number(match[2])
  if (column > EXCEL_MAX_COLUMNS || (row !== null && (row < 1 || row > EXCEL_MAX_ROWS))) beyondGrid(sheet, reference)
  return { column: column - 1, row }
}

function beyondGrid(sheet: string, where: string): never {
  throw new SheetLimitError(
    `Sheet "${sheet}" refers to ${where.slice(0, 20)}, outside the ${count(EXCEL_MAX_ROWS)} rows and ${count(EXCEL_MAX_COLUMNS)} columns (A to XFD) a sheet can have: the file was not written by Excel.`,
    'excelGrid',
    EXCEL_MAX_ROWS
  )
}

function positiveInteger(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return null
  return Number(text)
}

interface XmlHandlers {
  open?(name: string, tag: SaxesTagPlain): void
  close?(name: string): void
  text?(text: string): void
}

/** The parts of the zip, read on demand, every byte inflated counted against one limit. */
class Archive {
  private inflated = 0

  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    private readonly limits: SheetLimits
  ) {}

  static async open(data: Buffer, limits: SheetLimits): Promise<Archive> {
    if (OLE2_SIGNATURE.every((byte, i) => data[i] === byte)) {
      throw notAWorkbook('it is an old-format (.xls) or password-protected workbook; save it as .xlsx without a password.')
    }
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      // Names are decoded here, not by yauzl, which refuses a part named with a leading slash (Excel reads it).
      yauzl.fromBuffer(data, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false }, (error, file) => (error ? reject(notAWorkbook('it is not a zip archive, or it is cut short.')) : resolve(file)))
    )
    if (zip.entryCount > MAX_PARTS) throw notAWorkbook(`it has more than ${count(MAX_PARTS)} parts.`)
    const entries = new Map<string, yauzl.Entry>()
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw: unknown = entry.fileName
        const name = (Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)).replace(/^\//, '')
        if (!entries.has(name)) entries.set(name, entry)
        zip.readEntry()
      })
      zip.on('end', () => resolve())
      zip.on('error', () => reject(notAWorkbook('its zip directory is damaged.')))
      zip.readEntry()
    })
    if (!entries.has('xl/workbook.xml')) throw notAWorkbook('it has no workbook part (is it a Word or OpenDocument file?).')
    // The sizes a zip declares can lie (every byte is counted as it is inflated), but one that declares too much is refused unread.
    const declared = [...entries.values()].reduce((sum, entry) => sum + entry.uncompressedSize, 0)
    if (declared > limits.maxUncompressedBytes) throw tooLarge(limits)
    return new Archive(zip, entries, limits)
  }

  has(name: string): boolean {
    return this.entries.has(name)
  }

  /** Streams one part through a SAX parser; a part that is not there reads as empty. */
  async parse(name: string, handlers: XmlHandlers): Promise<void> {
    const entry = this.entries.get(name)
    if (!entry) return
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) throw notAWorkbook(`its part ${name} uses a compression Excel does not.`)
    const stream = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, opened) => (error ? reject(notAWorkbook('its zip entries are damaged.')) : resolve(opened)))
    )
    const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false })
    let depth = 0
    parser.on('opentag', (tag) => {
      depth++
      handlers.open?.(local(tag.name), tag)
    })
    parser.on('closetag', (tag) => {
      depth--
      handlers.close?.(local(tag.name))
    })
    if (handlers.text) {
      parser.on('text', handlers.text)
      parser.on('cdata', handlers.text)
    }
    const decoder = new TextDecoder('utf-8')
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.inflated += chunk.length
        if (this.inflated > this.limits.maxUncompressedBytes) throw tooLarge(this.limits)
        parser.write(decoder.decode(chunk, { stream: true }))
      }
      parser.write(decoder.decode())
      parser.close()
    } catch (error) {
      stream.destroy()
      if (error instanceof SheetFileError) throw error
      if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('Z_')) throw notAWorkbook(`its part ${name} is damaged.`)
      throw damaged(error)
    }
    if (depth !== 0) throw damaged()
  }

  close(): void {
    this.zip.close()
  }
}

function tooLarge(limits: SheetLimits): SheetLimitError {
  const mb = Math.round(limits.maxUncompressedBytes / 1024 / 1024)
  return new SheetLimitError(`The workbook expands to more than ${mb} MB; split it or remove what is not needed.`, 'maxUncompressedBytes', limits.maxUncompressedBytes)
}

/** A part's relationships: id -> target part, resolved against the folder of the part that has them. */
async function relationships(archive: Archive, part: string): Promise<Array<{ id: string; type: string; target: string }>> {
  const folder = posix.dirname(part)
  const found: Array<{ id: string; type: string; target: string }> = []
  await archive.parse(posix.join(folder, '_rels', `${posix.basename(part)}.rels`), {
    open(name, tag) {
      if (name !== 'Relationship' || attribute(tag, 'TargetMode') === 'External') return
      const target = attribute(tag, 'Target') ?? ''
      const resolved = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(folder, target))
      if (found.length < MAX_PARTS) found.push({ id: attribute(tag, 'Id') ?? '', type: attribute(tag, 'Type') ?? '', target: resolved })
    }
  })
  return found
}

interface WorkbookInfo {
  date1904: boolean
  sheets: Array<{ name: string; part: string }>
  sharedStrings: string | null
  styles: string | null
}

async function workbookInfo(archive: Archive): Promise<WorkbookInfo> {
  const rels = await relationships(archive, 'xl/workbook.xml')
  const byId = new Map(rels.map((rel) => [rel.id, rel]))
  const info: WorkbookInfo = {
    date1904: false,
    sheets: [],
    sharedStrings: rels.find((rel) => RELATIONSHIP_TYPE.sharedStrings.test(rel.type))?.target ?? null,
    styles: rels.find((rel) => RELATIONSHIP_TYPE.styles.test(rel.type))?.target ?? null
  }
  await archive.parse('xl/workbook.xml', {
    open(name, tag) {
      if (name === 'workbookPr') {
        const value = attribute(tag, 'date1904')
        info.date1904 = value === '1' || value === 'true'
      } else if (name === 'sheet') {
        // Chart and dialog sheets hold no cells: only worksheets are read.
        const rel = byId.get(attribute(tag, 'id') ?? '')
        if (rel && RELATIONSHIP_TYPE.worksheet.test(rel.type) && info.sheets.length < MAX_PARTS) info.sheets.push({ name: attribute(tag, 'name') ?? `Sheet${info.sheets.length + 1}`, part: rel.target })
      }
    }
  })
  return info
}

/** Which cell formats (by index, as a cell's `s` names them) show a date. */
async function dateStyles(archive: Archive, part: string | null): Promise<boolean[]> {
  if (part === null) return []
  const customDates = new Map<number, boolean>()
  const styles: boolean[] = []
  let inCellFormats = false
  await archive.parse(part, {
    open(name, tag) {
      if (name === 'numFmt') {
        const id = positiveInteger(attribute(tag, 'numFmtId'))
        if (id !== null && customDates.size < EXCEL_MAX_CELL_FORMATS) customDates.set(id, isDateFormat(attribute(tag, 'formatCode') ?? ''))
      } else if (name === 'cellXfs') {
        inCellFormats = true
      } else if (name === 'xf' && inCellFormats) {
        if (styles.length >= EXCEL_MAX_CELL_FORMATS) throw damaged()
        const id = positiveInteger(attribute(tag, 'numFmtId')) ?? 0
        styles.push(customDates.get(id) ?? BUILT_IN_DATE_FORMATS.has(id))
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellFormats = false
    }
  })
  return styles
}

/** The text of `<t>` elements within `within` (a shared string's `si`, an inline string's `is`), phonetic runs left out. */
class TextCollector {
  private parts: string[] = []
  private length = 0
  private inText = false
  private phonetic = 0

  constructor(private readonly onTooLong: () => never) {}

  open(name: string): void {
    if (name === 'rPh') this.phonetic++
    else if (name === 't' && this.phonetic === 0) this.inText = true
  }

  close(name: string): void {
    if (name === 'rPh') this.phonetic--
    else if (name === 't') this.inText = false
  }

  text(text: string): void {
    if (!this.inText) return
    this.length += text.length
    // Escaped, a character takes up to seven (_xHHHH_): past that, the text cannot fit a cell.
    if (this.length > MAX_CELL_TEXT * 7) this.onTooLong()
    this.parts.push(text)
  }

  take(): string {
    const text = unescapeText(this.parts.join(''))
    this.parts = []
    this.length = 0
    if (text.length > MAX_CELL_TEXT) this.onTooLong()
    return text
  }
}

function cellTooLong(where: string): never {
  throw new SheetLimitError(`${where} holds more than the ${count(MAX_CELL_TEXT)} characters a cell can.`, 'maxCellText', MAX_CELL_TEXT)
}

async function sharedStrings(archive: Archive, part: string | null, limits: SheetLimits): Promise<string[]> {
  if (part === null) return []
  const strings: string[] = []
  let chars = 0
  let inItem = false
  const collector = new TextCollector(() => cellTooLong('A shared string of the workbook'))
  await archive.parse(part, {
    open(name) {
      if (name === 'si') inItem = true
      else if (inItem) collector.open(name)
    },
    close(name) {
      if (name !== 'si') {
        if (inItem) collector.close(name)
        return
      }
      inItem = false
      const text = collector.take()
      if (strings.length >= limits.maxSharedStrings) {
        throw new SheetLimitError(`The workbook has more than ${count(limits.maxSharedStrings)} shared strings.`, 'maxSharedStrings', limits.maxSharedStrings)
      }
      chars += text.length
      if (chars > limits.maxSharedStringChars) {
        throw new SheetLimitError(`The workbook's shared strings come to more than ${count(limits.maxSharedStringChars)} characters.`, 'maxSharedStringChars', limits.maxSharedStringChars)
      }
      strings.push(text)
    },
    text(text) {
      if (inItem) collector.text(text)
    }
  })
  return strings
}

interface SheetContext {
  name: string
  limits: SheetLimits
  usage: SheetUsage
  strings: string[]
  dates: boolean[]
  date1904: boolean
}

/** A merged range's corners, as row numbers (1-based) and column indexes (0 is A). */
interface MergedRange {
  top: number
  left: number
  bottom: number
  right: number
}

interface CellState {
  column: number
  type: string
  dateStyle: boolean
  value: string[]
  valueLength: number
  hasValue: boolean
  inline: TextCollector | null
}

function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - UNIX_EPOCH_SERIAL + (date1904 ? DATE_1904_OFFSET : 0)) * DAY_MS))
}

/** A cell's value from its type, its `<v>` text (or inline string) and its format. */
function cellValue(cell: CellState, context: SheetContext, inlineText: string | null): Cell {
  const raw = cell.value.join('')
  switch (cell.type) {
    case 's': {
      const index = positiveInteger(raw)
      return index === null ? null : (context.strings[index] ?? null)
    }
    case 'inlineStr':
      return inlineText
    case 'str':
      return cell.hasValue ? unescapeText(raw) : null
    case 'b':
      return raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : null
    case 'e':
      return raw === '' ? null : raw
    case 'd': {
      const date = new Date(raw)
      return Number.isNaN(date.getTime()) ? (raw === '' ? null : raw) : date
    }
    default: {
      if (raw.trim() === '') return null
      const number = Number(raw)
      if (!Number.isFinite(number)) return null
      return cell.dateStyle ? excelDate(number, context.date1904) : number
    }
  }
}

/**
 * A merged range read as Excel shows it: one value, in its top-left cell, which stands for every row
 * the range spans. Other values inside the range (Excel hides them) are dropped, and the value is
 * repeated down the range's first column into each row below that holds a value of its own, so that
 * a recommendation merged down over its action rows is on every one of them. Across columns it stays
 * in the first: a title merged over a row is one cell, not a row of copies. A repeated value is a value
 * like any other for the upload's cap on values (`usage`), so merges cannot be used to multiply a file.
 */
function readMergedCells(rows: SheetRow[], merges: MergedRange[], sheet: string, limits: SheetLimits, usage: SheetUsage): void {
  // Each row a range spans is looked at once per range: ranges piled on the same rows (Excel never
  // writes them; a hostile file may) are bounded, upload-wide, by what as many values would cost.
  const tooMany = () => new SheetLimitError(`Sheet "${sheet}": its merged cells stand for more than ${count(limits.maxCells)} values.`, 'maxCells', limits.maxCells)
  for (const range of merges) {
    let low = 0
    let high = rows.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (rows[mid]!.number < range.top) low = mid + 1
      else high = mid
    }
    let value: Cell = null
    for (let r = low; r < rows.length && rows[r]!.number <= range.bottom; r++) {
      const row = rows[r]!
      // Each look at a row costs what its cells do: counted for the whole upload, as values are.
      usage.mergeWork += row.cells.length + 1
      if (usage.mergeWork > limits.maxCells) throw tooMany()
      if (row.number === range.top) value = row.cells.find((cell) => cell.column === range.left)?.value ?? null
      row.cells = row.cells.filter((cell) => cell.column < range.left || cell.column > range.right || (row.number === range.top && cell.column === range.left))
      if (row.number === range.top || value === null || row.cells.length === 0) continue
      if (++usage.cells > limits.maxCells) throw tooMany()
      const at = row.cells.findIndex((cell) => cell.column > range.left)
      row.cells.splice(at === -1 ? row.cells.length : at, 0, { column: range.left, value })
    }
  }
}

/** Rows in order, a row's cells in order, a repeated coordinate taking the later value: a writer may not have kept to the order. */
function ordered(rows: SheetRow[]): SheetRow[] {
  const byNumber = new Map<number, SheetCell[]>()
  for (const row of rows) {
    const cells = byNumber.get(row.number)
    if (cells) for (const cell of row.cells) cells.push(cell)
    else byNumber.set(row.number, [...row.cells])
  }
  return [...byNumber]
    .sort((a, b) => a[0] - b[0])
    .map(([number, cells]) => ({ number, cells: [...new Map(cells.map((cell) => [cell.column, cell])).values()].sort((a, b) => a.column - b.column) }))
}

async function readSheet(archive: Archive, part: string, context: SheetContext): Promise<Table> {
  const { limits, usage, name: sheet } = context
  const rows: SheetRow[] = []
  const merges: MergedRange[] = []
  let rowsWritten = 0
  let inOrder = true
  let row: SheetRow | null = null
  let lastRow = 0
  let lastColumn = -1
  let cell: CellState | null = null
  let inValue = false
  let inFormula = false

  const takeCell = () => {
    const current = cell!
    cell = null
    const value = cellValue(current, context, current.inline ? current.inline.take() : null)
    if (value === null || row === null) return
    if (current.column >= limits.maxColumns) {
      throw new SheetLimitError(
        `Sheet "${sheet}" has a value in ${columnLetters(current.column)}${row.number}, beyond the first ${count(limits.maxColumns)} columns; delete it or move it.`,
        'maxColumns',
        limits.maxColumns
      )
    }
    if (++usage.cells > limits.maxCells) throw new SheetLimitError(`The upload holds more than ${count(limits.maxCells)} values.`, 'maxCells', limits.maxCells)
    if (row.cells.length > 0 && row.cells[row.cells.length - 1]!.column >= current.column) inOrder = false
    row.cells.push({ column: current.column, value })
  }

  await archive.parse(part, {
    open(name, tag) {
      if (cell) {
        if (name === 'v') inValue = true
        else if (name === 'f') inFormula = true
        else if (name === 'is') cell.inline = new TextCollector(() => cellTooLong(`Sheet "${sheet}", cell ${columnLetters(cell!.column)}${row?.number ?? ''},`))
        else cell.inline?.open(name)
        return
      }
      if (name === 'row') {
        if (++rowsWritten > limits.maxRows) throw new SheetLimitError(`Sheet "${sheet}" has more than ${count(limits.maxRows)} rows.`, 'maxRows', limits.maxRows)
        const given = attribute(tag, 'r')
        const number = given === undefined ? lastRow + 1 : positiveInteger(given)
        if (number === null || number < 1 || number > EXCEL_MAX_ROWS) beyondGrid(sheet, `row ${given ?? number}`)
        if (number <= lastRow) inOrder = false
        lastRow = number
        lastColumn = -1
        row = { number, cells: [] }
      } else if (name === 'c' && row !== null) {
        const reference = attribute(tag, 'r')
        const at = reference === undefined ? null : parseReference(reference, sheet)
        if (reference !== undefined && at === null) throw damaged()
        const column = at?.column ?? lastColumn + 1
        if (column >= EXCEL_MAX_COLUMNS) beyondGrid(sheet, `column ${column + 1}`)
        lastColumn = column
        const style = positiveInteger(attribute(tag, 's')) ?? 0
        cell = { column, type: attribute(tag, 't') ?? 'n', dateStyle: context.dates[style] ?? false, value: [], valueLength: 0, hasValue: false, inline: null }
      } else if (name === 'mergeCell') {
        const [from, to] = (attribute(tag, 'ref') ?? '').split(':')
        const start = from ? parseReference(from, sheet) : null
        const end = to ? parseReference(to, sheet) : start
        if (!start || !end || start.row === null || end.row === null) return
        if (merges.length >= limits.maxCells) throw new SheetLimitError(`Sheet "${sheet}" has more than ${count(limits.maxCells)} merged ranges.`, 'maxCells', limits.maxCells)
        merges.push({ top: Math.min(start.row, end.row), left: Math.min(start.column, end.column), bottom: Math.max(start.row, end.row), right: Math.max(start.column, end.column) })
      }
    },
    close(name) {
      if (cell) {
        if (name === 'v') inValue = false
        else if (name === 'f') inFormula = false
        else if (name === 'c') takeCell()
        else cell.inline?.close(name)
        return
      }
      if (name === 'row' && row !== null) {
        if (row.cells.length > 0) rows.push(row)
        row = null
      }
    },
    text(text) {
      if (!cell || inFormula) return
      if (inValue) {
        cell.hasValue = true
        cell.valueLength += text.length
        if (cell.valueLength > MAX_CELL_TEXT * 7) cellTooLong(`Sheet "${sheet}", cell ${columnLetters(cell.column)}${row?.number ?? ''},`)
        cell.value.push(text)
      } else {
        cell.inline?.text(text)
      }
    }
  })
  const tidy = inOrder ? rows : ordered(rows)
  if (merges.length > 0) readMergedCells(tidy, merges, sheet, limits, usage)
  return { name: sheet, rows: tidy.filter((r) => r.cells.length > 0) }
}

/**
 * Every sheet of an xlsx workbook as the values it holds, in the workbook's order, hidden sheets
 * included. Anything that is not a workbook, or is damaged, becomes a WorkbookReadError; a bound
 * passed becomes a SheetLimitError naming it.
 */
export async function readWorkbook(data: Buffer, limits: Partial<SheetLimits> = {}, usage: SheetUsage = newUsage()): Promise<Table[]> {
  const caps = { ...DEFAULT_LIMITS, ...limits }
  const archive = await Archive.open(data, caps)
  try {
    const info = await workbookInfo(archive)
    const strings = await sharedStrings(archive, info.sharedStrings, caps)
    const dates = await dateStyles(archive, info.styles)
    const tables: Table[] = []
    // Excel gives each sheet a part of its own; sheets sharing one would make a small file read many times.
    if (new Set(info.sheets.map((sheet) => sheet.part)).size !== info.sheets.length) throw damaged()
    for (const sheet of info.sheets) {
      if (!archive.has(sheet.part)) throw damaged()
      tables.push(await readSheet(archive, sheet.part, { name: sheet.name, limits: caps, usage, strings, dates, date1904: info.date1904 }))
    }
    return tables
  } finally {
    archive.close()
  }
}
