import t from 'tap'
import { buildTestApp } from '../helper.ts'
import { multipart } from './multipart.ts'
import { exported, populatedRegister } from './populated.ts'

const { source, original } = await populatedRegister(t)

t.test('CSV: one file per sheet imports back without loss', async (t) => {
  const sheets = ['findings', 'actions', 'inspections', 'governance-groups', 'updates', 'ongoing-actions', 'reviews']
  const files = []
  for (const sheet of sheets) {
    const response = await source.request({ method: 'GET', url: `/v1/exports/register?force=cleveland&format=csv&sheet=${sheet}` })
    t.equal(response.statusCode, 200)
    t.match(response.headers['content-type'], /^text\/csv/)
    files.push({ field: sheet, filename: `${sheet}.csv`, contentType: 'text/csv', data: response.body })
  }
  t.match(files[4]!.data, /'=SUM\(A1\)/, 'a formula-like text is guarded in the CSV')
  const target = await buildTestApp(t)
  const imported = await target.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart(files) })
  t.equal(imported.statusCode, 200, imported.body)
  t.same(await exported(t, target), original, 'identical, guard marks stripped')
})
