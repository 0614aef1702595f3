import type { Kysely } from 'kysely'

/**
 * Indexes for two lookups that scanned their tables (found by test/db/indexes.test.ts, which now
 * holds every foreign key to an index or to a stated reason):
 * - the ongoing actions reported with a progress update, read by update_id by every answer that
 *   shows an update (posting one, listing a finding's updates). At national scale (300,000 actions)
 *   each read scanned the table, 25-90 ms, and the benchmark's write mix ran at 53 requests a second
 *   with a p99 of 850 ms;
 * - a governance group's latest review, which dates its last meeting for the board pack.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('ongoing_actions_update').on('ongoing_actions').columns(['update_id']).execute()
  await db.schema.createIndex('reviews_group').on('reviews').columns(['governance_group_id', 'created_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reviews_group').execute()
  await db.schema.dropIndex('ongoing_actions_update').execute()
}
