import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { FEED_START, after, head } from '../../src/domain/events/events.repository.ts'
import type { Executor } from '../../src/db/database.ts'
import { buildTestApp, openTestDatabase } from '../helper.ts'

// The feed is in the order transactions began: by transaction id as a number. Ids that gain a
// digit are where a text order ('1000' before '998') would differ, and a reader would skip the
// events that sorted behind its cursor. Entries are written here with such ids, chosen below any
// transaction a database has run since it was created, so they are seen as long committed.
const TXIDS = ['8', '9', '10', '11', '98', '99', '100', '101']

async function writeEntries(db: Executor, rootId: string, txids: readonly string[]): Promise<void> {
  for (const txid of txids) {
    await db
      .insertInto('audit_log')
      .values({ txid, force_code: 'cleveland', entity_type: 'finding', entity_id: rootId, root_id: rootId, action: 'update' })
      .execute()
  }
}

async function belowEveryRunningTransaction(t: Test, db: Executor): Promise<void> {
  const { rows } = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(db)
  t.ok(BigInt(rows[0]!.xmin) > 101n, `the entries' transaction ids are older than every running transaction (xmin ${rows[0]!.xmin})`)
}

t.test('the feed keeps transaction order where ids gain a digit, page by page', async (t) => {
  const { request, createKey, database } = await buildTestApp(t)
  const key = await createKey('viewer', 'cleveland')
  await writeEntries(database.db, 'digits', TXIDS)
  await belowEveryRunningTransaction(t, database.db)

  for (const limit of [1, 3, 100]) {
    const ids: string[] = []
    let cursor: string | null = null
    let hasMore = true
    while (hasMore) {
      const response = await request({ method: 'GET', url: `/v1/events?force=cleveland&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, key })
      t.equal(response.statusCode, 200)
      const page = response.json() as { items: Array<{ id: string; rootId: string }>; nextCursor: string; hasMore: boolean }
      ids.push(...page.items.filter((e) => e.rootId === 'digits').map((e) => e.id))
      cursor = page.nextCursor
      hasMore = page.hasMore
    }
    // Written in transaction order, so their ids ascend in it too.
    t.equal(ids.length, TXIDS.length, `${limit} a page: every entry, none skipped`)
    t.same(ids, [...ids].sort((a, b) => Number(a) - Number(b)), `${limit} a page: in transaction order`)
  }
})

t.test('the repository reads by transaction, not by entry id, and "from now on" starts after the greatest', async (t) => {
  const { db } = await openTestDatabase(t)
  await writeEntries(db, 'digits', ['100', '99', '9'])
  await belowEveryRunningTransaction(t, db)
  const rows = await after(db, FEED_START, { force: 'cleveland' }, 10)
  t.same(rows.map((row) => row.txid), ['9', '99', '100'])
  t.same((await after(db, { txid: rows[0]!.txid, id: rows[0]!.id }, {}, 10)).map((row) => row.txid), ['99', '100'], 'from a cursor on')
  t.same(await head(db), { txid: '100', id: rows[2]!.id }, "the head is at the greatest transaction id, not at '99'")
})
