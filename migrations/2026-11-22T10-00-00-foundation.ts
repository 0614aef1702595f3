import { type Kysely, sql } from 'kysely'

// Migrations take Kysely<any> and import nothing from the application: once released they never
// change, whatever the application's types become.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('forces')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country in ('england', 'wales')`))
    .execute()

  await db.schema
    .createTable('reference_data')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('viewer', 'contributor', 'registrar', 'approver', 'admin')`)
    )
    .addColumn('force_code', 'text', (c) => c.references('forces.code'))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('api_keys.id'))
    // Millisecond precision, as JavaScript holds it, so a page cursor taken from a row matches it exactly.
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', sql`timestamptz(3)`)
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor_key_id', 'uuid')
    .addColumn('force_code', 'text')
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    // The record a change belongs to (a finding, for a change to one of its actions), for its history.
    .addColumn('root_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('request_id', 'text')
    .execute()
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id', 'id']).execute()
  await db.schema.createIndex('audit_log_root').on('audit_log').columns(['root_id', 'id']).execute()
  await db.schema.createIndex('audit_log_force').on('audit_log').columns(['force_code', 'id']).execute()

  // The audit log is append-only by the database's own rule, not by the application's good manners.
  await sql`
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end;
    $$
  `.execute(db)
  await sql`
    create trigger audit_log_no_update_or_delete before update or delete on audit_log
    for each row execute function audit_log_is_append_only()
  `.execute(db)
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only()
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
  await sql`drop function audit_log_is_append_only()`.execute(db)
  await db.schema.dropTable('api_keys').execute()
  await db.schema.dropTable('reference_data').execute()
  await db.schema.dropTable('forces').execute()
}
