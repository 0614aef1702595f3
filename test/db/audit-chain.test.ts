import { sql } from 'kysely'
import t, { type Test } from 'tap'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import type { Db } from '../../src/db/database.ts'
import { verifyAuditChain } from '../../src/domain/audit/audit-chain.ts'
import { recordAudit, sealAudit } from '../../src/domain/audit/audit.repository.ts'
import { asOwner, backend, buildTestApp, openTestDatabase } from '../helper.ts'

const actor = { keyId: null, requestId: 'chain-test' }

/**
 * Seals until `expected` entries are sealed. A snapshot's xmin is the whole server's: on a shared
 * server another test's transaction, begun earlier, holds sealing back until it ends.
 */
async function sealAll(db: Db, expected: number): Promise<number> {
  let sealed = 0
  for (let attempt = 0; attempt < 300 && sealed < expected; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100))
    sealed += await sealAudit(db, 1000)
  }
  return sealed
}

/** A log of three transactions of two entries each (no other entries), all sealed; their ids in order. */
async function sealedLog(t: Test): Promise<{ database: DatabaseHandle; ids: string[] }> {
  const database = await openTestDatabase(t)
  const db = database.db
  t.equal(await sealAudit(db, 1000), 0, 'the template has nothing to seal')
  for (const n of [1, 2, 3]) {
    await db.transaction().execute(async (trx) => {
      await recordAudit(trx, actor, { entityType: 'finding', entityId: `f${n}`, action: 'create', force: 'cleveland', after: { title: `Finding ${n}`, n } })
      await recordAudit(trx, actor, { entityType: 'finding_action', entityId: `a${n}`, rootId: `f${n}`, action: 'create', force: 'cleveland', after: { text: 'Ünïcode ✓' } })
    })
  }
  const ids = (await sql<{ id: string }>`select id::text as id from audit_log order by txid, id`.execute(db)).rows.map((r) => r.id)
  t.equal(await sealAll(db, ids.length), ids.length, 'every committed entry is sealed')
  return { database, ids }
}

/** The owner's edit, behind the triggers' back, as a role that owns the table could do it. */
const tamper = (database: DatabaseHandle, edit: (owner: Db) => Promise<unknown>) =>
  asOwner(database, async (owner) => {
    await sql`alter table audit_log disable trigger user`.execute(owner)
    try {
      await edit(owner)
    } finally {
      await sql`alter table audit_log enable trigger user`.execute(owner)
    }
  })

t.test('an intact log verifies, and sealing again adds nothing', async (t) => {
  const { database, ids } = await sealedLog(t)
  t.equal(await sealAudit(database.db, 1000), 0)
  const result = await verifyAuditChain(database.db)
  t.match(result, { verified: ids.length, unsealed: 0, broken: null, head: { seq: String(ids.length), hash: /^[0-9a-f]{64}$/ } })
  await recordAudit(database.db, actor, { entityType: 'finding', entityId: 'f4', action: 'update', force: 'cleveland' })
  t.match(await verifyAuditChain(database.db), { verified: ids.length, unsealed: 1, broken: null }, 'a newer entry is counted, not yet checked')
})

t.test('an entry updated with the triggers disabled is found, with the field that changed', async (t) => {
  const { database, ids } = await sealedLog(t)
  await tamper(database, (owner) => sql`update audit_log set after = '{"title": "Nothing to see", "n": 3}' where id = ${ids[2]}::bigint`.execute(owner))
  const result = await verifyAuditChain(database.db)
  t.match(result.broken, { kind: 'changed', entryId: ids[2], seq: '3', fields: ['after'], occurredAt: /^\d{4}-\d\d-\d\dT/ })
  t.equal(result.verified, 2, 'the two entries before it verify')
})

t.test('a deleted entry is found at its seal', async (t) => {
  const { database, ids } = await sealedLog(t)
  await tamper(database, (owner) => sql`delete from audit_log where id = ${ids[3]}::bigint`.execute(owner))
  t.match((await verifyAuditChain(database.db)).broken, { kind: 'deleted', entryId: ids[3], seq: '4', occurredAt: null })
})

