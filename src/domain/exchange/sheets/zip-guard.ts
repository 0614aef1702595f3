import { constants } from 'node:buffer'
import { promisify } from 'node:util'
import { inflateRaw } from 'node:zlib'
import { SheetLimitError, WorkbookReadError } from './errors.ts'
import type { SheetLimits } from './table.ts'

const inflate = promisify(inflateRaw)

const END_OF_DIRECTORY = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const ZIP64_END_OF_DIRECTORY = 0x06064b50
const DIRECTORY_ENTRY = 0x02014b50
const LOCAL_HEADER = 0x04034b50
const OLE2_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const STORED = 0
const DEFLATED = 8

interface Entry {
  name: string
  method: number
  compressedSize: number
  uncompressedSize: number
  localHeader: number
}

function notAWorkbook(detail: string): WorkbookReadError {
  return new WorkbookReadError(`The file is not an Excel workbook (.xlsx): ${detail}`)
}

function tooLarge(limits: SheetLimits): SheetLimitError {
  const mb = Math.round(limits.maxUncompressedBytes / 1024 / 1024)
  return new SheetLimitError(`The workbook expands to more than ${mb} MB; split it or remove what is not needed.`, 'maxUncompressedBytes', limits.maxUncompressedBytes)
}

function readUint64(data: Buffer, offset: number): number {
  const value = data.readBigUInt64LE(offset)
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw notAWorkbook('its zip directory is damaged.')
  return Number(value)
}

function endOfDirectory(data: Buffer): { count: number; offset: number } {
  // The record sits at the very end, after a comment of at most 64 KiB.
  const earliest = Math.max(0, data.length - 22 - 0xffff)
  for (let at = data.length - 22; at >= earliest; at--) {
    if (data.readUInt32LE(at) !== END_OF_DIRECTORY) continue
    const count = data.readUInt16LE(at + 10)
    const offset = data.readUInt32LE(at + 16)
    if (count !== 0xffff && offset !== 0xffffffff) return { count, offset }
    const locator = at - 20
    if (locator < 0 || data.readUInt32LE(locator) !== ZIP64_LOCATOR) throw notAWorkbook('its zip directory is damaged.')
    const record = readUint64(data, locator + 8)
    if (record + 56 > data.length || data.readUInt32LE(record) !== ZIP64_END_OF_DIRECTORY) throw notAWorkbook('its zip directory is damaged.')
    return { count: readUint64(data, record + 32), offset: readUint64(data, record + 48) }
  }
  throw notAWorkbook('it is not a zip archive.')
}

/** Sizes too big for 32 bits move to a "zip64" extra field, in a fixed order, present only when needed. */
function applyZip64(entry: Entry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at)
    const size = extra.readUInt16LE(at + 2)
    if (id === 0x0001) {
      let field = at + 4
      const next = () => {
        if (field + 8 > at + 4 + size) throw notAWorkbook('its zip directory is damaged.')
        const value = readUint64(extra, field)
        field += 8
        return value
      }
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next()
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next()
      if (entry.localHeader === 0xffffffff) entry.localHeader = next()
      return
    }
    at += 4 + size
  }
}

function directory(data: Buffer): Entry[] {
  const { count, offset } = endOfDirectory(data)
  const entries: Entry[] = []
  let at = offset
  for (let n = 0; n < count; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== DIRECTORY_ENTRY) throw notAWorkbook('its zip directory is damaged.')
    const nameLength = data.readUInt16LE(at + 28)
    const extraLength = data.readUInt16LE(at + 30)
    const commentLength = data.readUInt16LE(at + 32)
    const entry: Entry = {
      // exceljs reads a part named with a leading slash as if it had none.
      name: data.toString('utf8', at + 46, at + 46 + nameLength).replace(/^\//, ''),
      method: data.readUInt16LE(at + 10),
      compressedSize: data.readUInt32LE(at + 20),
      uncompressedSize: data.readUInt32LE(at + 24),
      localHeader: data.readUInt32LE(at + 42)
    }
    applyZip64(entry, data.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength))
    entries.push(entry)
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

function compressedBytes(data: Buffer, entry: Entry): Buffer {
  const at = entry.localHeader
  if (at + 30 > data.length || data.readUInt32LE(at) !== LOCAL_HEADER) throw notAWorkbook('its zip entries are damaged.')
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28)
  if (start + entry.compressedSize > data.length) throw notAWorkbook('it is cut short.')
  return data.subarray(start, start + entry.compressedSize)
}

/** Row elements in a worksheet's XML, counted without parsing it: `<row ` or `<x:row ` and the like. */
function countRows(xml: Buffer): number {
  let rows = 0
  for (let at = xml.indexOf('row', 0, 'latin1'); at !== -1; at = xml.indexOf('row', at + 3, 'latin1')) {
    const before = xml[at - 1]
    const after = xml[at + 3]
    if ((before === 0x3c || before === 0x3a) && (after === 0x20 || after === 0x3e || after === 0x2f)) rows++
  }
  return rows
}

/**
 * Checks a workbook before any of it is parsed: that it is a zip holding an xlsx, that it expands
 * to no more than the limit (inflating every entry with a ceiling, since the sizes a zip declares
 * can lie), and that no worksheet holds more rows than allowed. The inflated bytes are thrown
 * away: the spreadsheet library reads the file again, knowing now that it is safe to.
 */
export async function checkWorkbookArchive(data: Buffer, limits: SheetLimits): Promise<void> {
  if (OLE2_SIGNATURE.every((byte, i) => data[i] === byte)) {
    throw notAWorkbook('it is an old-format (.xls) or password-protected workbook; save it as .xlsx without a password.')
  }
  if (data.length < 22) throw notAWorkbook('it is not a zip archive.')
  const entries = directory(data)
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) throw notAWorkbook('it has no workbook part (is it a Word or OpenDocument file?).')

  const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0)
  if (declared > limits.maxUncompressedBytes) throw tooLarge(limits)
  let expanded = 0
  for (const entry of entries) {
    const room = limits.maxUncompressedBytes - expanded
    const bytes = await expand(data, entry, room)
    if (bytes === null || bytes.length > room) throw tooLarge(limits)
    expanded += bytes.length
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name) && countRows(bytes) > limits.maxRows) {
      throw new SheetLimitError(`A sheet in the workbook has more than ${limits.maxRows.toLocaleString('en-GB')} rows.`, 'maxRows', limits.maxRows)
    }
  }
}

/** The entry's bytes, or null when they would pass `room`. */
async function expand(data: Buffer, entry: Entry, room: number): Promise<Buffer | null> {
  const compressed = compressedBytes(data, entry)
  if (entry.method === STORED) return compressed
  if (entry.method !== DEFLATED) throw notAWorkbook(`its part ${entry.name} uses a compression Excel does not.`)
  try {
    // One byte over the room is enough to know it is too much.
    return await inflate(compressed, { maxOutputLength: Math.min(room + 1, constants.MAX_LENGTH) })
  } catch (error) {
    if (error instanceof RangeError) return null
    throw notAWorkbook(`its part ${entry.name} is damaged.`)
  }
}
