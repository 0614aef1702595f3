import { sql } from 'kysely'
import t from 'tap'
import { FEED_START, afterQuery, changedSinceQuery, headQuery } from '../../src/domain/events/events.repository.ts'
import { openTestDatabase, snapshotNow } from '../helper.ts'

// A lookup by a column with no index scans its table: harmless in a test register, 25-90 ms a
// request at national scale (ongoing actions read by their update did exactly that). Every foreign
// key is a column some code follows, so each must lead an index, or be listed here with the reason
// nothing reads by it and nothing deletes what it points at.
const WITHOUT_INDEX: Record<string, string> = {
  'api_keys(created_by)': 'keys are revoked, never deleted; nothing lists keys by their creator',
  'api_keys(force_code)': 'forces are never deleted; a force’s keys are listed from a table of at most a few hundred keys',
  'api_keys(secret_seen_by)': 'keys are revoked, never deleted; the walk from a key to its issuers goes by primary key',
  'closure_requests(created_by)': 'keys are never deleted; requests are read by finding or by id',
  'closure_requests(submitted_by)': 'keys are never deleted; requests are read by finding or by id',
  'closure_requests(review_id)': 'reviews are never deleted; a request names its review, not the reverse',
  'closure_transitions(actor_key_id)': 'keys are never deleted; transitions are read by request',
  // The composite keys keep links inside one force; the id alone picks the row, and leads an index.
  'findings(force_code,governance_group_id)': 'findings_by_group leads with governance_group_id',
  'findings(force_code,inspection_id)': 'findings_by_inspection leads with inspection_id',
  'findings(force_code,parent_id)': 'findings_by_parent leads with parent_id',
  'findings(force_code,superseded_by_id)': 'findings_by_superseded leads with superseded_by_id',
  'inspections(framework_key)': 'frameworks are reference data, never deleted; 4 rows',
  'ongoing_action_dates(changed_by)': 'keys are never deleted; dates are read by action',
  'progress_updates(author_key_id)': 'keys are never deleted; updates are read by finding',
  'reviews(reviewer_key_id)': 'keys are never deleted; reviews are read by finding',
  'webhook_deliveries(event_id)': 'the audit log is append-only: an event is never deleted',
  'webhooks(created_by)': 'keys are never deleted; webhooks are read by force'
}

t.test('every foreign key leads an index, or is known not to need one', async (t) => {
  const { db } = await openTestDatabase(t)
  const { rows } = await sql<{ fk: string }>`
    select c.conrelid::regclass::text || '(' || string_agg(a.attname, ',' order by k.n) || ')' as fk
    from pg_constraint c
    cross join lateral unnest(c.conkey) with ordinality k(attnum, n)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    where c.contype = 'f'
      and c.connamespace = 'public'::regnamespace
      and not exists (
        select 1 from pg_index i
        where i.indrelid = c.conrelid and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey and (i.indkey::int2[])[0] = c.conkey[1]
      )
    group by c.oid, c.conrelid
    order by 1`.execute(db)
  const unindexed = rows.map((row) => row.fk)
  t.same(unindexed.filter((fk) => !(fk in WITHOUT_INDEX)), [], 'no foreign key without an index beyond those listed')
  t.same(Object.keys(WITHOUT_INDEX).filter((fk) => !unindexed.includes(fk)), [], 'and every one listed still lacks one (else take it off the list)')
})

t.test("an update's ongoing actions, and a group's latest review, are found through an index", async (t) => {
  const { db } = await openTestDatabase(t)
  const id = '00000000-0000-4000-8000-000000000000'
  const lookups: Array<[string, ReturnType<typeof sql>, RegExp]> = [
    ['ongoing actions by update', sql`select * from ongoing_actions where update_id = ${id}`, /Index[^\n]*\bongoing_actions_update\b/],
    ["a group's latest review", sql`select max(created_at) from reviews where governance_group_id = ${id}`, /Index[^\n]*\breviews_group\b/]
  ]
  for (const [name, query, index] of lookups) {
    await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx)
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx)
      t.match(rows.map((row) => row['QUERY PLAN']).join('\n'), index, name)
    })
  }
})

t.test("the page cache's check reads only the audit entries after its snapshot, through an index", async (t) => {
  const { db } = await openTestDatabase(t)
  const snapshot = await snapshotNow(db)
  const checks: Array<[string, string | null, RegExp[]]> = [
    ["a force's page", 'cleveland', [/Index[^\n]*\baudit_log_force_feed\b/, /Index[^\n]*\baudit_log_national_feed\b/]],
    ['a page across forces', null, [/Index[^\n]*\baudit_log_feed\b/]]
  ]
  for (const [name, force, indexes] of checks) {
    await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx)
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${changedSinceQuery(force, snapshot)}`.execute(trx)
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n')
      for (const index of indexes) t.match(plan, index, name)
      t.match(plan, /Index Cond: [^\n]*\btxid >= /, `${name}: from the snapshot's xmin on`)
    })
  }
})

t.test('the change feed reads in the order of an index, with no sort', async (t) => {
  // Ordering by the selected text (`txid::text as txid`) rather than the column once put '1000'
  // before '998' and made readers skip events. No index gives that order, so even with sorting
  // discouraged (the table is empty here, and sorting nothing is cheap) the plan had to sort.
  const { db } = await openTestDatabase(t)
  const statements: Array<[string, ReturnType<typeof headQuery>, RegExp]> = [
    ["a force's feed", afterQuery(FEED_START, { force: 'cleveland' }, 101), /Index Scan using audit_log_force_feed\b/],
    ["a force's feed, some types", afterQuery(FEED_START, { force: 'cleveland', types: ['finding.update'], entities: ['review'] }, 101), /Index Scan using audit_log_force_feed\b/],
    ['the feed across forces', afterQuery({ txid: '5', id: 2 }, {}, 101), /Index Scan using audit_log_feed\b/],
    ['where "from now on" starts', headQuery(), /Index Only Scan Backward using audit_log_feed\b/]
  ]
  for (const [name, statement, index] of statements) {
    await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx)
      await sql`set local enable_sort = off`.execute(trx)
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${statement}`.execute(trx)
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n')
      t.match(plan, index, name)
      t.notMatch(plan, /\bSort\b/, `${name}: no sort`)
    })
  }
})
