import { type Kysely, sql } from 'kysely'

/**
 * Rate-limit counters shared by every instance, and API keys that expire and are rotated.
 *
 * One row per bucket (a key, a client address, an address's failed authentications) and fixed
 * window; each request adds to its rows with one upsert. UNLOGGED: the counters are worth nothing
 * after a crash, and skipping the write-ahead log makes that write per request cheaper. Rows whose
 * window has ended are deleted now and then by the same statement.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_counters')
    .modifyFront(sql`unlogged`)
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pk', ['bucket', 'window_start'])
    .execute()

  await db.schema
    .alterTable('api_keys')
    .addColumn('expires_at', sql`timestamptz(3)`)
    .addColumn('rotated_at', sql`timestamptz(3)`)
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('rotated_at').dropColumn('expires_at').execute()
  await db.schema.dropTable('rate_limit_counters').execute()
}
