import { sql } from 'kysely'
import t from 'tap'
import { buildTestApp } from '../helper.ts'

// The closure workflow is the only way to close a finding: no create, PATCH, import or second key
// walks round it, and the database refuses what a careless writer might try.

const { request, createKey, database } = await buildTestApp(t)
const { db } = database
const registrarKey = (await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'liaison officer', role: 'registrar', force: 'cleveland' } })).json()
const registrar = registrarKey.key as string
const approver = await createKey('approver', 'cleveland')

let n = 0
async function newFinding(key = registrar) {
  n++
  const response = await request({ method: 'POST', url: '/v1/findings', key, payload: { reference: `W-${n}`, kind: 'area_for_improvement', title: `Workflow ${n}`, text: 'Text.' } })
  t.equal(response.statusCode, 201)
  return response.json() as { id: string; reference: string; version: number }
}
const getFinding = async (id: string) => (await request({ method: 'GET', url: `/v1/findings/${id}` })).json()
const move = (id: string, action: string, key: string, note?: string) =>
  request({ method: 'POST', url: `/v1/closure-requests/${id}/transitions`, key, payload: note ? { action, note } : { action } })

/** Drafts and submits a closure request for a new finding, with the given registrar-or-admin key. */
async function submitted(submitter: string) {
  const f = await newFinding()
  const created = await request({ method: 'POST', url: '/v1/closure-requests', key: submitter, payload: { findingId: f.id, summary: 'Done.' } })
  t.equal(created.statusCode, 201, created.body)
  const id = created.json().id as string
  t.equal((await move(id, 'submit', submitter)).statusCode, 200)
  return id
}

t.test('create and PATCH cannot set closed or closure_requested', async (t) => {
  for (const status of ['closed', 'closure_requested']) {
    const create = await request({ method: 'POST', url: '/v1/findings', key: registrar, payload: { reference: `born-${status}`, kind: 'area_for_improvement', title: 'x', text: 'x', status } })
    t.equal(create.statusCode, 400, `created ${status}`)
    t.equal(create.json().errors[0].field, 'status')
  }
  t.equal((await request({ method: 'GET', url: '/v1/findings?q=born', key: registrar })).json().items.length, 0, 'nothing written')

  const f = await newFinding()
  for (const status of ['closed', 'closure_requested']) {
    const patch = await request({ method: 'PATCH', url: `/v1/findings/${f.id}`, key: registrar, payload: { status }, headers: { 'if-match': '"1"' } })
    t.equal(patch.statusCode, 400, `patched to ${status}`)
    t.equal(patch.json().errors[0].field, 'status')
  }
  t.match(await getFinding(f.id), { status: 'open', closedVia: null, version: 1 }, 'unchanged')
})

t.test('the workflow closes, and says so; reopening clears it', async (t) => {
  const id = await submitted(registrar)
  for (const action of ['approve', 'send_to_fll', 'close']) t.equal((await move(id, action, action === 'approve' ? approver : registrar)).statusCode, 200, action)
  const findingId = (await request({ method: 'GET', url: `/v1/closure-requests/${id}` })).json().findingId
  const closed = await getFinding(findingId)
  t.match(closed, { status: 'closed', closedVia: 'closure_request' })
  const reopened = await request({ method: 'PATCH', url: `/v1/findings/${findingId}`, key: registrar, payload: { status: 'open', statusNote: 'Reopened after re-inspection' }, headers: { 'if-match': `"${closed.version}"` } })
  t.equal(reopened.statusCode, 200)
  t.match(reopened.json(), { status: 'open', closedVia: null })
  const csv = await request({ method: 'GET', url: `/v1/findings?force=cleveland&status=closed&format=csv&limit=500` })
  t.match(csv.body.split('\n')[0], /,closedVia\r?$/, 'the CSV carries it too, as its last column')
})

