import t from 'tap'
import { buildTestApp } from '../helper.ts'
import { XLSX, multipart } from './multipart.ts'
import { exported, populatedRegister } from './populated.ts'

const { source, original } = await populatedRegister(t)

t.test('XLSX: the workbook imports back without loss', async (t) => {
  const response = await source.request({ method: 'GET', url: '/v1/exports/register?force=cleveland&format=xlsx' })
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], XLSX)
  const workbook = response.rawPayload
  t.same([...workbook.subarray(0, 2)], [0x50, 0x4b], 'a zip, as xlsx files are')

  const again = await source.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart([{ field: 'file', filename: 'register.xlsx', contentType: XLSX, data: workbook }]) })
  t.equal(again.statusCode, 200, again.body)
  t.match(again.json().changes, { findings: { created: 0, updated: 0, unchanged: 90 }, inspections: { updated: 0 }, updates: { unchanged: 1 }, ongoingActions: { unchanged: 2, updated: 0 }, reviews: { unchanged: 1 } }, 'into its own register: nothing to change')
  t.same(again.json().warnings, [])

  const target = await buildTestApp(t)
  const imported = await target.request({ method: 'POST', url: '/v1/imports?force=cleveland', ...multipart([{ field: 'file', filename: 'register.xlsx', contentType: XLSX, data: workbook }]) })
  t.equal(imported.statusCode, 200, imported.body)
  t.same(await exported(t, target), original, 'into an empty register: identical')
})
