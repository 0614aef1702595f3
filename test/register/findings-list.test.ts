import { sql } from 'kysely'
import t from 'tap'
import { readCsv } from '../../src/domain/exchange/sheets/csv.ts'
import { matchesSearch } from '../../src/domain/findings/findings.repository.ts'
import { dense } from '../exchange/sheets-fixture.ts'
import { buildTestApp, loadExample } from '../helper.ts'

const { request, database } = await buildTestApp(t)
await loadExample(database)

interface Finding {
  id: string
  reference: string
  kind: string
  status: string
  portalStatus: string
  scope: string
  dueDate: string | null
  overdue: boolean
  updatedAt: string
  parentId: string | null
  forceLead: string | null
}

async function walk(query: string, limit = 7): Promise<Finding[]> {
  const items: Finding[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/v1/findings?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const response = await request({ method: 'GET', url })
    if (response.statusCode !== 200) throw new Error(response.body)
    const body: { items: Finding[]; nextCursor: string | null } = response.json()
    items.push(...body.items)
    cursor = body.nextCursor
    pages++
  } while (cursor && pages < 100)
  return items
}

const everything = await walk('force=cleveland', 500)

t.test('every sort pages through the whole register without repeats or gaps', async (t) => {
  t.equal(everything.length, 90)
  for (const sort of ['reference', '-reference', 'dueDate', '-dueDate', 'updatedAt', '-updatedAt', 'createdAt', '-createdAt']) {
    const paged = await walk(`force=cleveland&sort=${sort}`)
    t.equal(paged.length, 90, sort)
    t.equal(new Set(paged.map((f) => f.id)).size, 90, `${sort}: no finding twice`)
  }
  const byDue = await walk('force=cleveland&sort=dueDate')
  const dated = byDue.filter((f) => f.dueDate !== null)
  t.same(dated.map((f) => f.dueDate), [...dated.map((f) => f.dueDate)].sort(), 'earliest due first')
  t.ok(byDue.slice(dated.length).every((f) => f.dueDate === null), 'undated last')
  const refs = (await walk('force=cleveland&sort=-reference')).map((f) => f.reference)
  t.same(refs, [...everything.map((f) => f.reference)].reverse())
})

t.test('filters', async (t) => {
  const count = async (query: string) => (await walk(`force=cleveland&${query}`, 500)).length
  t.equal(await count('kind=cause_of_concern'), 7)
  t.equal(await count('kind=cause_of_concern&kind=recommendation'), 7 + 49)
  t.equal(await count('status=closed&status=superseded'), 17)
  t.equal(await count('scope=national'), 9)
  t.equal(await count('category=ncpi'), 7)
  t.equal(await count('portalStatus=not_on_portal'), 0)
  const ncpi = (await walk('force=cleveland&category=ncpi', 500))[0]!
  t.ok(ncpi)
  const coc = (await walk('force=cleveland&reference=CoC-IPA2019-PREVENTION', 500))[0]!
  t.same((await walk(`force=cleveland&parentId=${coc.id}`, 500)).map((f) => f.reference).sort(), ['547', '548', '549', '550'])
  t.equal(await count('topLevel=true') + (await count('topLevel=false')), 90)
  t.equal(await count('topLevel=false'), 30 + 3, 'the recommendations under causes of concern (PEEL and CDI)')
})

t.test('overdue, judged on a given day, and due-date ranges', async (t) => {
  const asOf = '2019-01-01'
  const overdue = await walk(`force=cleveland&overdue=true&asOf=${asOf}`, 500)
  t.ok(overdue.length > 0)
  t.ok(overdue.every((f) => f.dueDate !== null && f.dueDate < asOf && ['open', 'closure_requested'].includes(f.status)))
  t.ok(overdue.every((f) => f.overdue), 'the overdue flag agrees, judged on the same day')
  const notOverdue = await walk(`force=cleveland&overdue=false&asOf=${asOf}`, 500)
  t.equal(overdue.length + notOverdue.length, 90)
  const before = await walk('force=cleveland&dueBefore=2018-10-01', 500)
  t.ok(before.every((f) => f.dueDate !== null && f.dueDate < '2018-10-01'))
})

