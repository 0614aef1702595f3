import { type Kysely, sql } from 'kysely'

/**
 * Free-text search within one force's register, from one index. findings_search holds every
 * force's words, so a search of one force read the matches of all 43 and dropped those of the
 * others: a common word ("victims") matched 58,000 findings nationally to keep 1,300. This index
 * holds each finding's words plus one word naming its force ('@' and the force code, a form the
 * English parser never produces from text), and a search of a force asks for both: the index
 * reads the force's matches only (PostgreSQL's time for a page of "victims": 11 ms to 6 ms;
 * "training": 4.3 ms to 2.0 ms, at national scale). The expression must stay exactly as
 * findings.repository.ts writes it, or the planner cannot use the index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index findings_search_in_force on findings using gin ((search || array_to_tsvector(array['@' || force_code])))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('findings_search_in_force').execute()
}
