import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('frameworks')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('grading_scale', 'jsonb', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('notes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute()

  await db.schema
    .createTable('framework_questions')
    .addColumn('framework_key', 'text', (c) => c.notNull().references('frameworks.key').onDelete('cascade'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('parent_ref', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('graded', 'boolean', (c) => c.notNull())
    .addColumn('pillar', 'text')
    .addColumn('note', 'text')
    .addColumn('criteria', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addPrimaryKeyConstraint('framework_questions_pk', ['framework_key', 'ref'])
    .execute()
  await db.schema.createIndex('framework_questions_order').on('framework_questions').columns(['framework_key', 'position']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('framework_questions').execute()
  await db.schema.dropTable('frameworks').execute()
}