t.test('lead and group filters', async (t) => {
  const target = everything.find((f) => f.reference === '547')!
  await request({ method: 'PATCH', url: `/v1/findings/${target.id}`, payload: { forceLead: 'ACC Operations', deliveryLead: 'Supt Prevention' }, headers: { 'if-match': '"1"' } })
  t.same((await walk('force=cleveland&lead=acc operations', 500)).map((f) => f.reference), ['547'], 'any case')
  t.same((await walk('force=cleveland&deliveryLead=Supt Prevention', 500)).map((f) => f.reference), ['547'])
  t.same(await walk('force=cleveland&forceLead=Supt Prevention', 500), [])
  const group = (await request({ method: 'GET', url: '/v1/governance-groups?force=cleveland' })).json().items[0]
  const current = (await request({ method: 'GET', url: `/v1/findings/${target.id}` })).json()
  await request({ method: 'PATCH', url: `/v1/findings/${target.id}`, payload: { governanceGroupId: group.id }, headers: { 'if-match': `"${current.version}"` } })
  t.same((await walk(`force=cleveland&governanceGroupId=${group.id}`, 500)).map((f) => f.reference), ['547'])
})

t.test('full-text search over reference, title and text, best match first', async (t) => {
  const hits = await walk('force=cleveland&q=domestic abuse', 500)
  t.ok(hits.length >= 3)
  const missing = await walk('force=cleveland&q=zzzyzzx', 500)
  t.same(missing, [])
  const byReference = await walk('force=cleveland&q=547', 500)
  t.equal(byReference[0]?.reference, '547')
  const paged = await walk('force=cleveland&q=domestic abuse', 2)
  t.same(paged.map((f) => f.id), hits.map((f) => f.id), 'pages of a search add up to the search')
})

t.test("a force's search finds what the words match in that force, and nothing of another force", async (t) => {
  // The same words in another force's register: a search of Cleveland must not see them.
  await sql`insert into findings (force_code, reference, kind, title, text, scope, status, portal_status)
            values ('durham', 'D-1', 'recommendation', 'Domestic abuse training', 'Victims of domestic abuse and stalking.', 'force', 'open', 'open')`.execute(database.db)
  const queries = ['domestic abuse', '"domestic abuse"', 'abuse or custody', 'abuse -domestic', 'the of and', '547', '@cleveland', 'cleveland']
  for (const q of queries) {
    const found = (await walk(`force=cleveland&q=${encodeURIComponent(q)}`, 500)).map((f) => f.id).sort()
    const { rows } = await sql<{ id: string }>`select id from findings where force_code = 'cleveland' and search @@ websearch_to_tsquery('english', ${q}) order by id`.execute(database.db)
    t.same(found, rows.map((row) => row.id), `${q}: as the words match in the force (${rows.length})`)
  }
  t.same((await walk('force=cleveland&q=the%20of%20and', 500)).length, 0, 'stop words alone match nothing, not the whole force')
  t.same((await walk('force=durham&q=stalking', 500)).map((f) => f.reference), ['D-1'], 'the other force finds its own')
  t.same((await walk('force=cleveland&q=stalking', 500)).map((f) => f.reference), [], 'and Cleveland does not')
  const plan = await database.db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx)
    const rows = await trx.selectFrom('findings').select('id').where(matchesSearch('abuse', 'cleveland')).explain()
    return rows.map((row) => String(row['QUERY PLAN'])).join('\n')
  })
  t.match(plan, /findings_search_in_force/, 'the predicate the service writes is the one the index serves')
})

