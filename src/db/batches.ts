import { type RawBuilder, sql } from 'kysely'
import type { Executor } from './database.ts'

/**
 * Writes of many rows at once, for imports. The rows travel as one JSON parameter, which the
 * statement reads back as a table with each column's type:
 *
 *   insert into t (a, b) select v.a, v.b from json_to_recordset($1) as v(a uuid, b date)
 *
 * So a statement has one parameter, never near PostgreSQL's 65,535, and the same text however
 * many rows it carries: it is parsed (and, where statements are prepared, planned) once, not once
 * per batch size. JSON columns travel as JSON, not as text to be escaped again. Batches keep
 * each statement to a bounded size.
 */

/** Each column written, with its SQL type (`text`, `uuid`, `date`, `jsonb`...). A `jsonb` value is its JSON text, as for any insert. */
export type ColumnTypes = Readonly<Record<string, string>>

export const ROWS_PER_STATEMENT = 1000

export function inBatches<T>(rows: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const batches: T[][] = []
  for (let start = 0; start < rows.length; start += size) batches.push(rows.slice(start, start + size))
  return batches
}

// JSON values arrive as text and are read as JSON by the statement, so that a JSON null stays a
// JSON null (json_to_recordset would read it as SQL null).
const carried = (type: string) => (type === 'jsonb' || type === 'json' ? 'text' : type)

/** The rows as the table `v`, each column in its own type (`column`). Dates go as ISO text. */
function recordset(columns: ColumnTypes, rows: readonly object[]) {
  const names = Object.keys(columns)
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(names.map((name) => [name, (row as Record<string, unknown>)[name] ?? null]))))
  // Sent as text, so that neither driver encodes the JSON a second time.
  return sql`json_to_recordset(${json}::text::json) as v(${sql.join(names.map((name) => sql`${sql.ref(name)} ${sql.raw(carried(columns[name]!))}`))})`
}

const column = (columns: ColumnTypes, name: string) =>
  carried(columns[name]!) === columns[name] ? sql.ref(`v.${name}`) : sql`${sql.ref(`v.${name}`)}::${sql.raw(columns[name]!)}`

/** Inserts the rows, in their order (ids from a sequence follow it), returning `returning` of each. */
export async function insertMany<R = never>(db: Executor, table: string, columns: ColumnTypes, rows: readonly object[], returning: readonly string[] = []): Promise<R[]> {
  const names = Object.keys(columns)
  const returned: R[] = []
  for (const batch of inBatches(rows)) {
    const result = await sql<R>`
      insert into ${sql.table(table)} (${sql.join(names.map((name) => sql.ref(name)))})
      select ${sql.join(names.map((name) => column(columns, name)))} from ${recordset(columns, batch)}
      ${returning.length > 0 ? sql`returning ${sql.join(returning.map((name) => sql.ref(name)))}` : sql``}
    `.execute(db)
    returned.push(...result.rows)
  }
  return returned
}

/**
 * Updates rows by id: each takes the values given for `columns`, plus `also` (an assignment
 * such as `version = t.version + 1`, the table being `t`).
 */
export async function updateMany(db: Executor, table: string, columns: ColumnTypes, rows: ReadonlyArray<{ id: string }>, also?: RawBuilder<unknown>): Promise<void> {
  const names = Object.keys(columns)
  for (const batch of inBatches(rows)) {
    const assignments = [...names.map((name) => sql`${sql.ref(name)} = ${column(columns, name)}`), ...(also ? [also] : [])]
    await sql`
      update ${sql.table(table)} as t set ${sql.join(assignments)}
      from ${recordset({ id: 'uuid', ...columns }, batch)}
      where t.id = v.id
    `.execute(db)
  }
}
