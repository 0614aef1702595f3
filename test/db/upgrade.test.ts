import { createHash, randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import t from 'tap'
import { migrations } from '../../migrations/index.ts'
import { releases } from '../../migrations/releases.ts'
import { type DatabaseHandle, PGLITE_OPTIONS, openDatabase } from '../../src/db/connect.ts'
import type { Db } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { summaryCountsFromRegister } from '../../src/domain/reports/reports.repository.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { verifyAuditChain } from '../../src/domain/audit/audit-chain.ts'
import { openTestDatabase, testConfig } from '../helper.ts'
import { adminQuery, testDatabaseUrl, withDatabase } from '../setup/template.ts'
import { appOn, rowCounts, silent } from './backup-fixture.ts'

// A database of the previous release, with data in it, upgraded to the latest migration as the
// service does on start. The data is plain SQL for that release's schema: nothing here may
// depend on what the application's code writes today.

const names = Object.keys(migrations)
const previous = releases.at(-1)!
const releaseIndex = names.indexOf(previous.lastMigration)
const url = testDatabaseUrl()
const config = testConfig()

/** An empty database, not the prepared template: the previous release's schema is built from nothing. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  if (url === null) return openDatabase({ ...config, databaseUrl: null }, silent, { pglite: await PGlite.create(PGLITE_OPTIONS) })
  const name = `peel_register_upgrade_${randomBytes(6).toString('hex')}`
  await adminQuery(url, `create database ${name}`)
  const handle = await openDatabase({ ...config, databaseUrl: withDatabase(url, name) }, silent)
  const close = handle.close
  handle.close = async () => {
    await close()
    await adminQuery(url, `drop database if exists ${name} with (force)`)
  }
  return handle
}

/** The key the previous release's first start made: it must still let its holder in. */
const OLD_ADMIN_SECRET = 'prk_release-0-1-0-first-admin-key-0123456789abcdef'

const id = {
  adminKey: 'a0000000-0000-4000-8000-000000000001',
  registrarKey: 'a0000000-0000-4000-8000-000000000002',
  group: 'b0000000-0000-4000-8000-000000000001',
  peel: 'c0000000-0000-4000-8000-000000000001',
  cdi: 'c0000000-0000-4000-8000-000000000002',
  durhamPeel: 'c0000000-0000-4000-8000-000000000003',
  coc: 'd0000000-0000-4000-8000-000000000001',
  rec: 'd0000000-0000-4000-8000-000000000002',
  afiClosed: 'd0000000-0000-4000-8000-000000000003',
  afiOpen: 'd0000000-0000-4000-8000-000000000004',
  afiSuperseded: 'd0000000-0000-4000-8000-000000000005',
  cdiCoc: 'd0000000-0000-4000-8000-000000000006',
  local: 'd0000000-0000-4000-8000-000000000007',
  durhamAfi: 'd0000000-0000-4000-8000-000000000008',
  update: 'e0000000-0000-4000-8000-000000000001',
  ongoing: 'e0000000-0000-4000-8000-000000000002',
  review: 'e0000000-0000-4000-8000-000000000003',
  closure: 'e0000000-0000-4000-8000-000000000004',
  webhook: 'f0000000-0000-4000-8000-000000000001',
  delivery: 'f0000000-0000-4000-8000-000000000002'
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`

/** Cleveland's register as release 0.1.0 kept it: findings in every status, with their updates, review, closure request and feed. */
async function fillPreviousRelease(db: Db): Promise<void> {
  const run = (query: ReturnType<typeof sql>) => query.execute(db)
  await run(sql`insert into forces (code, name, country) values ('cleveland', 'Cleveland Police', 'england'), ('durham', 'Durham Constabulary', 'england')`)
  await run(sql`
    insert into api_keys (id, name, role, force_code, key_hash, key_prefix, created_by) values
      (${id.adminKey}, 'First admin key', 'admin', null, ${createHash('sha256').update(OLD_ADMIN_SECRET).digest('hex')}, ${OLD_ADMIN_SECRET.slice(0, 10)}, null),
      (${id.registrarKey}, 'Cleveland registrar', 'registrar', 'cleveland', ${createHash('sha256').update('prk_registrar').digest('hex')}, 'prk_regist', ${id.adminKey})
  `)
  await run(sql`insert into governance_groups (id, force_code, name, chair, meeting_frequency) values (${id.group}, 'cleveland', 'Force Improvement Board', 'Deputy Chief Constable', 'monthly')`)
  await run(sql`
    insert into inspections (id, force_code, key, title, kind, category, scope, year, published_on, milestones) values
      (${id.peel}, 'cleveland', 'peel-2019', 'PEEL: Police effectiveness, efficiency and legitimacy 2018/19', 'peel', 'local_peel', 'force', 2019, '2019-09-27',
        ${json([{ label: 'Fieldwork', date: '2019-04-08' }])}),
      (${id.cdi}, 'cleveland', 'cdi-2019', 'Crime Data Integrity inspection 2019', 'cdi', 'cdi', 'force', 2019, '2019-06-25', '[]'),
      (${id.durhamPeel}, 'durham', 'peel-2019', 'PEEL 2018/19', 'peel', 'local_peel', 'force', 2019, '2019-09-27', '[]')
  `)
  const finding = (
    findingId: string, force: string, reference: string, kind: string, inspection: string | null,
    status: string, portal: string, extra: { parent?: string; supersededBy?: string; group?: string; due?: string; deadline?: string } = {}
  ) => sql`
    insert into findings (id, force_code, reference, kind, title, text, scope, inspection_id, parent_id, deadline_text, due_date,
                          due_date_resolved, force_lead, governance_group_id, status, portal_status, superseded_by_id)
    values (${findingId}, ${force}, ${reference}, ${kind}, ${`Finding ${reference}`}, ${`The force should act on ${reference}.`}, 'force',
            ${inspection}, ${extra.parent ?? null}, ${extra.deadline ?? null}, ${extra.due ?? null}, ${extra.due !== undefined},
            'ACC Crime', ${extra.group ?? null}, ${status}, ${portal}, ${extra.supersededBy ?? null})
  `
  await run(finding(id.coc, 'cleveland', 'CoC-1', 'cause_of_concern', id.peel, 'open', 'open'))
  await run(finding(id.rec, 'cleveland', 'CoC-1.1', 'recommendation', id.peel, 'closure_requested', 'open', { parent: id.coc, group: id.group, deadline: 'Within three months', due: '2019-12-27' }))
  await run(finding(id.afiOpen, 'cleveland', 'AFI-2', 'area_for_improvement', id.peel, 'open', 'not_on_portal'))
  await run(finding(id.afiClosed, 'cleveland', 'AFI-1', 'area_for_improvement', id.peel, 'closed', 'closed'))
  await run(finding(id.afiSuperseded, 'cleveland', 'AFI-3', 'area_for_improvement', id.peel, 'superseded', 'closed', { supersededBy: id.afiOpen }))
  await run(finding(id.cdiCoc, 'cleveland', 'CDI-1', 'cause_of_concern', id.cdi, 'open', 'closed'))
  await run(finding(id.local, 'cleveland', 'LOCAL-1', 'area_for_improvement', null, 'open', 'not_on_portal'))
  await run(finding(id.durhamAfi, 'durham', 'AFI-1', 'area_for_improvement', id.durhamPeel, 'open', 'open'))
  await run(sql`
    insert into finding_actions (finding_id, position, text, status) values
      (${id.coc}, 1, 'Review the crime recording policy', 'done'), (${id.coc}, 2, 'Audit incidents monthly', 'open')
  `)
  const evidence = [{ title: 'Audit report, March', kind: 'report', location: 'Force intranet', date: '2020-03-31' }]
  await run(sql`
    insert into progress_updates (id, finding_id, position, activities, impact, evidence, author_key_id)
    values (${id.update}, ${id.rec}, 'Audit complete.', 'Monthly audits of incidents.', 'Accuracy up to 91%.', ${json(evidence)}, ${id.registrarKey})
  `)
  await run(sql`
    insert into ongoing_actions (id, finding_id, update_id, description, anticipated_impact, expected_completion, status)
    values (${id.ongoing}, ${id.rec}, ${id.update}, 'Audit the remaining districts', 'Force-wide picture', '2020-06-30', 'ongoing')
  `)
  await run(sql`
    insert into ongoing_action_dates (action_id, expected_completion, reason, changed_by) values
      (${id.ongoing}, '2020-03-31', null, ${id.registrarKey}), (${id.ongoing}, '2020-06-30', 'Partner data late', ${id.registrarKey})
  `)
  await run(sql`
    insert into reviews (id, finding_id, outcome, rationale, governance_group_id, reviewer_key_id)
    values (${id.review}, ${id.rec}, 'request_closure', 'Evidence shows the change is embedded.', ${id.group}, ${id.adminKey})
  `)
  await run(sql`
    insert into closure_requests (id, finding_id, force_code, status, summary, evidence, review_id, created_by, submitted_by)
    values (${id.closure}, ${id.rec}, 'cleveland', 'board_review', 'All actions complete.', ${json(evidence)}, ${id.review}, ${id.registrarKey}, ${id.registrarKey})
  `)
  await run(sql`
    insert into closure_transitions (request_id, action, from_status, to_status, note, actor_key_id) values
      (${id.closure}, 'create', null, 'draft', null, ${id.registrarKey}), (${id.closure}, 'submit', 'draft', 'board_review', 'For the May board', ${id.registrarKey})
  `)
  await run(sql`
    insert into idempotency_keys (api_key_id, key, operation, request_hash, response_status, response_body)
    values (${id.registrarKey}, 'retry-1', 'createFinding', 'sha256-of-the-body', 201, ${json({ id: id.local })})
  `)

  // The feed: one audit entry per write, each its own transaction, as the release wrote them.
  const audit = (entity: string, entityId: string, rootId: string, action: string, force: string, after: unknown, before: unknown = null) => sql`
    insert into audit_log (actor_key_id, force_code, entity_type, entity_id, root_id, action, before, after, request_id)
    values (${id.registrarKey}, ${force}, ${entity}, ${entityId}, ${rootId}, ${action}, ${before === null ? null : json(before)}, ${json(after)}, 'req-0.1.0')
  `
  await run(audit('api_key', id.registrarKey, id.registrarKey, 'create', 'cleveland', { name: 'Cleveland registrar' }))
  await run(audit('inspection', id.peel, id.peel, 'create', 'cleveland', { key: 'peel-2019' }))
  await run(audit('inspection', id.cdi, id.cdi, 'create', 'cleveland', { key: 'cdi-2019' }))
  await run(audit('governance_group', id.group, id.group, 'create', 'cleveland', { name: 'Force Improvement Board' }))
  for (const findingId of [id.coc, id.rec, id.afiOpen, id.afiClosed, id.afiSuperseded, id.cdiCoc, id.local]) {
    await run(audit('finding', findingId, findingId, 'create', 'cleveland', { id: findingId, status: 'open' }))
  }
  await run(audit('finding', id.durhamAfi, id.durhamAfi, 'create', 'durham', { id: id.durhamAfi, status: 'open' }))
  await run(audit('progress_update', id.update, id.rec, 'create', 'cleveland', { id: id.update, position: 'Audit complete.' }))
  await run(audit('review', id.review, id.rec, 'create', 'cleveland', { id: id.review, outcome: 'request_closure' }))
  await run(audit('closure_request', id.closure, id.rec, 'create', 'cleveland', { id: id.closure, status: 'draft' }))
  await run(audit('closure_request', id.closure, id.rec, 'submit', 'cleveland', { status: 'board_review' }, { status: 'draft' }))
  await run(audit('finding', id.rec, id.rec, 'closure:board_review', 'cleveland', { status: 'closure_requested' }, { status: 'open' }))
  await run(audit('webhook', id.webhook, id.webhook, 'create', 'cleveland', { url: 'https://hooks.cleveland.example/peel' }))

  await run(sql`
    insert into webhooks (id, force_code, url, description, event_types, secret, created_by)
    values (${id.webhook}, 'cleveland', 'https://hooks.cleveland.example/peel', 'Performance system', ${['finding.*', 'closure_request.*']}::text[], 'whsec_0123456789abcdef', ${id.adminKey})
  `)
  await run(sql`
    insert into webhook_deliveries (id, webhook_id, event_id, event_type, status, attempts)
    select ${id.delivery}, ${id.webhook}, id, 'finding.create', 'delivered', 1 from audit_log where entity_id = ${id.coc}
  `)
  await run(sql`
    insert into webhook_attempts (delivery_id, attempted_at, duration_ms, response_status, response_body, error, succeeded)
    values (${id.delivery}, now(), 42, 204, '', null, true)
  `)
}

/** Everything of a schema that data cannot change: columns, constraints, indexes, triggers, functions. */
async function schemaOf(db: Db): Promise<string[]> {
  const result = await sql<{ item: string }>`
    select concat_ws(' ', 'column', table_name, column_name, data_type, is_nullable, column_default, is_generated) as item
      from information_schema.columns where table_schema = 'public'
    union all select concat_ws(' ', 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid))
      from pg_constraint where connamespace = 'public'::regnamespace
    union all select concat_ws(' ', 'index', indexname, indexdef) from pg_indexes where schemaname = 'public'
    union all select concat_ws(' ', 'trigger', tgname, pg_get_triggerdef(oid)) from pg_trigger where not tgisinternal
    union all select concat_ws(' ', 'function', proname, md5(prosrc)) from pg_proc where pronamespace = 'public'::regnamespace
    order by 1
  `.execute(db)
  return result.rows.map((row) => row.item)
}

const countsOf = async (db: Db) =>
  (
    await db
      .selectFrom('finding_counts')
      .select(['force_code', 'category', 'kind', 'open', 'open_not_on_portal', 'on_portal'])
      .where((eb) => eb.or([eb('open', '<>', 0), eb('open_not_on_portal', '<>', 0), eb('on_portal', '<>', 0)]))
      .execute()
  )
    .map((r) => `${r.force_code}|${r.category}|${r.kind}: ${r.open} open, ${r.open_not_on_portal} of them not on the portal, ${r.on_portal} on the portal`)
    .sort()

const countedFromRegister = async (db: Db, force: string) =>
  (await summaryCountsFromRegister(db, force))
    .filter((r) => r.open || r.open_not_on_portal || r.on_portal)
    .map((r) => `${force}|${r.category ?? ''}|${r.kind}: ${r.open} open, ${r.open_not_on_portal} of them not on the portal, ${r.on_portal} on the portal`)
    .sort()

t.test(`release ${previous.version} is a point in the migration list`, async (t) => {
  t.ok(releaseIndex >= 0, `${previous.lastMigration} is one of the migrations`)
  const newer = names.slice(releaseIndex + 1)
  if (newer.length === 0) t.comment('no migration since the previous release: the upgrade below has nothing to apply')
  t.same(releases.map((r) => names.indexOf(r.lastMigration)).filter((i) => i < 0), [], 'every recorded release names a migration')
})

t.test(`a database of release ${previous.version} with data in it upgrades to the latest migration`, async (t) => {
  const handle = await emptyDatabase()
  t.teardown(() => handle.close())
  let { db } = handle

  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const toRelease = await migrator.migrateTo(previous.lastMigration)
  t.error(toRelease.error)
  t.same(toRelease.results?.map((r) => r.migrationName), names.slice(0, releaseIndex + 1), `built the ${previous.version} schema only`)
  t.notOk((await sql<{ found: boolean }>`select to_regclass('finding_counts') is not null as found`.execute(db)).rows[0]!.found, 'finding_counts is newer than the release')

  await fillPreviousRelease(db)
  const before = await rowCounts(db)
  const auditBefore = await db.selectFrom('audit_log').selectAll().orderBy('id').execute()

  // The upgrade, exactly as the service runs it on start.
  const applied = await migrateToLatest(db)
  t.same(applied.map((r) => [r.migrationName, r.status]), names.slice(releaseIndex + 1).map((name) => [name, 'Success']), 'the newer migrations, and only those')
  const after = await rowCounts(db)
  const kept = (counts: Record<string, number>) => Object.keys(before).filter((table) => table !== 'kysely_migration').map((table) => [table, counts[table]])
  t.same(kept(after), kept(before), 'every table of the release keeps every row')
  t.equal(after.kysely_migration, names.length)
  t.same(await db.selectFrom('audit_log').selectAll().orderBy('id').execute(), auditBefore, 'the audit log and its feed positions are as they were')
  t.match(await verifyAuditChain(db), { verified: auditBefore.length, unsealed: 0, broken: null }, "the migration sealed the release's audit entries into the chain")

  t.same(await countsOf(db), [
    'cleveland|cdi|cause_of_concern: 1 open, 1 of them not on the portal, 0 on the portal',
    'cleveland|local_peel|area_for_improvement: 1 open, 1 of them not on the portal, 0 on the portal',
    'cleveland|local_peel|cause_of_concern: 1 open, 0 of them not on the portal, 1 on the portal',
    'cleveland|local_peel|recommendation: 1 open, 0 of them not on the portal, 1 on the portal',
    'cleveland||area_for_improvement: 1 open, 1 of them not on the portal, 0 on the portal',
    'durham|local_peel|area_for_improvement: 1 open, 0 of them not on the portal, 1 on the portal'
  ], 'finding_counts holds the counts of the findings that were already there')

  // The service's start: reference data and first key. The release's keys exist, so no key is made.
  t.same(await prepareDatabase(handle, config, silent), { generatedAdminKey: null }, 'the service starts; the release had keys, so none is made')
  db = handle.db
  const { app, request } = await appOn(handle, config)
  t.teardown(() => app.close())
  const asOldAdmin = (options: Parameters<typeof request>[0]) =>
    request({ ...options, headers: { authorization: `Bearer ${OLD_ADMIN_SECRET}`, ...options.headers } })

  const summary = await asOldAdmin({ method: 'GET', url: '/v1/reports/summary?force=cleveland' })
  t.equal(summary.statusCode, 200, "the release's admin key still works")
  const report = summary.json()
  const row = (category: string) => report.rows.find((r: { category: string }) => r.category === category)
  t.match(row('local_peel'), { causesOfConcern: { total: 1, notOnPortal: 0 }, recommendations: { total: 1, notOnPortal: 0 }, areasForImprovement: { total: 1, notOnPortal: 1 } })
  t.match(row('cdi'), { causesOfConcern: { total: 1, notOnPortal: 1 }, recommendations: { total: 0 }, areasForImprovement: { total: 0 } })
  t.match(report, {
    uncategorised: { areasForImprovement: { total: 1, notOnPortal: 1 } },
    register: { causesOfConcern: { total: 2, notOnPortal: 1 }, recommendations: { total: 1, notOnPortal: 0 }, areasForImprovement: { total: 2, notOnPortal: 2 } },
    portal: { causesOfConcern: 1, recommendations: 1, areasForImprovement: 0 }
  })

  const rec = await asOldAdmin({ method: 'GET', url: `/v1/findings/${id.rec}` })
  t.match(rec.json(), { reference: 'CoC-1.1', status: 'closure_requested', parentId: id.coc, governanceGroupId: id.group, dueDate: '2019-12-27', version: 1 })
  const closed = await asOldAdmin({ method: 'GET', url: `/v1/findings/${id.afiClosed}` })
  t.match(closed.json(), { status: 'closed', closedVia: 'legacy' }, 'a finding the release closed by a direct write is marked so')
  t.match(rec.json(), { closedVia: null })
  const seenBy = await sql<{ secret_seen_by: string | null }>`select secret_seen_by from api_keys where id = ${id.registrarKey}`.execute(db)
  t.equal(seenBy.rows[0]!.secret_seen_by, id.adminKey, "a key's issuer is its creator until someone rotates it")
  const updates = (await asOldAdmin({ method: 'GET', url: `/v1/findings/${id.rec}/updates` })).json()
  t.match(updates.items, [{ id: id.update, position: 'Audit complete.', imported: false, ongoingActions: [{ id: id.ongoing, expectedCompletion: '2020-06-30' }] }])
  const history = (await asOldAdmin({ method: 'GET', url: `/v1/findings/${id.rec}/history` })).json()
  t.same(history.items.map((e: { entityType: string; action: string }) => `${e.entityType} ${e.action}`), [
    'finding create', 'progress_update create', 'review create', 'closure_request create', 'closure_request submit', 'finding closure:board_review'
  ])

  // The feed replays the release's events in their order; on a shared server it may hold back
  // while another test's transaction that began earlier is still running, so it is given time.
  const expectedFeed = auditBefore.filter((e) => e.force_code === 'cleveland' && !['api_key', 'webhook'].includes(e.entity_type)).map((e) => String(e.id))
  let feed: string[] = []
  for (let attempt = 0; attempt < 60; attempt++) {
    feed = (await asOldAdmin({ method: 'GET', url: '/v1/events?force=cleveland&limit=1000' })).json().items.map((e: { id: string }) => e.id)
    if (feed.length >= expectedFeed.length) break
    await sleep(500)
  }
  t.same(feed, expectedFeed, "the change feed replays the release's events, in order")

  // The newer parts work on the older rows: a change to a pre-existing finding moves the counts.
  const moved = await asOldAdmin({ method: 'PATCH', url: `/v1/findings/${id.afiOpen}`, headers: { 'if-match': '"1"' }, payload: { portalStatus: 'open' } })
  t.equal(moved.statusCode, 200, 'a finding of the release changes')
  const added = await asOldAdmin({
    method: 'POST',
    url: '/v1/findings',
    payload: { force: 'cleveland', reference: 'CDI-2', kind: 'area_for_improvement', title: 'Added after the upgrade', text: 'Text.', inspectionId: id.cdi }
  })
  t.equal(added.statusCode, 201, 'a finding is added to an inspection of the release')
  t.same(await countsOf(db), [...(await countedFromRegister(db, 'cleveland')), ...(await countedFromRegister(db, 'durham'))], 'the kept counts equal a count of the register')
  t.same(await countsOf(db), [
    'cleveland|cdi|area_for_improvement: 1 open, 0 of them not on the portal, 1 on the portal',
    'cleveland|cdi|cause_of_concern: 1 open, 1 of them not on the portal, 0 on the portal',
    'cleveland|local_peel|area_for_improvement: 1 open, 0 of them not on the portal, 1 on the portal',
    'cleveland|local_peel|cause_of_concern: 1 open, 0 of them not on the portal, 1 on the portal',
    'cleveland|local_peel|recommendation: 1 open, 0 of them not on the portal, 1 on the portal',
    'cleveland||area_for_improvement: 1 open, 1 of them not on the portal, 0 on the portal',
    'durham|local_peel|area_for_improvement: 1 open, 0 of them not on the portal, 1 on the portal'
  ], 'AFI-2 moved to the portal, CDI-2 counted under CDI')

  // And the upgraded schema is the schema a new database gets.
  const fresh = await openTestDatabase(t)
  const expectedSchema = await schemaOf(fresh.db)
  t.ok(expectedSchema.some((item) => item.startsWith('trigger finding_counts_on_insert ')), 'the comparison sees triggers')
  t.same(await schemaOf(db), expectedSchema, 'the same columns, constraints, indexes, triggers and functions as a new database')
})
