import { type Kysely, sql } from 'kysely'

/**
 * The audit entries that belong to no force, by transaction: the list-page cache asks on every hit
 * whether one has committed since a page was read (events.repository.ts, changedSince). Without
 * it that question is answered from audit_log_feed, which holds every force's entries, so each
 * hit would read all the writes made anywhere since its page was built only to find they name a force.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index audit_log_national_feed on audit_log (txid) where force_code is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_national_feed').execute()
}
