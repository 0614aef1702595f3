import { unguardCsvText } from '../../shared/csv.ts'
import { DATE_FORMS, EARLIEST_YEAR, LATEST_YEAR, dateFromText, utcMs as utc } from '../../shared/calendar-dates.ts'
import type { Cell } from './table.ts'

/**
 * How a column's cells are read (an empty cell is null for every type):
 * - text: trimmed string, within `maxLength` if one is set;
 * - date: 'YYYY-MM-DD' from 2018-10-31, 31/10/2018 (day first; / . or -), 31 October 2018 / 31st Oct 2018,
 *   a date cell or an Excel serial number; only years 1950 to 2100, and no time of day;
 * - deadline: a date as above (`{ date, words: null }`), or the words a register writes instead
 *   ("TBC", "By October 2018") as `{ date: null, words }`, within `maxLength`;
 * - timestamp: ISO 8601 with milliseconds and Z, from ISO text with Z or an offset, ISO or
 *   31/10/2018 14:30 text without one (taken as UTC), a date cell or a serial number;
 * - integer: a whole number cell, or digits (12.0 will do, 12.5 and 1,000 will not);
 * - boolean: a boolean cell, or yes/no, true/false, y/n, 1/0 in any case;
 * - enum: the canonical value whose spellings (or itself) match, case, spaces and punctuation aside;
 * - list: string[], one item per line of the cell (Alt+Enter in Excel), items trimmed, blank lines dropped;
 * - json: the parsed JSON text.
 */
export type ColumnType = 'text' | 'date' | 'deadline' | 'timestamp' | 'integer' | 'boolean' | 'enum' | 'list' | 'json'

/** A deadline cell's value: a date, or the words written instead of one. */
export type DeadlineValue = { date: string; words: null } | { date: null; words: string }

/** A value read from a cell, or why it cannot be: `reason` completes a sentence that starts with the column and the value. */
export type Reading = { value: unknown } | { reason: string }

const DAY_MS = 86_400_000
/** Excel's serial day 0 is 1899-12-30 (its 1900 leap-year bug makes day 60 a 29 February that never was). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30)
const TIMESTAMP_FORMS =
  'accepted: 2018-10-31T14:30:00Z, 2018-10-31T14:30:00+01:00, 2018-10-31 14:30 or 31/10/2018 14:30 (both read as UTC) or a date cell'
const BOOLEANS: Record<string, boolean> = { yes: true, y: true, true: true, '1': true, no: false, n: false, false: false, '0': false }

/**
 * A quote before = + - @ tab or CR, at the start or after a separator, is the formula guard our CSV
 * writer (src/domain/shared/csv.ts) adds; taking it off makes an export read back as it was.
 */
export function unguard(text: string): string {
  return unguardCsvText(text)
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** A cell as the text a person would read in it: a date cell as its date (and time, if it has one). */
export function cellText(cell: Cell): string | null {
  if (cell === null) return null
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return null
    return cell.getTime() % DAY_MS === 0 ? isoDate(cell.getTime()) : cell.toISOString().replace('T', ' ').replace(/(:00)?\.000Z$/, '')
  }
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE'
  const text = unguard(String(cell).trim()).trim()
  return text === '' ? null : text
}

/** An Excel serial day number (a date cell whose format was lost) as milliseconds, within the years allowed. */
function fromSerial(serial: number): number | null {
  const ms = Math.round(EXCEL_EPOCH_MS + serial * DAY_MS)
  const year = new Date(ms).getUTCFullYear()
  return Number.isFinite(ms) && year >= EARLIEST_YEAR && year <= LATEST_YEAR ? ms : null
}

function inRange(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear()
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR
}

function readDate(cell: Cell, text: string): Reading {
  const ms = cell instanceof Date ? cell.getTime() : typeof cell === 'number' ? fromSerial(cell) : dateFromText(text)
  if (ms === null || Number.isNaN(ms) || !inRange(ms)) return { reason: `is not a date (${DATE_FORMS})` }
  if (ms % DAY_MS !== 0) return { reason: 'has a time of day; this column takes a date alone' }
  return { value: isoDate(ms) }
}

/** A date where there is one; words where a person wrote words (a number or date cell must still be a date). */
function readDeadline(cell: Cell, text: string, maxLength: number | undefined): Reading {
  const date = readDate(cell, text)
  if ('value' in date) return { value: { date: date.value as string, words: null } satisfies DeadlineValue }
  // A number or date cell, or digits that try to be a date ("31/02/2021"), must be one.
  if (typeof cell !== 'string' || /^[\d\s/.-]+$/.test(text)) return date
  if (maxLength !== undefined && text.length > maxLength) {
    return { reason: `is ${text.length.toLocaleString('en-GB')} characters long; the most allowed is ${maxLength.toLocaleString('en-GB')}` }
  }
  return { value: { date: null, words: text } satisfies DeadlineValue }
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i
const UK_TIMESTAMP = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/

/** Minutes ahead of UTC for "Z", "+01:00" or "-0530"; null for an offset no place has. */
function offsetMinutes(offset: string | undefined): number | null {
  if (!offset || offset.toUpperCase() === 'Z') return 0
  const digits = offset.replace(':', '')
  const hours = Number(digits.slice(1, 3))
  const minutes = Number(digits.slice(3, 5))
  if (hours > 14 || minutes > 59) return null
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes)
}

