import { type Kysely, sql } from 'kysely'

/**
 * Webhook creates stored their signing secret with the response, to replay it: it stays no longer
 * than the response is shown. Records past their 24 hours go too (the service clears them from now on).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update idempotency_keys set response_body = response_body - 'secret' where operation = 'createWebhook'`.execute(db)
  await sql`delete from idempotency_keys where created_at < now() - interval '24 hours'`.execute(db)
}

export async function down(): Promise<void> {
  // What was removed were secrets: there is nothing to put back.
}
