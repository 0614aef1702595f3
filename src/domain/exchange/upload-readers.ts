import { Worker, type WorkerOptions } from 'node:worker_threads'
import type { UploadReading, UploadedFile } from './read-upload.ts'
import { CsvParseError, type SheetLimit, SheetFileError, SheetLimitError, WorkbookReadError } from './sheets/errors.ts'
import type { ParsedSheet, SheetProblem } from './sheets/layout.ts'
import { DEFAULT_LIMITS, type SheetLimits } from './sheets/table.ts'

/**
 * Uploads are read in worker threads, never on the service's event loop: a worker has its own heap,
 * capped, and a deadline, so a file built to exhaust memory or time ends that worker alone, with a
 * refusal naming the limit, while every other request goes on being answered.
 */
export const UPLOAD_READERS = {
  /** Workers reading at once, in the whole process: each may take `heapMb` beside the service's own heap. */
  concurrent: 2,
  /** Uploads waiting for a worker; beyond that the service is busy (503). */
  queued: 4,
  heapMb: 256,
  deadlineMs: 30_000,
  /** Rows (or problems) handed back per message. */
  batch: 2_000,
  /** What Retry-After says when every worker is taken. */
  retryAfterSeconds: 10
} as const

export interface ReaderTask {
  files: Array<{ field: string; filename: string; data: Uint8Array }>
  limits: SheetLimits
  batch: number
}

export type ReaderMessage =
  | { kind: 'sheet'; spec: string; sheet: string; headers: Record<string, string>; ignoredColumns: string[] }
  | { kind: 'records'; spec: string; records: ParsedSheet['records'] }
  | { kind: 'problems'; spec: string; problems: SheetProblem[] }
  | { kind: 'done'; warnings: string[]; problems: string[] }
  | { kind: 'refused'; error: string; message: string; limit: SheetLimit | null; max: number | null; line: number | null }

/** Every worker is taken and the queue is full (`scope` service), or the owner already has an upload being read (`scope` owner). */
export class ReadersBusy extends Error {
  override name = 'ReadersBusy'
  constructor(
    readonly scope: 'owner' | 'service',
    readonly retryAfterSeconds: number
  ) {
    super(scope === 'owner' ? 'An upload of yours is being read already.' : 'Every upload reader is busy.')
  }
}

/**
 * In the bundle that `npm start` runs, every module's URL is the bundle's, and the worker is built
 * beside it (scripts/bundle.js). Under tsx (tests, `npm run dev`) the worker is this folder's
 * TypeScript; Node 20 does not run a parent's `--import tsx` in a worker, so a two-line bootstrap
 * registers tsx there before loading it.
 */
const fromSource = import.meta.url.endsWith('.ts')
const WORKER_URL = new URL(fromSource ? './upload-worker.ts' : './upload-worker.js', import.meta.url)
const worker = (options: WorkerOptions): Worker =>
  fromSource
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}) })`, { ...options, eval: true })
    : new Worker(WORKER_URL, options)

export interface ReaderOptions {
  limits?: Partial<SheetLimits>
  deadlineMs?: number
  heapMb?: number
}

let running = 0
const waiting: Array<() => void> = []
const owners = new Set<string>()

/** Runs `work` once a worker slot is free, or refuses at once when too many wait. */
async function inSlot<T>(owner: string, work: () => Promise<T>): Promise<T> {
  if (owners.has(owner)) throw new ReadersBusy('owner', UPLOAD_READERS.retryAfterSeconds)
  if (running >= UPLOAD_READERS.concurrent && waiting.length >= UPLOAD_READERS.queued) throw new ReadersBusy('service', UPLOAD_READERS.retryAfterSeconds)
  owners.add(owner)
  try {
    if (running >= UPLOAD_READERS.concurrent) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    try {
      return await work()
    } finally {
      running--
      waiting.shift()?.()
    }
  } finally {
    owners.delete(owner)
  }
}

function refusal(message: Extract<ReaderMessage, { kind: 'refused' }>): SheetFileError {
  if (message.limit !== null) return new SheetLimitError(message.message, message.limit, message.max ?? 0)
  if (message.error === 'CsvParseError') return new CsvParseError(message.message, message.line)
  if (message.error === 'WorkbookReadError') return new WorkbookReadError(message.message)
  return new SheetFileError(message.message)
}

/** One worker, one upload: its result taken a batch at a time, or the refusal it ends in. */
function readInWorker(files: UploadedFile[], options: ReaderOptions): Promise<UploadReading> {
  const deadlineMs = options.deadlineMs ?? UPLOAD_READERS.deadlineMs
  const heapMb = options.heapMb ?? UPLOAD_READERS.heapMb
  const task: ReaderTask = { files, limits: { ...DEFAULT_LIMITS, ...options.limits }, batch: UPLOAD_READERS.batch }
  return new Promise<UploadReading>((resolve, reject) => {
    const reader = worker({
      workerData: task,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(32, Math.ceil(heapMb / 8)), stackSizeMb: 4 },
      stdout: false,
      stderr: false
    })
    const sheets = new Map<string, ParsedSheet>()
    let outcome: { reading: UploadReading } | { error: Error } | null = null
    const finish = (result: { reading: UploadReading } | { error: Error }) => {
      outcome ??= result
      clearTimeout(timer)
      void reader.terminate()
    }
    const timer = setTimeout(() => {
      const seconds = Math.round(deadlineMs / 1000)
      finish({ error: new SheetLimitError(`Reading the file took longer than the ${seconds} s allowed; split it or remove what is not needed.`, 'maxParseTime', deadlineMs) })
    }, deadlineMs)
    reader.on('message', (message: ReaderMessage) => {
      if (outcome) return
      switch (message.kind) {
        case 'sheet':
          sheets.set(message.spec, { sheet: message.sheet, headers: message.headers, ignoredColumns: message.ignoredColumns, records: [], problems: [] })
          break
        case 'records':
          sheets.get(message.spec)!.records.push(...message.records)
          break
        case 'problems':
          sheets.get(message.spec)!.problems.push(...message.problems)
          break
        case 'done':
          finish({ reading: { sheets: [...sheets].map(([spec, parsed]) => ({ spec, parsed })), warnings: message.warnings, problems: message.problems } })
          return
        case 'refused':
          finish({ error: refusal(message) })
          return
      }
      // The next batch only once this one is in and other requests have had their turn.
      setImmediate(() => reader.postMessage('next'))
    })
    reader.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        finish({ error: new SheetLimitError(`Reading the file needs more than the ${heapMb} MB of memory a file may take; split it or remove what is not needed.`, 'maxParseMemory', heapMb) })
      } else {
        finish({ error })
      }
    })
    reader.on('exit', () => {
      clearTimeout(timer)
      const result = outcome ?? { error: new Error('the upload reader stopped without an answer') }
      if ('reading' in result) resolve(result.reading)
      else reject(result.error)
    })
  })
}

/**
 * Reads an upload in a worker, at most UPLOAD_READERS.concurrent at once and one at a time per
 * `owner` (a force, so one force cannot take every worker). Throws ReadersBusy when it cannot wait,
 * a SheetFileError when the file is refused.
 */
export function readUploadInWorker(files: UploadedFile[], owner: string, options: ReaderOptions = {}): Promise<UploadReading> {
  return inSlot(owner, () => readInWorker(files, options))
}
