import { type Kysely, sql } from 'kysely'

const ms = sql`timestamptz(3)`

export async function up(db: Kysely<any>): Promise<void> {
  // The change feed reads the audit log in commit-safe order: each entry carries the id of the
  // transaction that wrote it, and readers only see transactions older than every one still running
  // (see src/domain/events). Existing entries take the migration's own transaction id: they all
  // committed before it, so they stay ahead of everything written later.
  await sql`alter table audit_log add column txid xid8 not null default pg_current_xact_id()`.execute(db)
  await sql`create index audit_log_feed on audit_log (txid, id)`.execute(db)
  await sql`create index audit_log_force_feed on audit_log (force_code, txid, id)`.execute(db)

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('force_code', 'text', (c) => c.notNull().references('forces.code'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Patterns such as 'finding.update', 'closure_request.*' or '*'.
    .addColumn('event_types', sql`text[]`, (c) => c.notNull())
    // Signing needs the secret itself, so it cannot be stored as a hash like API keys are.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('webhooks_force').on('webhooks').columns(['force_code', 'created_at', 'id']).execute()

  // Where the fan-out from the feed to the delivery queue has got to: one row, locked by whichever
  // instance is fanning out, so several instances never queue one event twice.
  await db.schema
    .createTable('webhook_dispatch')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('txid', sql`xid8`, (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull())
    .execute()
  // Start at the head of the feed: events before webhooks existed have no subscriber.
  await sql`
    insert into webhook_dispatch (id, txid, event_id)
    select 1, coalesce(max(txid), '0'::xid8), coalesce(max(id), 0) from audit_log
  `.execute(db)

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('webhook_id', 'uuid', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'bigint', (c) => c.notNull().references('audit_log.id'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms)
    // A worker holds a delivery until then; if it dies mid-attempt the delivery becomes due again.
    .addColumn('locked_until', ms)
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'event_id'])
    .execute()
  await sql`create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending'`.execute(db)
  await db.schema.createIndex('webhook_deliveries_list').on('webhook_deliveries').columns(['webhook_id', 'created_at', 'id']).execute()

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('delivery_id', 'uuid', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempted_at', ms, (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('error', 'text')
    .addColumn('succeeded', 'boolean', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').columns(['delivery_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_dispatch', 'webhooks']) {
    await db.schema.dropTable(table).execute()
  }
  await sql`drop index audit_log_force_feed`.execute(db)
  await sql`drop index audit_log_feed`.execute(db)
  await sql`alter table audit_log drop column txid`.execute(db)
}
