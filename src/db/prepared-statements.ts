import type pg from 'pg'

/** Statements worth preparing: queries and writes, not transaction control or DDL. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i
/** `select *` is left unprepared: a prepared one fails once a migration adds a column to its table. */
const STAR = /select \*|"\."\*|\.\*/

/**
 * Names for the statements the service sends, so each PostgreSQL connection parses and plans a
 * statement once and then only binds and executes it. The same text always gets the same name
 * (the driver requires it across a pool's connections). Kysely writes a bounded set of statement
 * shapes, but `in (...)` lists of every length are still shapes: past `max` names, a new text runs
 * unprepared, so the server's memory for plans stays bounded.
 */
export class StatementNames {
  readonly #names = new Map<string, string>()

  constructor(readonly max = 500) {}

  nameOf(text: string): string | undefined {
    const known = this.#names.get(text)
    if (known !== undefined) return known
    if (this.#names.size >= this.max || !PREPARABLE.test(text) || STAR.test(text)) return undefined
    const name = `peel_${this.#names.size}`
    this.#names.set(text, name)
    return name
  }

  get size(): number {
    return this.#names.size
  }
}

/** Makes a pooled client send named (prepared) statements for the texts `names` accepts. */
export function prepareStatements(client: pg.PoolClient, names: StatementNames): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && typeof values !== 'function') {
      const name = names.nameOf(config)
      if (name !== undefined) return query({ name, text: config, values }, callback)
    }
    return query(config, values, callback)
  }) as typeof client.query
}
