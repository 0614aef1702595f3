import { invalidField } from '../../problems.ts'

type CursorPart = 'string' | 'number' | 'date'
type Decoded<T extends readonly CursorPart[]> = {
  [K in keyof T]: T[K] extends 'date' ? Date : T[K] extends 'number' ? number : string
}

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

export function decodeCursor<const T extends readonly CursorPart[]>(cursor: string, parts: T): Decoded<T> {
  const bad = badCursor
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw bad()
  }
  if (!Array.isArray(values) || values.length !== parts.length) throw bad()
  return parts.map((part, i) => {
    const value: unknown = values[i]
    if (part === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad()
      return value
    }
    if (typeof value !== 'string') throw bad()
    if (part === 'date') {
      const date = new Date(value)
      if (Number.isNaN(date.getTime())) throw bad()
      return date
    }
    return value
  }) as Decoded<T>
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
