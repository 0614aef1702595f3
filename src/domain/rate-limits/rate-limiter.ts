import { isIPv6 } from 'node:net'
import type { Db } from '../../db/database.ts'
import { type Counted, type Hit, countHits } from './rate-limits.repository.ts'

export interface RateLimitSettings {
  /** Requests per minute one API key may make; 0: no limit. */
  perKey: number
  /** Requests per minute from one client address; 0: no limit. */
  perAddress: number
  /** Failed authentications from one client address per 15 minutes; 0: no limit. */
  authFailures: number
}

export const NO_RATE_LIMITS: RateLimitSettings = { perKey: 0, perAddress: 0, authFailures: 0 }

export const WINDOW_SECONDS = { key: 60, address: 60, authFailures: 900 } as const

/** How often an instance has its counting statement also delete ended windows. */
const PURGE_EVERY_MS = 60_000

export type LimitKind = keyof typeof WINDOW_SECONDS

/** Who a request counts against: always its address; its key once authenticated; a failed authentication besides. */
export interface Subject {
  address: string
  keyId?: string
  authFailed?: boolean
}

export interface LimitState {
  kind: LimitKind
  limit: number
  windowSeconds: number
  remaining: number
  resetSeconds: number
}

export interface Verdict {
  /** The limit closest to being used up: the one the RateLimit headers describe. */
  tightest: LimitState
  /** The limit this request went over, if any: the request is refused with 429. */
  exceeded: LimitState | null
}

/**
 * Fixed-window counters in PostgreSQL, so that every instance of the service counts against the
 * same numbers. One statement per request, whatever number of limits apply.
 */
export class RateLimiter {
  #lastPurge = 0

  constructor(
    private readonly db: Db,
    private readonly settings: RateLimitSettings,
    private readonly clock: () => number = Date.now
  ) {}

  get enabled(): boolean {
    return this.settings.perKey > 0 || this.settings.perAddress > 0 || this.settings.authFailures > 0
  }

  /** Counts the request against every limit that applies to it; null when none does. */
  async count(subject: Subject): Promise<Verdict | null> {
    const policies = this.policiesFor(subject)
    if (policies.length === 0) return null
    const now = this.clock()
    const purge = now - this.#lastPurge >= PURGE_EVERY_MS
    if (purge) this.#lastPurge = now
    const counted = new Map<string, Counted>()
    for (const row of await countHits(this.db, policies, purge)) counted.set(row.bucket, row)

    const states = policies.map(({ bucket, kind, limit, windowSeconds }) => {
      const { hits, resetSeconds } = counted.get(bucket) ?? { hits: 1, resetSeconds: windowSeconds }
      return { over: hits > limit, state: { kind, limit, windowSeconds, remaining: Math.max(0, limit - hits), resetSeconds } }
    })
    const exceeded = states.find((s) => s.over)?.state ?? null
    const tightest =
      exceeded ??
      states
        .map((s) => s.state)
        .reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.resetSeconds > a.resetSeconds) ? b : a))
    return { tightest, exceeded }
  }

  private policiesFor(subject: Subject): Array<Hit & { kind: LimitKind; limit: number }> {
    const { perKey, perAddress, authFailures } = this.settings
    const address = addressBucket(subject.address)
    const policies: Array<Hit & { kind: LimitKind; limit: number }> = []
    if (subject.authFailed && authFailures > 0) {
      policies.push({ kind: 'authFailures', bucket: `auth-failures:${address}`, limit: authFailures, windowSeconds: WINDOW_SECONDS.authFailures })
    }
    if (perAddress > 0) policies.push({ kind: 'address', bucket: `address:${address}`, limit: perAddress, windowSeconds: WINDOW_SECONDS.address })
    if (subject.keyId !== undefined && perKey > 0) {
      policies.push({ kind: 'key', bucket: `key:${subject.keyId}`, limit: perKey, windowSeconds: WINDOW_SECONDS.key })
    }
    return policies
  }
}

/**
 * The bucket of a client address. An IPv6 client is counted by its /64: one host usually holds a
 * whole /64 and could otherwise step to a fresh address for each request.
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!isIPv6(address)) return address
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0]!
  const [head = '', tail] = bare.split('::') as [string, string | undefined]
  const groups = (part: string) => (part === '' ? [] : part.split(':'))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  // An embedded IPv4 tail (::ffff:1.2.3.4 is handled above; 64:ff9b::1.2.3.4 here) is two groups.
  const last = right.length > 0 ? right : left
  const v4 = last.at(-1)?.includes('.') ? last.pop()!.split('.').map(Number) : null
  if (v4) last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16))
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16))
}
