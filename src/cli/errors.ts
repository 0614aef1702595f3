import { ConfigError } from '../config.ts'
import { DataDirLockedError } from '../db/data-dir-lock.ts'
import { HttpProblem } from '../problems.ts'
import { isDatabaseUnavailable } from '../db/errors.ts'

/**
 * Exit codes, from BSD's sysexits.h where one fits, so that a script can tell a mistake in the
 * call from bad data, a database that is not there, and a fault.
 */
export const EXIT = {
  ok: 0,
  /** Anything not listed below; the message says what. */
  failed: 1,
  /** EX_USAGE: unknown command or option, a missing or malformed argument. */
  usage: 64,
  /** EX_DATAERR: the input was refused (import problems, an unknown force or key, a rule of the register). */
  dataError: 65,
  /** EX_NOINPUT: an input file does not exist or cannot be read. */
  noInput: 66,
  /** EX_UNAVAILABLE: the database cannot be reached, is in use by another process, or is not migrated. */
  unavailable: 69,
  /** EX_CANTCREAT: an output file cannot be written. */
  cantCreate: 73,
  /** EX_CONFIG: an environment variable is wrong (as the service exits on start). */
  config: 78
} as const

/** An expected failure: its message is shown as it is, never a stack trace. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** Further lines, shown indented under the message (a list of problems). */
    readonly details: string[] = []
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** A mistake in the call itself: the command's usage line is shown with it. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(EXIT.usage, message)
    this.name = 'UsageError'
  }
}

/** How an error ends the command: its exit code, and what to say about it. */
/** Body fields whose command-line option has another name. */
const OPTION_OF_FIELD: Record<string, string> = { expiresAt: 'expires' }

export function classify(error: unknown): { exitCode: number; message: string; details: string[]; expected: boolean } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message, details: error.details, expected: true }
  if (error instanceof ConfigError) return { exitCode: EXIT.config, message: 'invalid configuration', details: error.problems, expected: true }
  if (error instanceof DataDirLockedError) return { exitCode: EXIT.unavailable, message: error.message, details: [], expected: true }
  // The service's own refusals (no such force, no such key, the last national admin key ...). A
  // field it names is, on the command line, the option of that name (its body name where they differ).
  if (error instanceof HttpProblem && error.status < 500) {
    const fields = (error.extras.errors ?? []) as Array<{ field?: string; message?: string }>
    const field = fields.length === 1 ? fields[0]!.field : undefined
    const message = field ? `--${OPTION_OF_FIELD[field] ?? field} ${fields[0]!.message}` : error.detail
    return { exitCode: EXIT.dataError, message, details: [], expected: true }
  }
  const e = (error instanceof Error ? error : new Error(String(error))) as Error & { code?: string }
  if (isDatabaseUnavailable(e)) {
    return { exitCode: EXIT.unavailable, message: `the database cannot be reached: ${e.message || e.code}`, details: [], expected: true }
  }
  return { exitCode: EXIT.failed, message: e.message || String(e.code ?? e.name), details: [], expected: false }
}