/** A date and time written as text; without an offset it is taken as UTC. Fractions past milliseconds are dropped. */
function timestampFromText(text: string): number | null {
  const iso = ISO_TIMESTAMP.exec(text)
  if (iso) {
    const [, year, month, day, hour, minute, second, fraction, offset] = iso
    const ms = utc(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0))
    const ahead = offsetMinutes(offset)
    if (ms === null || ahead === null) return null
    return ms + Number((fraction ?? '').slice(0, 3).padEnd(3, '0')) - ahead * 60_000
  }
  const uk = UK_TIMESTAMP.exec(text)
  if (uk) {
    const [, day, month, year, hour, minute, second] = uk
    return utc(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0))
  }
  return null
}

function readTimestamp(cell: Cell, text: string): Reading {
  const ms = cell instanceof Date ? cell.getTime() : typeof cell === 'number' ? fromSerial(cell) : timestampFromText(text)
  if (ms === null || Number.isNaN(ms) || !inRange(ms)) return { reason: `is not a date and time (${TIMESTAMP_FORMS})` }
  return { value: new Date(ms).toISOString() }
}

function readInteger(cell: Cell, text: string): Reading {
  const value = typeof cell === 'number' ? cell : /^[+-]?\d+(\.0*)?$/.test(text) ? Number(text) : Number.NaN
  if (cell instanceof Date || typeof cell === 'boolean' || !Number.isSafeInteger(value)) return { reason: 'is not a whole number' }
  return { value }
}

function readBoolean(cell: Cell, text: string): Reading {
  const value = typeof cell === 'boolean' ? cell : BOOLEANS[text.toLowerCase()]
  return value === undefined ? { reason: 'is not yes or no (accepted: yes, no, true, false, y, n, 1, 0)' } : { value }
}

/** Case, spaces and punctuation aside: "Area For Improvement", "area-for-improvement" and "area_for_improvement" are one. */
export function normaliseValue(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

function readEnum(text: string, values: Record<string, string[]>): Reading {
  const wanted = normaliseValue(text)
  for (const [canonical, spellings] of Object.entries(values)) {
    if ([canonical, ...spellings].some((spelling) => normaliseValue(spelling) === wanted)) return { value: canonical }
  }
  return { reason: `is not one of: ${Object.keys(values).map((v) => v.replace(/_/g, ' ')).join(', ')}` }
}

/** One item per line: the separator a person makes in a cell with Alt+Enter, and one no item needs to contain. */
function readList(text: string): Reading {
  const items = text
    .split(/\r\n|\r|\n/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return { value: items }
}

function readJson(text: string): Reading {
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return { reason: 'is not valid JSON' }
  }
}

export interface ValueRules {
  type: ColumnType
  values?: Record<string, string[]>
  maxLength?: number
}

/**
 * A cell's value for a column of the given type: null for an empty cell, otherwise the value or the
 * reason it is not one. Strings are trimmed and unguarded first (see `unguard`).
 */
export function readValue(cell: Cell, rules: ValueRules): Reading {
  const text = cellText(cell)
  if (text === null) return { value: null }
  switch (rules.type) {
    case 'text':
      if (rules.maxLength !== undefined && text.length > rules.maxLength) {
        return { reason: `is ${text.length.toLocaleString('en-GB')} characters long; the most allowed is ${rules.maxLength.toLocaleString('en-GB')}` }
      }
      return { value: text }
    case 'date':
      return readDate(cell, text)
    case 'deadline':
      return readDeadline(cell, text, rules.maxLength)
    case 'timestamp':
      return readTimestamp(cell, text)
    case 'integer':
      return readInteger(cell, text)
    case 'boolean':
      return readBoolean(cell, text)
    case 'enum':
      return readEnum(text, rules.values ?? {})
    case 'list':
      return readList(text)
    case 'json':
      return readJson(text)
  }
}

/**
 * A value as a cell that `readValue` turns back into the same value. For xlsx a date is a date cell
 * (at midnight UTC), a timestamp a date cell holding its UTC time (a cell has no time zone: the
 * column's header says UTC) and a boolean a boolean cell; for CSV all three are text, a timestamp ISO
 * with its Z. Lists are one item per line, JSON is its text, enums are their canonical value. An
 * empty list is an empty cell, so it reads back as null.
 */
export function formatCell(type: ColumnType, value: unknown, target: 'xlsx' | 'csv' = 'xlsx'): Cell {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'date':
    case 'deadline': {
      const text = value instanceof Date ? isoDate(value.getTime()) : String(value).slice(0, 10)
      if (target === 'csv') return text
      const [year, month, day] = text.split('-').map(Number)
      return new Date(Date.UTC(year!, month! - 1, day!))
    }
    case 'timestamp': {
      const at = new Date(value instanceof Date ? value : String(value))
      return target === 'csv' ? at.toISOString() : at
    }
    case 'integer':
      return Number(value)
    case 'boolean':
      return target === 'csv' ? (value ? 'yes' : 'no') : Boolean(value)
    case 'list': {
      const items = (value as unknown[]).map(String)
      return items.length === 0 ? null : items.join('\n')
    }
    case 'json':
      return JSON.stringify(value)
    case 'text':
    case 'enum':
      return String(value)
  }
}
