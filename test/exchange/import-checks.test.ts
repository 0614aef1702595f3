import ExcelJS from 'exceljs'
import t from 'tap'
import { buildTestApp, loadExample } from '../helper.ts'
import { XLSX, multipart } from './multipart.ts'

const { request, createKey, database } = await buildTestApp(t)
await loadExample(database)
const keys = {
  registrar: await createKey('registrar', 'cleveland'),
  viewer: await createKey('viewer', 'cleveland'),
  durham: await createKey('registrar', 'durham')
}

const finding = async (reference: string) =>
  (await request({ method: 'GET', url: `/v1/findings?force=cleveland&reference=${encodeURIComponent(reference)}` })).json().items[0]
const auditRows = async () => Number((await database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
const registerSnapshot = async () => JSON.stringify((await request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })).json().findings)

/** A workbook laid out the way a force keeps its register: a title, then its own headers. */
async function humanWorkbook(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Recommendations')
  sheet.addRow(['Cleveland Police HMICFRS register', null, null, null, null, null, null])
  sheet.addRow([])
  sheet.addRow(['Rec No.', 'Type', 'Recommendation', 'Force Lead', 'Due date', 'Status', 'RAG'])
  for (const row of rows) sheet.addRow(row)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
const upload = (data: Buffer, query = 'force=cleveland', key = keys.registrar) =>
  request({ method: 'POST', url: `/v1/imports?${query}`, key, ...multipart([{ field: 'file', filename: 'register.xlsx', contentType: XLSX, data }]) })

t.test('a register kept in a spreadsheet imports, forgiving of layout', async (t) => {
  const workbook = await humanWorkbook([
    ['NEW-1', 'AFI', 'The force should improve how it records crime. It should audit monthly.', 'ACC Crime', new Date(Date.UTC(2021, 2, 31)), 'Open', 'Amber'],
    ['NEW-2', 'Recommendation', 'Within six months, chief constables should review stop and search training.', null, '30/09/2021', null, 'Green']
  ])
  const dry = await upload(workbook, 'force=cleveland&dryRun=true')
  t.equal(dry.statusCode, 200, dry.body)
  t.match(dry.json(), { dryRun: true, valid: true, changes: { findings: { created: 2, updated: 0, unchanged: 90 } }, problems: [] })
  t.same(dry.json().warnings, ['Sheet "Recommendations": column "RAG" is not part of a register and was ignored.'])
  t.notOk(await finding('NEW-1'), 'a dry run writes nothing')

  const done = await upload(workbook)
  t.equal(done.statusCode, 200, done.body)
  t.match(await finding('NEW-1'), {
    kind: 'area_for_improvement',
    title: 'The force should improve how it records crime.',
    text: 'The force should improve how it records crime. It should audit monthly.',
    forceLead: 'ACC Crime',
    dueDate: '2021-03-31',
    status: 'open',
    portalStatus: 'open',
    scope: 'force'
  })
  t.match(await finding('NEW-2'), { kind: 'recommendation', dueDate: '2021-09-30', forceLead: null })
})

t.test('a sheet with only some columns changes only those', async (t) => {
  const before = await finding('547')
  const csv = 'Reference,Force lead\r\n547,DCC Smith\r\n'
  const response = await request({ method: 'POST', url: '/v1/imports?force=cleveland', key: keys.registrar, ...multipart([{ field: 'findings', filename: 'leads.csv', contentType: 'text/csv', data: csv }]) })
  t.equal(response.statusCode, 200, response.body)
  t.match(response.json().changes.findings, { updated: 1, created: 0 })
  const after = await finding('547')
  t.equal(after.forceLead, 'DCC Smith')
  t.same({ ...after, forceLead: null, version: 0, updatedAt: null }, { ...before, forceLead: null, version: 0, updatedAt: null }, 'everything else as it was')
  t.equal(after.version, before.version + 1)
})

t.test('bad data: every problem named by sheet, row and column, and nothing written', async (t) => {
  const workbook = await humanWorkbook([
    ['BAD-1', 'Suggestion', 'Text one.', null, '31/02/2021', null, null],
    ['BAD-2', 'AFI', null, null, null, 'Finished', null],
    ['BAD-3', 'AFI', 'Fine on its own.', null, null, null, null]
  ])
  const snapshot = await registerSnapshot()
  const audits = await auditRows()
  const dry = await upload(workbook, 'force=cleveland&dryRun=true')
  t.equal(dry.statusCode, 200)
  t.equal(dry.json().valid, false)
  const problems = dry.json().problems as Array<{ sheet: string; row: number; column: string; message: string }>
  t.same(
    problems.map((p) => [p.sheet, p.row, p.column]),
    [
      ['Recommendations', 4, 'Type'],
      ['Recommendations', 4, 'Due date'],
      ['Recommendations', 5, 'Status'],
      ['Recommendations', 5, 'Recommendation']
    ],
    'rows as the spreadsheet numbers them, columns as the user named them'
  )
  t.match(problems[0]!.message, /Suggestion/)

  const real = await upload(workbook)
  t.equal(real.statusCode, 422)
  t.equal(real.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(real.json().problems, problems, 'the import reports what the dry run did')
  t.equal(await registerSnapshot(), snapshot, 'BAD-3 was fine, but nothing at all was written')
  t.equal(await auditRows(), audits)
})

t.test('a document that breaks the register\'s rules is refused whole, by JSON pointer', async (t) => {
  const doc = (await request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })).json()
  doc.findings[0].kind = 'suggestion'
  doc.findings[1].parent = 'NO-SUCH'
  doc.findings[2].questions = [{ framework: 'peel-2018', ref: '99.9' }]
  doc.findings.push({ ...doc.findings[3] })
  const snapshot = await registerSnapshot()
  const response = await request({ method: 'POST', url: '/v1/imports', key: keys.registrar, payload: doc })
  t.equal(response.statusCode, 422)
  const paths = (response.json().problems as Array<{ path: string }>).map((p) => p.path)
  t.ok(paths.includes('/findings/0/kind'), 'the bad kind')
  t.equal(await registerSnapshot(), snapshot)

  delete doc.findings[0]
  doc.findings = doc.findings.filter(Boolean)
  doc.findings.pop()
  doc.findings[0].kind = doc.findings[0].kind === 'suggestion' ? 'recommendation' : doc.findings[0].kind
  const second = await request({ method: 'POST', url: '/v1/imports?dryRun=true', key: keys.registrar, payload: doc })
  t.equal(second.json().valid, false)
  t.same(
    [...new Set((second.json().problems as Array<{ path: string }>).map((p) => p.path))].sort(),
    ['/findings/0/parent', '/findings/1/questions/0'],
    'cross-references inside the document and questions against the register, reported together'
  )
})

