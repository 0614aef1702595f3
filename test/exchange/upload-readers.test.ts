import t from 'tap'
import { SheetLimitError } from '../../src/domain/exchange/sheets/errors.ts'
import { ReadersBusy, UPLOAD_READERS, readUploadInWorker } from '../../src/domain/exchange/upload-readers.ts'
import { workbook } from './workbook-zip.ts'

const upload = (data: Buffer) => [{ field: 'file', filename: 'big.xlsx', data }]
/** Half a million numbers: quick to send, long enough to read that a short deadline or a small heap runs out first. */
const heavy = workbook({ sheets: [{ name: 'Findings', rows: Array.from({ length: 500 }, () => `<row>${'<c><v>1.5</v></c>'.repeat(1_000)}</row>`).join('') }] })

t.test('a reading past its deadline is ended: maxParseTime, and the next one is read', async (t) => {
  const error = await readUploadInWorker(upload(heavy), 'deadline', { deadlineMs: 50 }).catch((e: unknown) => e)
  t.type(error, SheetLimitError)
  t.match(error, { limit: 'maxParseTime', max: 50, message: /longer than/ })
  const small = workbook({ sheets: [{ name: 'Findings', rows: '<row><c t="inlineStr"><is><t>Reference</t></is></c><c t="inlineStr"><is><t>Kind</t></is></c></row>' }] })
  t.match(await readUploadInWorker(upload(small), 'deadline'), { sheets: [{ spec: 'Findings' }] })
})

t.test('a reading that needs more memory than its heap ends the worker alone: maxParseMemory', async (t) => {
  const error = await readUploadInWorker(upload(heavy), 'memory', { heapMb: 24 }).catch((e: unknown) => e)
  t.type(error, SheetLimitError)
  t.match(error, { limit: 'maxParseMemory', max: 24 })
})

t.test('one reading per owner; beyond the workers and the queue, busy', async (t) => {
  const slow = { deadlineMs: 60_000 }
  const first = readUploadInWorker(upload(heavy), 'owner-0', slow)
  await t.rejects(readUploadInWorker(upload(heavy), 'owner-0', slow), ReadersBusy, 'the same owner waits for its first')
  const others = Array.from({ length: UPLOAD_READERS.concurrent + UPLOAD_READERS.queued - 1 }, (_, i) => readUploadInWorker(upload(heavy), `owner-${i + 1}`, slow))
  const refused = await readUploadInWorker(upload(heavy), 'one too many', slow).catch((e: unknown) => e)
  t.type(refused, ReadersBusy)
  t.match(refused, { scope: 'service', retryAfterSeconds: Number })
  const settled = await Promise.allSettled([first, ...others])
  t.ok(settled.every((s) => s.status === 'fulfilled'), 'the queued ones are read in turn')
})
