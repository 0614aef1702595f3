/** What the progress display writes to: stderr, or a stand-in in a test. */
export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

/** Below this many findings an import is quick: no progress is shown at all. */
export const LONG_IMPORT_FINDINGS = 1000

export interface ProgressDisplay {
  /** An import's `onProgress(done, total)`. */
  update(done: number, total: number): void
  /** After the import, finished or failed: leaves the terminal on a clean line. */
  finish(): void
}

const BAR_MIN = 10
const BAR_MAX = 40

/**
 * Progress of a long import on stderr: a bar redrawn in place on a terminal, or a plain line per
 * step when stderr is a file or a pipe (a log keeps every line, so nothing is redrawn there).
 */
export function progressDisplay(stream: ProgressStream, label: string, minimum = LONG_IMPORT_FINDINGS): ProgressDisplay {
  let active: boolean | null = null
  let drawn = false
  let complete = false

  const barLine = (done: number, total: number) => {
    const counts = `${String(done).padStart(String(total).length)}/${total} findings ${String(Math.floor((100 * done) / total)).padStart(3)}%`
    // label, space, brackets, space, counts, and a column spare: a full line would wrap on some terminals.
    const room = (stream.columns || 80) - label.length - counts.length - 5
    const width = Math.max(BAR_MIN, Math.min(BAR_MAX, room))
    const filled = Math.round((width * done) / total)
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts}`
  }

  return {
    update(done, total) {
      active ??= total >= minimum
      if (!active) return
      complete = done >= total
      if (stream.isTTY) {
        // \r back to the start of the line, \x1b[K clears what a longer line left behind.
        stream.write(`\r${barLine(done, total)}\x1b[K`)
        drawn = true
      } else if (done === 0) {
        stream.write(`${label}: ${total} findings to write\n`)
      } else {
        stream.write(`${label}: ${done}/${total} findings written (${Math.floor((100 * done) / total)}%)\n`)
      }
    },
    finish() {
      if (!drawn) return
      // A finished bar stays on screen; one cut short by a problem gives way to the problems.
      stream.write(complete ? '\n' : '\r\x1b[K')
      drawn = false
    }
  }
}
