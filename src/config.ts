import { isIP } from 'node:net'
import path from 'node:path'
import { adminKeyWeakness } from './domain/api-keys/key-strength.ts'
import { MAX_LENGTH, MAX_URL_LIMIT_BYTES, RATE_LIMIT_MAX } from './schemas/limits.ts'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface Config {
  /** node-postgres connection string; null selects the embedded database. */
  databaseUrl: string | null
  /**
   * The owner's connection string (migrations, reference data, grants), when it is not the service's:
   * then the service's own role (databaseUrl's) is granted only what it needs. Null: one connection does both.
   */
  databaseMigrationUrl: string | null
  /**
   * With one connection (databaseUrl alone, or the embedded database): the role, without login, that the
   * owner creates and grants what the service needs, and that the service's sessions SET ROLE to.
   */
  databaseServiceRole: string
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
  /** true: every proxy (X-Forwarded-For as sent); a list: only these proxy addresses or CIDR ranges. */
  trustProxy: boolean | string[]
  /** How often committed audit entries are sealed into the hash chain, in ms; 0: never (another instance seals). */
  auditSealMs: number
  /** Whether this instance runs the webhook delivery worker. */
  webhooksEnabled: boolean
  webhookPollMs: number
  webhookTimeoutMs: number
  /** The wait before each retry of a failed delivery, in ms; a delivery gets one attempt more than this has entries. */
  webhookRetrySchedule: number[]
  /** Whether webhooks may reach loopback and private addresses (a force's own network). */
  webhookAllowPrivateNetworks: boolean
  /** Requests per minute one API key may make; 0 turns the limit off. */
  rateLimitPerKey: number
  /** Requests per minute from one client address, with a key or without; 0 turns the limit off. */
  rateLimitPerAddress: number
  /** Failed authentications from one client address per 15 minutes before it gets 429; 0 turns the limit off. */
  authFailureLimit: number
  /** Origins (scheme://host[:port]) whose browser pages may call the API; empty: CORS is off. */
  corsOrigins: string[]
  /** The longest request target (path and query string) accepted, in bytes. */
  urlLimitBytes: number
  /** Memory for the cache of list pages, in MiB; 0 turns it off. */
  pageCacheMb: number
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

  const databaseUrl = read.optional('DATABASE_URL', parsePostgresUrl)
  const databaseMigrationUrl = read.optional('DATABASE_MIGRATION_URL', (value) => {
    const url = parsePostgresUrl(value)
    if (env.DATABASE_URL === undefined || env.DATABASE_URL.trim() === '') throw new Error('needs DATABASE_URL too: it is the owner\'s connection beside the service\'s')
    return url
  })

  const config: Config = {
    databaseUrl,
    databaseMigrationUrl,
    databaseServiceRole: read.string('DATABASE_SERVICE_ROLE', DEFAULT_SERVICE_ROLE),
    dataDir: path.resolve(cwd, read.string('DATA_DIR', './data')),
    host: read.string('HOST', '127.0.0.1'),
    port: read.integer('PORT', 3000, 0, 65535),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    adminApiKey: read.optional('ADMIN_API_KEY', (value) => {
      const weakness = adminKeyWeakness(value)
      if (weakness !== null) throw new Error(weakness)
      return value
    }),
    databasePoolMax: read.integer('DATABASE_POOL_MAX', 10, 1, 200),
    databaseConnectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    databaseStatementTimeoutMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    requestTimeoutMs: read.integer('REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    trustProxy: read.optional('TRUST_PROXY', parseTrustProxy) ?? false,
    auditSealMs: read.integer('AUDIT_SEAL_MS', 1000, 0, 3_600_000),
    webhooksEnabled: read.boolean('WEBHOOKS_ENABLED', true),
    webhookPollMs: read.integer('WEBHOOK_POLL_MS', 1000, 10, 60_000),
    webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookRetrySchedule: read.optional('WEBHOOK_RETRY_SCHEDULE', parseSchedule) ?? parseSchedule(DEFAULT_RETRY_SCHEDULE),
    webhookAllowPrivateNetworks: read.boolean('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    rateLimitPerKey: read.integer('RATE_LIMIT_PER_KEY', 1200, 0, RATE_LIMIT_MAX),
    rateLimitPerAddress: read.integer('RATE_LIMIT_PER_ADDRESS', 3000, 0, RATE_LIMIT_MAX),
    authFailureLimit: read.integer('AUTH_FAILURE_LIMIT', 20, 0, RATE_LIMIT_MAX),
    corsOrigins: read.optional('CORS_ORIGINS', parseOrigins) ?? [],
    urlLimitBytes: read.integer('URL_LIMIT_BYTES', 4096, 256, MAX_URL_LIMIT_BYTES),
    pageCacheMb: read.integer('PAGE_CACHE_MB', 32, 0, 1024)
  }

  if (!ROLE_NAME.test(config.databaseServiceRole)) {
    problems.push(`DATABASE_SERVICE_ROLE must be a role name of lower-case letters, digits and _ (at most 63, not starting with a digit or pg_), got "${config.databaseServiceRole}"`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

export const DEFAULT_SERVICE_ROLE = 'peel_register_service'

/** A name that needs no quoting, and not one of PostgreSQL's own (pg_...). */
const ROLE_NAME = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/

function parsePostgresUrl(value: string): string {
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
}

/** Retries spread over about a day and a half, as Standard Webhooks senders commonly do. */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** "5s,5m,2h": the waits before each retry. */
function parseSchedule(value: string): number[] {
  const waits = value.split(',').map((part) => {
    const match = /^(\d+)(ms|s|m|h)$/.exec(part.trim())
    if (!match) throw new Error(`must be a comma-separated list of durations such as 5s,5m,2h, got "${part.trim()}"`)
    return Number(match[1]) * (UNIT_MS[match[2]!] ?? 1)
  })
  if (waits.length > 20) throw new Error('must have at most 20 retries')
  return waits
}

/**
 * true or false, or the addresses of the proxies in front (CIDR ranges allowed): with those, the
 * client's address is the last one in X-Forwarded-For that is not a proxy's, which a client cannot
 * forge; with true it is the first, whatever the client wrote there.
 */
function parseTrustProxy(value: string): boolean | string[] {
  if (/^(true|1|yes)$/i.test(value)) return true
  if (/^(false|0|no)$/i.test(value)) return false
  return value.split(',').map((part) => {
    const entry = part.trim()
    const [address = '', bits, ...rest] = entry.split('/')
    const version = isIP(address)
    const maxBits = version === 6 ? 128 : 32
    if (version === 0 || rest.length > 0 || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`must be true, false or a comma-separated list of proxy addresses or ranges such as 10.0.0.0/8, got "${entry}"`)
    }
    return entry
  })
}

/** "https://a.example,https://b.example:8443": exact origins, as a browser sends them in Origin. */
function parseOrigins(value: string): string[] {
  return value.split(',').map((part) => {
    const origin = part.trim()
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new Error(`must be a comma-separated list of origins such as https://dashboard.example.police.uk, got "${origin}"`)
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin || origin.includes('*')) {
      throw new Error(`must list origins only (scheme://host[:port], no path, no trailing slash, no wildcard), got "${origin}"`)
    }
    if (origin.length > MAX_LENGTH.origin) throw new Error(`must list origins of at most ${MAX_LENGTH.origin} characters, got one of ${origin.length}`)
    return origin
  })
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
