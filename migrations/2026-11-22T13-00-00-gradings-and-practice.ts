import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('gradings')
    .addColumn('framework_key', 'text', (c) => c.notNull())
    .addColumn('force_code', 'text', (c) => c.notNull().references('forces.code'))
    .addColumn('question_ref', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('force_name_as_printed', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`value in ('outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate', 'not_applicable', 'ungraded', 'not_inspected')`
        )
    )
    .addPrimaryKeyConstraint('gradings_pk', ['framework_key', 'force_code', 'position'])
    .addForeignKeyConstraint('gradings_question', ['framework_key', 'question_ref'], 'framework_questions', ['framework_key', 'ref'], (fk) =>
      fk.onDelete('cascade')
    )
    .execute()
  await db.schema.createIndex('gradings_force').on('gradings').columns(['force_code', 'framework_key', 'position']).execute()
  await db.schema.createIndex('gradings_question_value').on('gradings').columns(['framework_key', 'question_ref', 'value']).execute()

  await db.schema
    .createTable('practice_areas')
    .addColumn('framework_key', 'text', (c) => c.notNull())
    .addColumn('question_ref', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('stated_innovative_count', 'integer')
    .addPrimaryKeyConstraint('practice_areas_pk', ['framework_key', 'question_ref'])
    .addForeignKeyConstraint('practice_areas_question', ['framework_key', 'question_ref'], 'framework_questions', ['framework_key', 'ref'], (fk) =>
      fk.onDelete('cascade')
    )
    .execute()

  await db.schema
    .createTable('practice_examples')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('framework_key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('question_ref', 'text', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('force_code', 'text', (c) => c.references('forces.code'))
    .addColumn('grade_as_printed', 'text')
    .addColumn('grade', 'text', (c) => c.check(sql`grade in ('outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate')`))
    .addColumn('innovative', 'boolean')
    .addColumn('objective', 'text')
    .addColumn('detail', 'text')
    .addColumn('outcome', 'text')
    .addColumn('search', sql`tsvector`, (c) =>
      c.generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(objective, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(detail, '') || ' ' || coalesce(outcome, '')), 'B') ||
            setweight(to_tsvector('english', area), 'C')`
      ).stored()
    )
    .addUniqueConstraint('practice_examples_position', ['framework_key', 'position'])
    .addForeignKeyConstraint('practice_examples_question', ['framework_key', 'question_ref'], 'framework_questions', ['framework_key', 'ref'], (fk) =>
      fk.onDelete('cascade')
    )
    .execute()
  await db.schema.createIndex('practice_examples_search').on('practice_examples').using('gin').column('search').execute()
  await db.schema.createIndex('practice_examples_force').on('practice_examples').columns(['force_code', 'framework_key', 'position']).execute()
  await db.schema
    .createIndex('practice_examples_question')
    .on('practice_examples')
    .columns(['framework_key', 'question_ref', 'position'])
    .execute()

  await db.schema
    .createTable('crosswalk_links')
    .addColumn('from_framework', 'text', (c) => c.notNull())
    .addColumn('from_ref', 'text', (c) => c.notNull())
    .addColumn('to_framework', 'text', (c) => c.notNull())
    .addColumn('to_ref', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull().check(sql`relation in ('same', 'broader', 'narrower', 'overlaps')`))
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('crosswalk_links_pk', ['from_framework', 'from_ref', 'to_framework', 'to_ref'])
    .addForeignKeyConstraint('crosswalk_links_from', ['from_framework', 'from_ref'], 'framework_questions', ['framework_key', 'ref'], (fk) =>
      fk.onDelete('cascade')
    )
    .addForeignKeyConstraint('crosswalk_links_to', ['to_framework', 'to_ref'], 'framework_questions', ['framework_key', 'ref'], (fk) =>
      fk.onDelete('cascade')
    )
    .execute()
  await db.schema.createIndex('crosswalk_links_to').on('crosswalk_links').columns(['to_framework', 'to_ref']).execute()

  await db.schema
    .createTable('crosswalk_unmatched')
    .addColumn('framework_key', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('crosswalk_unmatched_pk', ['framework_key', 'ref'])
    .addForeignKeyConstraint('crosswalk_unmatched_question', ['framework_key', 'ref'], 'framework_questions', ['framework_key', 'ref'], (fk) =>
      fk.onDelete('cascade')
    )
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crosswalk_unmatched').execute()
  await db.schema.dropTable('crosswalk_links').execute()
  await db.schema.dropTable('practice_examples').execute()
  await db.schema.dropTable('practice_areas').execute()
  await db.schema.dropTable('gradings').execute()
}
