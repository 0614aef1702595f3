import path from 'node:path'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface Config {
  /** node-postgres connection string; null selects the embedded database. */
  databaseUrl: string | null
  /** Folder of the embedded database. Unused when databaseUrl is set. */
  dataDir: string
  host: string
  port: number
  logLevel: LogLevel
  /** Secret of the first admin key, adopted on first start when no key exists yet. */
  adminApiKey: string | null
  databasePoolMax: number
  databaseConnectTimeoutMs: number
  databaseStatementTimeoutMs: number
  requestTimeoutMs: number
  bodyLimitBytes: number
  trustProxy: boolean
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

/**
 * Reads and checks every variable, then reports all problems at once so that an operator fixes
 * the environment in one go rather than one restart per mistake.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = []
  const read = new Reader(env, problems)

  const databaseUrl = read.optional('DATABASE_URL', (value) => {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new Error('must be a URL such as postgres://user:password@host:5432/database')
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new Error('must start with postgres:// or postgresql://')
    }
    return value
  })

  const config: Config = {
    databaseUrl,
    dataDir: path.resolve(cwd, read.string('DATA_DIR', './data')),
    host: read.string('HOST', '127.0.0.1'),
    port: read.integer('PORT', 3000, 0, 65535),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    adminApiKey: read.optional('ADMIN_API_KEY', (value) => {
      if (value.length < 32) throw new Error('must be at least 32 characters long')
      if (!/^[\x21-\x7e]+$/.test(value)) throw new Error('must be printable ASCII without spaces')
      return value
    }),
    databasePoolMax: read.integer('DATABASE_POOL_MAX', 10, 1, 200),
    databaseConnectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    databaseStatementTimeoutMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    requestTimeoutMs: read.integer('REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    trustProxy: read.boolean('TRUST_PROXY', false)
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[]
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }

  optional<T>(name: string, parse: (value: string) => T): T | null {
    const value = this.raw(name)
    if (value === undefined) return null
    try {
      return parse(value)
    } catch (error) {
      this.problems.push(`${name} ${(error as Error).message}`)
      return null
    }
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const parsed = this.optional(name, (value) => {
      if (!/^\d+$/.test(value)) throw new Error(`must be a whole number, got "${value}"`)
      const n = Number(value)
      if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`)
      return n
    })
    return parsed ?? fallback
  }

  boolean(name: string, fallback: boolean): boolean {
    const parsed = this.optional(name, (value) => {
      if (/^(true|1|yes)$/i.test(value)) return true
      if (/^(false|0|no)$/i.test(value)) return false
      throw new Error(`must be true or false, got "${value}"`)
    })
    return parsed ?? fallback
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const parsed = this.optional(name, (value) => {
      if (!(allowed as readonly string[]).includes(value)) {
        throw new Error(`must be one of ${allowed.join(', ')}, got "${value}"`)
      }
      return value as T
    })
    return parsed ?? fallback
  }
}
