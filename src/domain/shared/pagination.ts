import { invalidField } from '../../problems.ts'
import { unstorableText } from '../../schemas/storable-text.ts'

/**
 * What each value of a cursor must be, checked against the column it is compared with: a value that
 * passes here is one PostgreSQL accepts for that column's type, so no crafted cursor reaches the
 * database as a type error (a 500) instead of a 400.
 * - text: storable text (no NUL, no lone surrogate), no longer than any sort key we write;
 * - uuid: a UUID; date: an instant as toISOString writes it, within years 1 to 9999;
 * - int4: an integer column's value; int8: a bigint that JavaScript holds exactly;
 * - serial: a bigint as its decimal digits; xid8: a transaction id as its decimal digits;
 * - decimal: a search rank as a plain decimal.
 */
export type CursorPart = 'text' | 'uuid' | 'date' | 'int4' | 'int8' | 'serial' | 'xid8' | 'decimal'
type Decoded<T extends readonly CursorPart[]> = {
  [K in keyof T]: T[K] extends 'date' ? Date : T[K] extends 'int4' | 'int8' ? number : string
}

/** The longest text value a cursor carries: sort keys are codes, names and references, far shorter. */
export const MAX_CURSOR_TEXT = 1000
const INT4 = { min: -(2 ** 31), max: 2 ** 31 - 1 }
const MAX_INT8 = 2n ** 63n - 1n
const MAX_XID8 = 2n ** 64n - 1n
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DIGITS = /^\d{1,20}$/
const DECIMAL = /^\d{1,20}(\.\d{1,20})?$/
/** As toISOString writes it: Date's own parser also takes trailing junk and other forms. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/**
 * Cursors are the sort key of the last row returned, opaque to clients (base64url JSON). Keyset
 * pagination: the next page starts strictly after that key, so no OFFSET scan and no row is seen
 * twice when rows are added between pages.
 */
export function encodeCursor(values: ReadonlyArray<string | number | Date>): string {
  const plain = values.map((v) => (v instanceof Date ? v.toISOString() : v))
  return Buffer.from(JSON.stringify(plain)).toString('base64url')
}

export const badCursor = () => invalidField('query', 'cursor', 'is not a cursor this list returned')

function within(digits: string, max: bigint): boolean {
  return DIGITS.test(digits) && BigInt(digits) <= max
}

function decodePart(part: CursorPart, value: unknown): string | number | Date {
  const bad = badCursor
  switch (part) {
    case 'int4':
      if (!Number.isInteger(value) || (value as number) < INT4.min || (value as number) > INT4.max) throw bad()
      return value as number
    case 'int8':
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw bad()
      return value as number
    case 'date': {
      if (typeof value !== 'string' || !INSTANT.test(value)) throw bad()
      const date = new Date(value)
      if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) throw bad()
      return date
    }
    default:
      break
  }
  if (typeof value !== 'string') throw bad()
  const fits =
    part === 'uuid' ? UUID.test(value)
    : part === 'serial' ? within(value, MAX_INT8)
    : part === 'xid8' ? within(value, MAX_XID8)
    : part === 'decimal' ? DECIMAL.test(value)
    : value.length <= MAX_CURSOR_TEXT && unstorableText(value) === null
  if (!fits) throw bad()
  return value
}

export function decodeCursor<const T extends readonly CursorPart[]>(cursor: string, parts: T): Decoded<T> {
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badCursor()
  }
  if (!Array.isArray(values) || values.length !== parts.length) throw badCursor()
  return parts.map((part, i) => decodePart(part, values[i])) as Decoded<T>
}

/** Fetch one row more than asked: if it comes back there is a next page, starting after the last row shown. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => ReadonlyArray<string | number | Date>
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null
  }
}
