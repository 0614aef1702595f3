import { parentPort, workerData } from 'node:worker_threads'
import { type UploadedFile, readUpload } from './read-upload.ts'
import { CsvParseError, SheetFileError, SheetLimitError } from './sheets/errors.ts'
import type { SheetLimits } from './sheets/table.ts'
import type { ReaderMessage, ReaderTask } from './upload-readers.ts'

/**
 * The worker an upload is read in (see upload-readers.ts): it reads the files, then hands the
 * result back a batch at a time, each only once the service asks for it, so that taking it in
 * never holds the service's event loop for long.
 */

const port = parentPort!
const task = workerData as ReaderTask

let asked: (() => void) | null = null
port.on('message', () => asked?.())
const send = async (message: ReaderMessage) => {
  const next = new Promise<void>((resolve) => (asked = resolve))
  port.postMessage(message)
  await next
}

const files: UploadedFile[] = task.files.map((file) => ({ ...file, data: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength) }))
try {
  const reading = await readUpload(files, task.limits as SheetLimits)
  for (const { spec, parsed } of reading.sheets) {
    await send({ kind: 'sheet', spec, sheet: parsed.sheet, headers: parsed.headers, ignoredColumns: parsed.ignoredColumns })
    for (let at = 0; at < parsed.records.length; at += task.batch) await send({ kind: 'records', spec, records: parsed.records.slice(at, at + task.batch) })
    for (let at = 0; at < parsed.problems.length; at += task.batch) await send({ kind: 'problems', spec, problems: parsed.problems.slice(at, at + task.batch) })
  }
  port.postMessage({ kind: 'done', warnings: reading.warnings, problems: reading.problems } satisfies ReaderMessage)
} catch (error) {
  if (!(error instanceof SheetFileError)) throw error
  port.postMessage({
    kind: 'refused',
    error: error.name,
    message: error.message,
    limit: error instanceof SheetLimitError ? error.limit : null,
    max: error instanceof SheetLimitError ? error.max : null,
    line: error instanceof CsvParseError ? error.line : null
  } satisfies ReaderMessage)
}
