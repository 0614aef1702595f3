import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CliError, EXIT } from './errors.ts'

export type Chunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>

/** The reader of stdout went away (`| head`): the command stops, quietly. */
export class OutputClosedError extends CliError {
  constructor() {
    super(EXIT.failed, 'output closed')
    this.name = 'OutputClosedError'
  }
}

/** Writes to stdout a chunk at a time, waiting for each, so a large export holds one chunk in memory. */
export async function writeToStream(stream: NodeJS.WritableStream, chunks: Chunks): Promise<void> {
  for await (const chunk of chunks) {
    await new Promise<void>((resolve, reject) => {
      stream.write(chunk, (error) => {
        if (!error) return resolve()
        reject((error as NodeJS.ErrnoException).code === 'EPIPE' ? new OutputClosedError() : error)
      })
    })
  }
}

/**
 * Writes a file under a temporary name first and renames it into place, so `file` is either the
 * whole output or as it was. A file that cannot be written is EX_CANTCREAT.
 */
export async function writeToFile(file: string, chunks: Chunks): Promise<number> {
  const partial = `${file}.partial-${process.pid}-${randomBytes(4).toString('hex')}`
  let bytes = 0
  const counted = async function* () {
    for await (const chunk of chunks) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
      yield chunk
    }
  }
  try {
    await mkdir(path.dirname(file), { recursive: true })
    await pipeline(Readable.from(counted()), createWriteStream(partial, { flags: 'wx' }))
    await rename(partial, file)
  } catch (error) {
    await rm(partial, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    if (code !== undefined && ['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EROFS', 'ENOSPC', 'EEXIST'].includes(code)) {
      throw new CliError(EXIT.cantCreate, `cannot write ${file}: ${(error as Error).message}`)
    }
    throw error
  }
  return bytes
}

/** Columns padded to their widest cell; the last one left ragged. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('')
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}
