import t from 'tap'
import { buildTestApp } from '../helper.ts'
import { XLSX, multipart } from '../exchange/multipart.ts'
import { hostileFiles } from '../exchange/hostile-files.ts'

const { request, createKey } = await buildTestApp(t)
const registrar = await createKey('registrar', 'cleveland')
const viewer = await createKey('viewer', 'durham')
const otherForce = () => request({ method: 'GET', url: '/v1/findings?force=durham&limit=5', key: viewer })

t.test('every hostile file is refused with the limit it meets, and the service answers throughout', async (t) => {
  const before = process.memoryUsage().rss
  for (const file of hostileFiles()) {
    const attack = request({
      method: 'POST',
      url: '/v1/imports?force=cleveland&dryRun=true',
      key: registrar,
      ...multipart([{ field: 'file', filename: file.filename, contentType: file.filename.endsWith('.csv') ? 'text/csv' : XLSX, data: file.data }])
    })
    const during = await otherForce()
    const response = await attack
    t.equal(during.statusCode, 200, `${file.name}: another force is answered while it is read`)
    t.equal(response.statusCode, file.status, `${file.name}: ${response.body.slice(0, 300)}`)
    if (file.status >= 400) {
      t.match(response.headers['content-type'], /application\/problem\+json/, file.name)
      if (file.limit !== null) t.match(response.json(), { limit: file.limit, max: Number }, `${file.name}: the limit is named`)
    }
    t.equal((await otherForce()).statusCode, 200, `${file.name}: and after`)
  }
  // The files were read in workers whose heaps are gone with them; what remains is the service's own.
  t.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, `memory stays near where it was (${Math.round((process.memoryUsage().rss - before) / 1048576)} MB more)`)
})

t.test('a file read for one force does not stop another force importing, but a second for the same force waits its turn', async (t) => {
  const file = hostileFiles().find((f) => f.limit === 'maxCells')!
  const send = (force: string, key: string) =>
    request({ method: 'POST', url: `/v1/imports?force=${force}&dryRun=true`, key, ...multipart([{ field: 'file', filename: file.filename, contentType: XLSX, data: file.data }]) })
  const durham = await createKey('registrar', 'durham')
  const [one, two, other] = await Promise.all([send('cleveland', registrar), send('cleveland', registrar), send('durham', durham)])
  // Which of the two reaches the reader first is the server's to decide (on PostgreSQL the key's
  // check may finish in either order): one is read, the other told to wait.
  const [read, refused] = one.statusCode === 429 ? [two, one] : [one, two]
  t.equal(read.statusCode, 413)
  t.equal(refused.statusCode, 429, 'one upload at a time per force')
  t.ok(Number(refused.headers['retry-after']) > 0, 'with Retry-After')
  t.equal(other.statusCode, 413, 'another force is read alongside')
})
