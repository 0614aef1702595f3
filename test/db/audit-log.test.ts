import { sql } from 'kysely'
import t from 'tap'
import { recordAudit } from '../../src/domain/audit/audit.repository.ts'
import { asOwner, buildTestApp } from '../helper.ts'

const { request, database } = await buildTestApp(t)
const db = database.db

t.test('a write is recorded with who, what, when, before and after', async (t) => {
  const me = (await db.selectFrom('api_keys').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow()).id
  const created = await request({
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'audited', role: 'viewer', force: 'cleveland' },
    headers: { 'x-request-id': 'audit-req-1' }
  })
  const id = created.json().id
  await request({ method: 'DELETE', url: `/v1/api-keys/${id}` })

  const entries = await db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).orderBy('id').execute()
  t.equal(entries.length, 2)
  const [create, revoke] = entries
  t.match(create, { entity_type: 'api_key', action: 'create', actor_key_id: me, force_code: 'cleveland', request_id: 'audit-req-1', before: null })
  t.match(create?.after, { name: 'audited', role: 'viewer', force: 'cleveland', revokedAt: null })
  t.ok(create?.occurred_at instanceof Date)
  t.notOk(JSON.stringify(create?.after).includes(created.json().key), 'the secret is not in the audit log')
  t.match(revoke, { action: 'revoke', before: { revokedAt: null } })
  t.type((revoke?.after as { revokedAt: string }).revokedAt, 'string')
})

t.test('the database refuses to change or remove audit entries, even to their owner', async (t) => {
  const count = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const before = await count()
  t.ok(before > 0)
  // The service's role was never granted these (test/db/service-role.test.ts has the rest).
  await t.rejects(sql`update audit_log set action = 'forged'`.execute(db), { message: /permission denied/ })
  await t.rejects(sql`delete from audit_log`.execute(db), { message: /permission denied/ })
  await asOwner(database, async (owner) => {
    await t.rejects(sql`update audit_log set action = 'forged'`.execute(owner), { message: /audit_log is append-only: UPDATE is not allowed/ })
    await t.rejects(sql`delete from audit_log`.execute(owner), { message: /audit_log is append-only: DELETE is not allowed/ })
    // CASCADE gets past the webhook deliveries that refer to entries: the trigger still refuses.
    await t.rejects(sql`truncate audit_log cascade`.execute(owner), { message: /audit_log is append-only: TRUNCATE is not allowed/ })
  })
  t.equal(await count(), before, 'nothing changed')
  const forged = await db.selectFrom('audit_log').select('id').where('action', '=', 'forged').execute()
  t.equal(forged.length, 0)
})

t.test('the record and the change commit or roll back together', async (t) => {
  await t.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('api_keys').values({ name: 'ghost', role: 'viewer', force_code: null, key_hash: 'h-ghost', key_prefix: 'prk_gh', created_by: null }).execute()
      await recordAudit(trx, { keyId: null, requestId: 'ghost' }, { entityType: 'api_key', entityId: 'ghost', action: 'create', force: null })
      throw new Error('the write fails after both')
    })
  )
  t.equal((await db.selectFrom('api_keys').select('id').where('name', '=', 'ghost').execute()).length, 0)
  t.equal((await db.selectFrom('audit_log').select('id').where('request_id', '=', 'ghost').execute()).length, 0)
})
