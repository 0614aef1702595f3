import { type Kysely, sql } from 'kysely'

const ms = sql`timestamptz(3)`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('governance_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('force_code', 'text', (c) => c.notNull().references('forces.code'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('chair', 'text')
    .addColumn('meeting_frequency', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('governance_groups_name', ['force_code', 'name'])
    .addUniqueConstraint('governance_groups_force_id', ['force_code', 'id'])
    .execute()

  await db.schema
    .createTable('inspections')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('force_code', 'text', (c) => c.notNull().references('forces.code'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('peel', 'peel_thematic', 'national_thematic', 'ncpi', 'cdi', 'other')`)
    )
    .addColumn('category', 'text', (c) =>
      c
        .notNull()
        .check(sql`category in ('local_peel', 'national_peel', 'national_da_peel_thematic', 'ncpi', 'cdi', 'other_national_thematic')`)
    )
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('force', 'national')`))
    .addColumn('year', 'integer')
    .addColumn('started_on', 'date')
    .addColumn('ended_on', 'date')
    .addColumn('published_on', 'date')
    .addColumn('framework_key', 'text', (c) => c.references('frameworks.key'))
    .addColumn('milestones', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('inspections_key', ['force_code', 'key'])
    // Lets findings reference (force, inspection) so a finding can only point at its own force's inspection.
    .addUniqueConstraint('inspections_force_id', ['force_code', 'id'])
    .execute()
  
  await db.schema
    .createTable('findings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('force_code', 'text', (c) => c.notNull().references('forces.code'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('cause_of_concern', 'recommendation', 'area_for_improvement')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('force', 'national')`))
    .addColumn('inspection_id', 'uuid')
    .addColumn('parent_id', 'uuid')
    .addColumn('deadline_text', 'text')
    .addColumn('due_date', 'date')
    // True when due_date was worked out from deadline_text (and follows the inspection's dates).
    .addColumn('due_date_resolved', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('force_lead', 'text')
    .addColumn('delivery_lead', 'text')
    .addColumn('governance_group_id', 'uuid')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open', 'closure_requested', 'closed', 'superseded')`)
    )
    .addColumn('status_note', 'text')
    .addColumn('portal_status', 'text', (c) => c.notNull().check(sql`portal_status in ('open', 'closed', 'not_on_portal')`))
    .addColumn('portal_note', 'text')
    .addColumn('superseded_by_id', 'uuid')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('search', sql`tsvector`, (c) =>
      c.generatedAlwaysAs(
        sql`setweight(to_tsvector('english', reference), 'A') ||
            setweight(to_tsvector('english', title), 'A') ||
            setweight(to_tsvector('english', text), 'B')`
      ).stored()
    )
    .addUniqueConstraint('findings_reference', ['force_code', 'reference'])
    .addUniqueConstraint('findings_force_id', ['force_code', 'id'])
    // Composite keys keep every link inside one force's register, whatever the application does.
    .addForeignKeyConstraint('findings_inspection', ['force_code', 'inspection_id'], 'inspections', ['force_code', 'id'])
    .addForeignKeyConstraint('findings_parent', ['force_code', 'parent_id'], 'findings', ['force_code', 'id'])
    .addForeignKeyConstraint('findings_superseded_by', ['force_code', 'superseded_by_id'], 'findings', ['force_code', 'id'])
    .addCheckConstraint('findings_not_own_parent', sql`parent_id is null or parent_id <> id`)
    .execute()
  await sql`
    alter table findings add constraint findings_group
    foreign key (force_code, governance_group_id) references governance_groups (force_code, id)
  `.execute(db)

  // One index per list filter, each leading with the force, ending with id for keyset pages.
  for (const [name, columns] of [
    ['findings_by_reference', ['force_code', 'reference']],
    ['findings_by_status', ['force_code', 'status', 'reference']],
    ['findings_by_kind', ['force_code', 'kind', 'reference']],
    ['findings_by_portal', ['force_code', 'portal_status', 'reference']],
    ['findings_by_scope', ['force_code', 'scope', 'reference']],
    ['findings_by_due', ['force_code', 'due_date', 'id']],
    ['findings_by_updated', ['force_code', 'updated_at', 'id']],
    ['findings_by_inspection', ['inspection_id']],
    ['findings_by_parent', ['parent_id']],
    ['findings_by_group', ['governance_group_id']],
    ['findings_by_superseded', ['superseded_by_id']]
  ] as const) {
    await db.schema.createIndex(name).on('findings').columns([...columns]).execute()
  }
  await db.schema.createIndex('findings_search').on('findings').using('gin').column('search').execute()
  // The register/portal disagreements: few rows, found without scanning the register.
  await sql`
    create index findings_discrepancies on findings (force_code, reference) where
      (status in ('closed', 'superseded') and portal_status = 'open')
      or (status in ('open', 'closure_requested') and portal_status = 'closed')
      or portal_status = 'not_on_portal'
  `.execute(db)
  await sql`create index findings_by_force_lead on findings (force_code, lower(force_lead))`.execute(db)
  await sql`create index findings_by_delivery_lead on findings (force_code, lower(delivery_lead))`.execute(db)

  await db.schema
    .createTable('finding_questions')
    .addColumn('finding_id', 'uuid', (c) => c.notNull().references('findings.id').onDelete('cascade'))
    .addColumn('framework_key', 'text', (c) => c.notNull())
    .addColumn('question_ref', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('finding_questions_pk', ['finding_id', 'framework_key', 'question_ref'])
    .addForeignKeyConstraint('finding_questions_question', ['framework_key', 'question_ref'], 'framework_questions', ['framework_key', 'ref'])
    .execute()
  await db.schema.createIndex('finding_questions_by_question').on('finding_questions').columns(['framework_key', 'question_ref', 'finding_id']).execute()

  await db.schema
    .createTable('finding_actions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('finding_id', 'uuid', (c) => c.notNull().references('findings.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'done')`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('finding_actions_position', ['finding_id', 'position'])
    .execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('api_key_id', 'uuid', (c) => c.notNull().references('api_keys.id'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'jsonb')
    .addColumn('created_at', ms, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['api_key_id', 'key'])
    .execute()
  await db.schema.createIndex('idempotency_keys_age').on('idempotency_keys').column('created_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'finding_actions', 'finding_questions', 'findings', 'inspections', 'governance_groups']) {
    await db.schema.dropTable(table).execute()
  }
}
