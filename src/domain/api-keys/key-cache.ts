import type { Principal } from '../access/roles.ts'

/** How long a key, once found, is taken as valid without asking the database again. */
export const KEY_CACHE_MS = 5_000
const MAX_KEYS = 1_000

interface Entry {
  principal: Principal
  until: number
  /** When the key itself expires (ms), or null: the entry is never served past it. */
  keyExpiresAt: number | null
}

/**
 * Keys recently found active, by hash: a request then costs no look-up of its key, which at
 * national load was one query in two. Only keys that exist are kept (a caller guessing keys
 * cannot fill it), at most MAX_KEYS, each for KEY_CACHE_MS. A revocation clears the cache of the
 * process that made it at once; another instance of the service may accept the revoked key for
 * up to KEY_CACHE_MS more. A key's own expiry is kept with it and never overstayed. One cache per
 * database, so processes holding several (tests) never mix them.
 */
const caches = new WeakMap<object, Map<string, Entry>>()

function cacheOf(db: object): Map<string, Entry> {
  let cache = caches.get(db)
  if (!cache) caches.set(db, (cache = new Map()))
  return cache
}

export function cachedPrincipal(db: object, hash: string, now = Date.now()): Principal | undefined {
  const cache = cacheOf(db)
  const entry = cache.get(hash)
  if (!entry) return undefined
  if (entry.until > now && (entry.keyExpiresAt === null || entry.keyExpiresAt > now)) return entry.principal
  cache.delete(hash)
  return undefined
}

export function rememberPrincipal(db: object, hash: string, principal: Principal, now = Date.now(), keyExpiresAt: Date | null = null): void {
  const cache = cacheOf(db)
  if (cache.size >= MAX_KEYS) {
    // Oldest first: a Map iterates in insertion order.
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  cache.delete(hash)
  cache.set(hash, { principal, until: now + KEY_CACHE_MS, keyExpiresAt: keyExpiresAt?.getTime() ?? null })
}

export function forgetPrincipals(db: object): void {
  caches.get(db)?.clear()
}