t.test('an entry slipped in among sealed ones is found at that entry', async (t) => {
  const { database, ids } = await sealedLog(t)
  const forged = String(Number(ids.at(-1)) + 100)
  // Its txid puts it with the second transaction's entries, before the third's.
  await tamper(database, (owner) =>
    sql`
      insert into audit_log (id, txid, occurred_at, force_code, entity_type, entity_id, root_id, action)
      overriding system value
      select ${forged}::bigint, txid, occurred_at, force_code, entity_type, 'forged', 'forged', 'delete' from audit_log where id = ${ids[3]}::bigint
    `.execute(owner)
  )
  const result = await verifyAuditChain(database.db)
  t.match(result.broken, { kind: 'inserted', entryId: forged, seq: null })
  t.equal(result.verified, 4, 'the entries before it verify')
})

t.test('entries reordered (their transactions swapped) are found at the first that moved', async (t) => {
  const { database, ids } = await sealedLog(t)
  await tamper(database, (owner) =>
    sql`
      update audit_log set txid = case when id = ${ids[1]}::bigint then (select txid from audit_log where id = ${ids[4]}::bigint)
                                       else (select txid from audit_log where id = ${ids[1]}::bigint) end
      where id in (${ids[1]}::bigint, ${ids[4]}::bigint)
    `.execute(owner)
  )
  t.match((await verifyAuditChain(database.db)).broken, { kind: 'changed', entryId: ids[1], fields: ['txid'] })
})

t.test('a seal rewritten to hide an edit breaks the chain at the next link', async (t) => {
  const { database, ids } = await sealedLog(t)
  await asOwner(database, async (owner) => {
    await sql`alter table audit_seals disable trigger user`.execute(owner)
    await sql`update audit_seals set hash = sha256(hash) where seq = 2`.execute(owner)
    await sql`alter table audit_seals enable trigger user`.execute(owner)
  })
  t.match((await verifyAuditChain(database.db)).broken, { kind: 'seal-changed', seq: '2', entryId: ids[1] })
})

t.test('the service seals as it goes, and once more when it stops', async (t) => {
  const { database, request, app } = await buildTestApp(t, { auditSealMs: 20 })
  const made = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'sealed', role: 'viewer', force: 'cleveland' } })
  t.equal(made.statusCode, 201)
  let result = await verifyAuditChain(database.db)
  for (let i = 0; i < 200 && result.unsealed > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    result = await verifyAuditChain(database.db)
  }
  t.match(result, { unsealed: 0, broken: null })
  t.ok(result.verified > 0)
  await request({ method: 'DELETE', url: `/v1/api-keys/${made.json().id}` })
  await app.close()
  t.match(await verifyAuditChain(database.db), { unsealed: 0, broken: null }, 'the last round on close sealed the revocation')
})

if (backend !== 'postgres') {
  t.pass('a transaction left running beside the sealer needs a second connection: tested on PostgreSQL')
} else {
  t.test('an entry committed after one from a transaction still running waits for it, so the order is final when sealed', async (t) => {
    const { database } = await sealedLog(t)
    const db = database.db
    let release = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let started = () => {}
    const running = new Promise<void>((resolve) => (started = resolve))
    const slow = db.transaction().execute(async (trx) => {
      await recordAudit(trx, actor, { entityType: 'finding', entityId: 'slow', action: 'update', force: 'durham' })
      started()
      await held
    })
    await running
    await recordAudit(db, actor, { entityType: 'finding', entityId: 'quick', action: 'update', force: 'cleveland' })
    t.equal(await sealAudit(db, 1000), 0, 'nothing after the running transaction is sealed while it runs')
    release()
    await slow
    t.equal(await sealAll(db, 2), 2, 'both once it has committed')
    t.match(await verifyAuditChain(db), { verified: 8, unsealed: 0, broken: null })
  })
}
