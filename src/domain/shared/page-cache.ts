import type { Executor } from '../../db/database.ts'
import { changedSince } from '../events/events.repository.ts'

export interface PageCacheSettings {
  /** Bytes of response bodies kept at most, over all pages; 0 turns the cache off. */
  maxBytes: number
  /**
   * How long a page is kept at most however unchanged its register looks: the bound on how long a
   * change made outside the service (SQL by hand, a restore under a running instance) can go unseen.
   */
  maxAgeMs: number
}

export const DEFAULT_PAGE_CACHE: PageCacheSettings = { maxBytes: 32 * 1024 * 1024, maxAgeMs: 60_000 }

/** How a request was answered, in the terms of the Cache-Status header (RFC 9211). */
export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'bypass'

export interface CachedPage {
  body: Buffer
  outcome: CacheOutcome
  /** Whether the page built for this request was kept for the next. */
  stored: boolean
}

/** A page as its builder gives it. */
export interface BuiltPage {
  body: string
  /** The snapshot the page's statement read under; null when it could not say (no rows). */
  snapshot: string | null
}

interface Entry {
  body: Buffer
  /** The snapshot the page was read under, or one taken before: everything the page shows, it saw. */
  snapshot: string
  storedAt: number
}

/**
 * Response bodies of read-only pages, each kept with the database snapshot it was read under and
 * given again only while no change to its force's register has committed that the snapshot did not
 * see (events.repository.ts, changedSince). Every hit asks the database that one question, so
 * instances sharing a database never serve one another's stale pages, and a client that has just
 * written reads its own change on any instance. What a hit saves is the page's statement and the
 * building of its JSON. Least recently used pages go first once the bytes exceed the limit.
 */
export class PageCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  constructor(
    private readonly settings: PageCacheSettings,
    private readonly clock: () => number = () => performance.now()
  ) {}

  /**
   * The page `key` names, of `force`'s register (null: a page across forces), from the cache when
   * it is still what `build` would give, otherwise from `build`, then kept. `build` reports the
   * snapshot its statement read under (`pg_current_snapshot()` selected beside the rows), which
   * it cannot for a page with no rows: such a page is kept only when a check has just been made,
   * under the check's snapshot, which was taken before the page's statement and so saw no more.
   */
  async page(db: Executor, force: string | null, key: string, build: () => Promise<BuiltPage>): Promise<CachedPage> {
    if (this.settings.maxBytes === 0) return { body: Buffer.from((await build()).body), outcome: 'bypass', stored: false }

    const entry = this.entries.get(key)
    let checked: string | null = null
    let outcome: 'miss' | 'stale' = entry === undefined ? 'miss' : 'stale'
    if (entry !== undefined && this.clock() - entry.storedAt < this.settings.maxAgeMs) {
      const check = await changedSince(db, force, entry.snapshot)
      if (!check.changed) {
        // Most recently used last, so that eviction takes from the front.
        this.entries.delete(key)
        this.entries.set(key, entry)
        return { body: entry.body, outcome: 'hit', stored: false }
      }
      checked = check.now
      outcome = 'stale'
    }

    const built = await build()
    const body = Buffer.from(built.body)
    const snapshot = built.snapshot ?? checked
    if (snapshot === null) {
      this.remove(key)
      return { body, outcome, stored: false }
    }
    return { body, outcome, stored: this.store(key, { body, snapshot, storedAt: this.clock() }) }
  }

  /** Bytes of response bodies held now. */
  get size(): number {
    return this.bytes
  }

  private store(key: string, entry: Entry): boolean {
    this.remove(key)
    // One page may not crowd out all the others.
    if (entry.body.length > this.settings.maxBytes / 8) return false
    this.entries.set(key, entry)
    this.bytes += entry.body.length
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.settings.maxBytes) break
      this.remove(oldest)
    }
    return true
  }

  private remove(key: string) {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.entries.delete(key)
    this.bytes -= entry.body.length
  }
}

/**
 * A key for a page's query that does not depend on the order of the query string's parameters;
 * a repeated parameter keeps its values' order.
 */
export function pageKey(query: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(query)
      .filter((name) => query[name] !== undefined)
      .sort()
      .map((name) => [name, query[name]])
  )
}