t.test('updates are never edited by an import', async (t) => {
  const f = await finding('548')
  const posted = await request({ method: 'POST', url: `/v1/findings/${f.id}/updates`, key: keys.registrar, payload: { position: 'p', activities: 'a' } })
  t.equal(posted.statusCode, 201)
  const doc = (await request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })).json()
  const entry = doc.findings.find((x: { reference: string }) => x.reference === '548')
  entry.updates[0].position = 'rewritten history'
  const response = await request({ method: 'POST', url: '/v1/imports', key: keys.registrar, payload: doc })
  t.equal(response.statusCode, 422)
  t.match(response.json().problems, [{ path: `/findings/${doc.findings.indexOf(entry)}/updates/0`, message: /never edited/ }])
})

t.test('who may import, and into which register', async (t) => {
  const doc = (await request({ method: 'GET', url: '/v1/exports/register?force=cleveland' })).json()
  t.equal((await request({ method: 'POST', url: '/v1/imports', key: keys.viewer, payload: doc })).statusCode, 403)
  t.equal((await request({ method: 'POST', url: '/v1/imports', key: keys.durham, payload: doc })).statusCode, 403, "a durham key cannot import cleveland's register")
  const mismatch = await request({ method: 'POST', url: '/v1/imports?force=durham&dryRun=true', payload: doc })
  t.match(mismatch.json(), { valid: false, problems: [{ path: '/force', message: /cleveland, not durham/ }] })
  const national = await request({ method: 'POST', url: '/v1/imports', ...multipart([{ field: 'file', filename: 'x.csv', contentType: 'text/csv', data: 'Reference,Kind,Text\r\nX,AFI,T\r\n' }]) })
  t.equal(national.statusCode, 400)
  t.match(national.json().errors, [{ in: 'query', field: 'force' }])
  const unreadable = await request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart([{ field: 'file', filename: 'x.xlsx', contentType: XLSX, data: Buffer.from('PK\u0003\u0004 not really a zip') }]) })
  t.equal(unreadable.statusCode, 400)
  t.match(unreadable.json().detail, /x\.xlsx/)
  const exportedDurham = await request({ method: 'GET', url: '/v1/exports/register?force=cleveland', key: keys.durham })
  t.equal(exportedDurham.statusCode, 403)
  const noForce = await request({ method: 'GET', url: '/v1/exports/register' })
  t.equal(noForce.statusCode, 400)
})