t.test('CSV: the same page, RFC 4180, with the next page linked', async (t) => {
  const response = await request({ method: 'GET', url: '/v1/findings?force=cleveland&kind=cause_of_concern&limit=5', headers: { accept: 'text/csv' } })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/csv/)
  const lines = response.body.split('\r\n')
  t.equal(lines.at(-1), '', 'ends with CRLF')
  t.match(lines[0] ?? '', /^id,force,reference,kind,title,text,/)
  const json = (await request({ method: 'GET', url: '/v1/findings?force=cleveland&kind=cause_of_concern&limit=5' })).json()
  t.equal(lines.length - 2, json.items.length, 'one row per finding of the page')
  t.match(response.headers.link, /cursor=.*rel="next"/)
  // A text with commas and quotes stays one field.
  const quoted = response.body.includes('"') ? response.body : ''
  t.ok(quoted.length > 0, 'fields with commas are quoted')
  const viaFormat = await request({ method: 'GET', url: '/v1/findings?force=cleveland&kind=cause_of_concern&limit=5&format=csv' })
  t.equal(viaFormat.body, response.body, '?format=csv is the same')
  const jsonWins = await request({ method: 'GET', url: '/v1/findings?limit=1', headers: { accept: 'application/json, text/csv' } })
  t.match(jsonWins.headers['content-type'], /application\/json/)
})

t.test('CSV: the name a person reads beside each id', async (t) => {
  const response = await request({ method: 'GET', url: '/v1/findings?force=cleveland&limit=200&format=csv' })
  t.equal(response.statusCode, 200)
  const [columns, ...lines] = dense(readCsv(response.rawPayload)).map((cells) => cells.map((cell) => (cell === null ? null : String(cell))))
  for (const [id, ...names] of [['inspectionId', 'inspectionKey', 'inspectionTitle'], ['parentId', 'parentReference'], ['governanceGroupId', 'governanceGroupName'], ['supersededById', 'supersededByReference']]) {
    const at = columns!.indexOf(id!)
    t.same(columns!.slice(at, at + names.length + 1), [id, ...names], `${names.join(', ')} beside ${id}`)
  }
  const rows = lines.map((cells) => Object.fromEntries(columns!.map((column, i) => [column, cells[i] ?? null])))
  const inspections = new Map(((await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=100' })).json().items as Array<{ id: string; key: string; title: string }>).map((i) => [i.id, i]))
  const groups = new Map(((await request({ method: 'GET', url: '/v1/governance-groups?force=cleveland&limit=100' })).json().items as Array<{ id: string; name: string }>).map((g) => [g.id, g.name]))
  const references = new Map(rows.map((f) => [f.id, f.reference]))
  const named = (id: string | null | undefined, name: (id: string) => string | undefined) => (id ? (name(id) ?? 'missing') : null)
  t.same(
    rows.map((f) => [f.inspectionKey, f.inspectionTitle, f.parentReference, f.governanceGroupName, f.supersededByReference]),
    rows.map((f) => [
      named(f.inspectionId, (id) => inspections.get(id)?.key),
      named(f.inspectionId, (id) => inspections.get(id)?.title),
      named(f.parentId, (id) => references.get(id) ?? undefined),
      named(f.governanceGroupId, (id) => groups.get(id)),
      named(f.supersededById, (id) => references.get(id) ?? undefined)
    ]),
    'every name matches its id, and is empty where the id is'
  )
  t.ok(rows.some((f) => f.inspectionTitle) && rows.some((f) => f.parentReference) && rows.some((f) => f.governanceGroupName), 'the register has links of each kind to check')
})

t.test('bad filters are named', async (t) => {
  for (const [query, field] of <Array<[string, string]>>[
    ['status=pending', 'status.0'],
    ['question=2', 'question'],
    ['asOf=yesterday', 'asOf'],
    ['sort=title', 'sort'],
    ['limit=0', 'limit'],
    ['unknown=1', 'unknown']
  ]) {
    const response = await request({ method: 'GET', url: `/v1/findings?${query}` })
    t.equal(response.statusCode, 400, query)
    t.equal(response.json().errors[0].field, field)
  }
  const cursor = Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url')
  t.equal((await request({ method: 'GET', url: `/v1/findings?q=abuse&cursor=${cursor}` })).statusCode, 400, 'a list cursor is not a search cursor')
})
