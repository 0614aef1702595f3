import t from 'tap'
import { sql } from 'kysely'
import { FindingSchema } from '../../src/domain/findings/findings.schemas.ts'
import * as repo from '../../src/domain/findings/findings.repository.ts'
import { toFinding } from '../../src/domain/findings/findings.service.ts'
import { buildTestApp, loadExample } from '../helper.ts'

// The findings list's JSON is built by PostgreSQL (findingJson), its CSV and every other view by
// toFinding in the service. They must never disagree: this holds them equal on a real register.
const { request, database } = await buildTestApp(t)
await loadExample(database)

t.test('findingJson and toFinding agree on every finding of a register', async (t) => {
  const db = database.db
  // Sub-millisecond timestamps, which both sides must cut to milliseconds the same way.
  await sql`update findings set updated_at = updated_at + interval '123 microseconds' where reference in (select reference from findings order by reference limit 5)`.execute(db)
  const rows = await repo.selectFindings(db).where('findings.force_code', '=', 'cleveland').orderBy('findings.reference').execute()
  t.ok(rows.length > 20, `the example register has findings (${rows.length})`)
  t.ok(rows.some((r) => r.due_date !== null) && rows.some((r) => r.questions.length > 0), 'with due dates and questions')
  for (const asOf of ['2019-01-01', '2021-06-30', '2030-01-01']) {
    const json = await db.selectFrom('findings').select(['findings.reference', repo.findingJson(asOf).as('json')]).where('findings.force_code', '=', 'cleveland').orderBy('findings.reference').execute()
    const fromSql = json.map((r) => JSON.parse(r.json) as unknown)
    const fromRows = rows.map((r) => toFinding(r, asOf))
    t.same(fromSql, fromRows, `every finding, as of ${asOf}`)
    const order = Object.keys(FindingSchema.properties)
    t.ok(fromSql.every((f) => Object.keys(f as object).join() === order.join()), 'fields in the order of the schema, as the serializer writes them')
  }
})

t.test('the JSON page and the CSV page list the same findings, page after page', async (t) => {
  const json: string[] = []
  const csv: string[] = []
  for (const [format, out] of [['json', json], ['csv', csv]] as const) {
    let cursor: string | null = null
    do {
      const response = await request({ method: 'GET', url: '/v1/findings', query: { force: 'cleveland', limit: '7', format, sort: '-dueDate', ...(cursor ? { cursor } : {}) } })
      t.equal(response.statusCode, 200)
      if (format === 'json') {
        const body = response.json()
        out.push(...body.items.map((f: { reference: string }) => f.reference))
        cursor = body.nextCursor
      } else {
        out.push(...response.body.trim().split('\r\n').slice(1).map((line) => line.split(',')[2]!))
        cursor = /cursor=([^&>]+)/.exec(String(response.headers.link ?? ''))?.[1] ?? null
        if (cursor) cursor = decodeURIComponent(cursor)
      }
    } while (cursor)
  }
  t.ok(json.length > 20)
  t.same(json, csv)
})
