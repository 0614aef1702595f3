import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import pino from 'pino'
import t, { type Test } from 'tap'
import { openDatabase } from '../../src/db/connect.ts'
import { ensureServiceRole, grantServicePrivileges } from '../../src/db/roles.ts'
import { recordAudit } from '../../src/domain/audit/audit.repository.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { newFindingBody } from '../faults/fixture.ts'
import { asOwner, backend, buildTestApp, testConfig } from '../helper.ts'
import { PG_TEMPLATE_DB, TEST_SERVICE_ROLE, adminQuery, testDatabaseUrl, withDatabase, withUser } from '../setup/template.ts'

const REFUSED = /permission denied|must be owner/

/** Every way an owner could rewrite history; the service's connection must be refused each one. */
const REWRITES = (table: string, trigger: string) => [
  `update ${table} set ${table === 'audit_log' ? "action = 'forged'" : "hash = '\\x00'"}`,
  `delete from ${table}`,
  `truncate ${table} cascade`,
  `alter table ${table} disable trigger all`,
  `alter table ${table} disable trigger ${trigger}`,
  `drop trigger ${trigger} on ${table}`,
  `alter table ${table} owner to current_user`,
  `drop table ${table} cascade`
]

t.test("the service's connection cannot rewrite history, and works normally", async (t) => {
  const { database, request } = await buildTestApp(t)
  const db = database.db
  const created = await request({ method: 'POST', url: '/v1/findings', payload: newFindingBody('ROLE-1', { force: 'cleveland' }) })
  t.equal(created.statusCode, 201, 'a write goes through')
  const entries = Number((await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db)).rows[0]!.n)

  for (const statement of [...REWRITES('audit_log', 'audit_log_no_update_or_delete'), ...REWRITES('audit_seals', 'audit_seals_no_update_or_delete')]) {
    await t.rejects(sql.raw(statement).execute(db), { message: REFUSED }, statement)
  }
  await t.rejects(sql`create table public.shadow_log (id int)`.execute(db), { message: REFUSED }, 'nor add tables of its own')

  await recordAudit(db, { keyId: null, requestId: 'role-test' }, { entityType: 'finding', entityId: 'x', action: 'note', force: 'cleveland' })
  const after = Number((await sql<{ n: number }>`select count(*)::int as n from audit_log`.execute(db)).rows[0]!.n)
  t.equal(after, entries + 1, 'it adds to the log and reads it')
  t.equal((await request({ method: 'GET', url: `/v1/findings/${created.json().id}/history` })).statusCode, 200)
})

t.test('a table a later migration adds is granted by the step after every migration run', async (t) => {
  const { database } = await buildTestApp(t)
  const role = (await sql<{ role: string }>`select current_user as role`.execute(database.db)).rows[0]!.role
  await asOwner(database, async (owner) => {
    await sql`create table later_things (id int generated always as identity primary key, note text)`.execute(owner)
    await grantServicePrivileges(owner, role)
  })
  await sql`insert into later_things (note) values ('granted')`.execute(database.db)
  t.same((await sql<{ note: string }>`select note from later_things`.execute(database.db)).rows, [{ note: 'granted' }])
  await t.rejects(sql`drop table later_things`.execute(database.db), { message: REFUSED }, 'and owns it no more than the others')
})

const url = testDatabaseUrl()
if (backend !== 'postgres' || url === null) {
  t.pass('the roles of a PostgreSQL server are tested with DATABASE_URL set')
} else {
  const silent = pino({ level: 'silent' })

  /** A scratch database from the template, dropped at the end. */
  const scratch = async (t: Test, options: { owner?: string; empty?: boolean } = {}) => {
    const name = `peel_register_roles_${randomBytes(6).toString('hex')}`
    await adminQuery(url, `create database ${name}${options.empty ? '' : ` template ${PG_TEMPLATE_DB}`}${options.owner ? ` owner ${options.owner}` : ''}`)
    t.teardown(() => adminQuery(url, `drop database if exists ${name} with (force)`))
    return withDatabase(url, name)
  }

  t.test('with two login roles, the service cannot become the owner', async (t) => {
    const { database } = await buildTestApp(t)
    const db = database.db
    t.equal(database.migrationUrl === null, false, 'the tests run the production split on PostgreSQL')
    await t.rejects(sql`set role postgres`.execute(db), { message: /permission denied to set role/ })
    await sql`set role none`.execute(db)
    t.same((await sql<{ role: string }>`select current_user as role`.execute(db)).rows, [{ role: TEST_SERVICE_ROLE }], 'SET ROLE NONE leaves it itself')
    await t.rejects(sql`alter table audit_log disable trigger all`.execute(db), { message: REFUSED })
  })

  t.test("with one URL, the service's sessions run as the role without login", async (t) => {
    const owner = await scratch(t)
    const config = testConfig()
    const database = await openDatabase({ ...config, databaseUrl: owner }, silent)
    t.teardown(() => database.close())
    await prepareDatabase(database, config, silent)
    const who = await sql<{ current: string; session: string }>`select current_user as current, session_user as session`.execute(database.db)
    t.same(who.rows, [{ current: TEST_SERVICE_ROLE, session: 'postgres' }])
    await t.rejects(sql`truncate audit_log cascade`.execute(database.db), { message: REFUSED })
    await t.rejects(sql`alter table audit_log disable trigger all`.execute(database.db), { message: REFUSED })
  })

  t.test('an owner that may not create roles keeps working as before, as itself, with a warning', async (t) => {
    const plain = `${TEST_SERVICE_ROLE}_plain_owner`
    await adminQuery(url, `do $$ begin create role ${plain} login nocreaterole; exception when duplicate_object or unique_violation then null; end $$`)
    const owner = withUser(await scratch(t, { owner: plain, empty: true }), plain)
    const warnings: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) })
    const config = testConfig({ databaseServiceRole: `${TEST_SERVICE_ROLE}_never_made` })
    const database = await openDatabase({ ...config, databaseUrl: owner }, logger)
    t.teardown(() => database.close())
    const { generatedAdminKey } = await prepareDatabase(database, config, logger)
    t.equal(generatedAdminKey, null, 'ADMIN_API_KEY became the first key')
    t.same((await sql<{ role: string }>`select current_user as role`.execute(database.db)).rows, [{ role: plain }])
    t.match(warnings.join(''), /the service runs as the owner of its tables/)
    t.equal(await ensureServiceRole(database.db, plain), `the role ${plain} is the owner itself`, 'nor may DATABASE_SERVICE_ROLE name the owner')
  })
}