t.test('an import brings in a historic closure, marked as imported; its reviews never count as the board’s', async (t) => {
  const review = { id: '00000000-0000-4000-8000-00000000c0de', createdAt: '2019-03-01T10:00:00.000Z', outcome: 'request_closure', rationale: 'Backdated.' }
  const update = { id: '00000000-0000-4000-8000-00000000beef', createdAt: '2019-02-01T10:00:00.000Z', position: 'Done long ago.', activities: 'All of it.' }
  const document = {
    format: 'peel-register.register/v1',
    force: 'cleveland',
    governanceGroups: [],
    inspections: [],
    findings: [
      { reference: 'H-1', kind: 'area_for_improvement', scope: 'force', title: 'Closed in 2019', text: 'x', status: 'closed', portalStatus: 'closed' },
      { reference: 'H-2', kind: 'area_for_improvement', scope: 'force', title: 'Open, with history', text: 'x', status: 'open', portalStatus: 'open', updates: [update], reviews: [review] }
    ]
  }
  const imported = await request({ method: 'POST', url: '/v1/imports', key: registrar, payload: document })
  t.equal(imported.statusCode, 200, imported.body)
  const [h1, h2] = (await request({ method: 'GET', url: '/v1/findings?q=H&force=cleveland&sort=reference&limit=500' })).json().items.filter((f: { reference: string }) => f.reference.startsWith('H-'))
  t.match(h1, { reference: 'H-1', status: 'closed', closedVia: 'import' })
  const importer = registrarKey.id
  const reviews = (await request({ method: 'GET', url: `/v1/findings/${h2.id}/reviews` })).json().items
  t.match(reviews, [{ id: review.id, imported: true, reviewer: importer, createdAt: review.createdAt }], 'on record as the importing key’s, and imported')
  t.match((await request({ method: 'GET', url: `/v1/findings/${h2.id}/updates` })).json().items, [{ id: update.id, imported: true, author: importer }])

  const cite = await request({ method: 'POST', url: '/v1/closure-requests', key: registrar, payload: { findingId: h2.id, summary: 'See review.', reviewId: review.id } })
  t.equal(cite.statusCode, 400)
  t.equal(cite.json().errors[0].field, 'reviewId')
  t.match(cite.json().errors[0].message, /imported/)

  const again = await request({ method: 'POST', url: '/v1/imports', key: registrar, payload: document })
  t.equal(again.statusCode, 200, 'importing the same closure again changes nothing')
  t.equal(again.json().changes.findings.unchanged, 2)

  const requested = { ...document, findings: [{ ...document.findings[1]!, status: 'closure_requested' }] }
  const refused = await request({ method: 'POST', url: '/v1/imports', key: registrar, payload: requested })
  t.equal(refused.statusCode, 422)
  t.match(refused.json().problems, [{ path: '/findings/0/status', field: 'status', message: /closure request/ }])
})

t.test('a closure request cites only a review made here that requests closure', async (t) => {
  const f = await newFinding()
  const further = await request({ method: 'POST', url: `/v1/findings/${f.id}/reviews`, key: approver, payload: { outcome: 'embed_and_sustain', rationale: 'Not yet.' } })
  const cite = await request({ method: 'POST', url: '/v1/closure-requests', key: registrar, payload: { findingId: f.id, summary: 'x', reviewId: further.json().id } })
  t.equal(cite.statusCode, 400)
  t.equal(cite.json().errors[0].field, 'reviewId')
  const yes = await request({ method: 'POST', url: `/v1/findings/${f.id}/reviews`, key: approver, payload: { outcome: 'request_closure', rationale: 'Embedded.' } })
  t.equal(yes.json().imported, false)
  const ok = await request({ method: 'POST', url: '/v1/closure-requests', key: registrar, payload: { findingId: f.id, summary: 'x', reviewId: yes.json().id } })
  t.equal(ok.statusCode, 201)
})

