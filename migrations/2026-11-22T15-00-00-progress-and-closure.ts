import { type Kysely, sql } from 'kysely'

const ms = sql`timestamptz(3)`

export async function up(db: Kysely<any>): Promise<void> {
  // Progress updates are never edited: a correction is a new update.
  await db.schema
    .createTable('progress_updates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('finding_id', 'uuid', (c) => c.notNull().references('findings.id'))
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('activities', 'text', (c) => c.notNull())
    .addColumn('impact', 'text')
    .addColumn('evidence', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('author_key_id', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('progress_updates_finding').on('progress_updates').columns(['finding_id', 'created_at', 'id']).execute()

  await db.schema
    .createTable('ongoing_actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('finding_id', 'uuid', (c) => c.notNull().references('findings.id'))
    .addColumn('update_id', 'uuid', (c) => c.notNull().references('progress_updates.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('anticipated_impact', 'text')
    .addColumn('expected_completion', 'date')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ongoing', 'not_started', 'completed')`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('ongoing_actions_finding').on('ongoing_actions').columns(['finding_id', 'created_at']).execute()
  await db.schema.createIndex('ongoing_actions_due').on('ongoing_actions').columns(['expected_completion']).execute()

  // Every date an ongoing action was expected by, with the reason it moved: slippage stays on record.
  await db.schema
    .createTable('ongoing_action_dates')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('action_id', 'uuid', (c) => c.notNull().references('ongoing_actions.id'))
    .addColumn('expected_completion', 'date')
    .addColumn('reason', 'text')
    .addColumn('changed_by', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('changed_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('ongoing_action_dates_action').on('ongoing_action_dates').columns(['action_id', 'id']).execute()

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('finding_id', 'uuid', (c) => c.notNull().references('findings.id'))
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('request_closure', 'embed_and_sustain', 'remedial_action')`))
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('governance_group_id', 'uuid', (c) => c.references('governance_groups.id'))
    .addColumn('reviewer_key_id', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('reviews_finding').on('reviews').columns(['finding_id', 'created_at']).execute()

  await db.schema
    .createTable('closure_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('finding_id', 'uuid', (c) => c.notNull().references('findings.id'))
    .addColumn('force_code', 'text', (c) => c.notNull().references('forces.code'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('draft', 'board_review', 'returned', 'approved', 'with_fll', 'awaiting_signoff', 'closed', 'rejected', 'withdrawn')`)
    )
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('review_id', 'uuid', (c) => c.references('reviews.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('submitted_by', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // One live request per finding at a time.
  await sql`
    create unique index closure_requests_one_live on closure_requests (finding_id)
    where status not in ('closed', 'rejected', 'withdrawn')
  `.execute(db)
  await db.schema.createIndex('closure_requests_list').on('closure_requests').columns(['force_code', 'status', 'created_at', 'id']).execute()

  await db.schema
    .createTable('closure_transitions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('closure_requests.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('actor_key_id', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('closure_transitions_request').on('closure_transitions').columns(['request_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['closure_transitions', 'closure_requests', 'reviews', 'ongoing_action_dates', 'ongoing_actions', 'progress_updates']) {
    await db.schema.dropTable(table).execute()
  }
}