t.test('the database refuses a closure the workflow did not make, whoever writes it', async (t) => {
  const f = await newFinding()
  const refused = async (what: string, statement: ReturnType<typeof sql>) => {
    await t.rejects(db.transaction().execute((trx) => statement.execute(trx)), { code: '23514' }, what)
  }
  await refused('closed with no way named', sql`update findings set status = 'closed' where id = ${f.id}`)
  await refused('closed by a request that never was', sql`update findings set status = 'closed', closed_via = 'closure_request' where id = ${f.id}`)
  await refused('closed as if imported, outside an import', sql`update findings set status = 'closed', closed_via = 'import' where id = ${f.id}`)
  await refused('closed as legacy', sql`update findings set status = 'closed', closed_via = 'legacy' where id = ${f.id}`)
  await refused('closure requested with no request', sql`update findings set status = 'closure_requested' where id = ${f.id}`)
  await refused(
    'born closed',
    sql`insert into findings (force_code, reference, kind, title, text, scope, status, closed_via, portal_status) values ('cleveland', 'born-closed', 'area_for_improvement', 'x', 'x', 'force', 'closed', 'closure_request', 'open')`
  )
  const review = await sql<{ id: string }>`insert into reviews (finding_id, outcome, rationale, imported) values (${f.id}, 'request_closure', 'Imported.', true) returning id`.execute(db)
  await refused(
    'a request citing an imported review',
    sql`insert into closure_requests (finding_id, force_code, status, summary, evidence, review_id) values (${f.id}, 'cleveland', 'draft', 'x', '[]', ${review.rows[0]!.id})`
  )
  t.match(await getFinding(f.id), { status: 'open', closedVia: null, version: 1 }, 'nothing got through')
  await db.transaction().execute(async (trx) => {
    await sql`select set_config('peel_register.writer', 'import', true)`.execute(trx)
    await sql`update findings set status = 'closed', closed_via = 'import' where id = ${f.id}`.execute(trx)
  })
  t.match(await getFinding(f.id), { status: 'closed', closedVia: 'import' }, 'inside an import, a historic closure is taken')
})

t.test('separation of duties: the board’s key cannot be one the submitter could hold', async (t) => {
  // Keys issued by the national admin (the operator's first key) unless said otherwise.
  const issue = async (role: string, name: string, by?: string) => {
    const response = await request({ method: 'POST', url: '/v1/api-keys', key: by, payload: { name, role, force: 'cleveland' } })
    t.equal(response.statusCode, 201)
    return response.json() as { id: string; key: string }
  }
  const rotate = async (id: string, by?: string) => {
    const response = await request({ method: 'POST', url: `/v1/api-keys/${id}/rotate`, key: by, payload: {} })
    t.equal(response.statusCode, 200)
    return response.json().key as string
  }
  const forbidden = async (id: string, key: string, why: string) => {
    const response = await move(id, 'approve', key)
    t.equal(response.statusCode, 403, why)
    t.match(response.json().detail, /submitted/)
  }

  const forceAdmin = await issue('admin', 'force admin')
  const own = await issue('approver', 'the admin’s own approver key', forceAdmin.key)
  await forbidden(await submitted(forceAdmin.key), own.key, 'an admin approving its own submission with a key it issued')
  const ownRegistrar = await issue('registrar', 'registrar issued by the force admin', forceAdmin.key)
  await forbidden(await submitted(ownRegistrar.key), forceAdmin.key, 'the issuer of the submitting key')
  await forbidden(await submitted(ownRegistrar.key), own.key, 'two keys issued by the same admin')
  const nested = await issue('admin', 'a second admin issued by the first', forceAdmin.key)
  const nestedApprover = await issue('approver', 'approver issued through the second admin', nested.key)
  await forbidden(await submitted(ownRegistrar.key), nestedApprover.key, 'issued through a key the first admin issued')
  t.equal((await move(await submitted(ownRegistrar.key), 'return', own.key)).statusCode, 403, 'return is the board’s too')

  // An approver the operator issued is the board's own; the registrar's key stays the force admin's.
  const board = await issue('approver', 'board chair')
  t.equal((await move(await submitted(ownRegistrar.key), 'approve', board.key)).statusCode, 200, 'a key from another issuer approves')
  t.equal((await move(await submitted(registrar), 'approve', board.key)).statusCode, 200, 'two keys the operator issued are two people')

  // Rotating shows the new secret to whoever rotates: the force admin now holds the board's key.
  const seen = await rotate(board.id, forceAdmin.key)
  await forbidden(await submitted(ownRegistrar.key), seen, 'after the force admin rotated it')
  t.equal((await move(await submitted(ownRegistrar.key), 'approve', await rotate(board.id))).statusCode, 200, 'rotated again by the operator, it is the board’s alone')

  // A key rotating itself tells nobody new: whoever knew its secret before may have done it.
  const secondAdmin = await issue('admin', 'second admin, the operator’s')
  const held = await rotate(secondAdmin.id, forceAdmin.key)
  const selfRotated = await rotate(secondAdmin.id, held)
  const itsApprover = await issue('approver', 'approver of the second admin', selfRotated)
  await forbidden(await submitted(ownRegistrar.key), itsApprover.key, 'issued by a key the force admin rotated, then rotated itself')
})
