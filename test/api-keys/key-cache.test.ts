import t from 'tap'
import { KEY_CACHE_MS, cachedPrincipal, forgetPrincipals, rememberPrincipal } from '../../src/domain/api-keys/key-cache.ts'

const principal = { keyId: 'k1', name: 'dashboard', role: 'viewer' as const, force: 'kent' }

t.test('a remembered key is served until it expires', async (t) => {
  const db = {}
  rememberPrincipal(db, 'hash-1', principal, 1_000)
  t.same(cachedPrincipal(db, 'hash-1', 1_000 + KEY_CACHE_MS - 1), principal)
  t.equal(cachedPrincipal(db, 'hash-1', 1_000 + KEY_CACHE_MS), undefined, 'expired: asked of the database again')
  t.equal(cachedPrincipal(db, 'hash-1', 1_000), undefined, 'and dropped')
})

t.test('each database has its own cache, and forgetting clears it', async (t) => {
  const one = {}
  const two = {}
  rememberPrincipal(one, 'hash-1', principal)
  t.equal(cachedPrincipal(two, 'hash-1'), undefined)
  forgetPrincipals(one)
  t.equal(cachedPrincipal(one, 'hash-1'), undefined)
})

t.test('it holds a bounded number of keys, dropping the oldest', async (t) => {
  const db = {}
  for (let i = 0; i <= 1_000; i++) rememberPrincipal(db, `hash-${i}`, { ...principal, keyId: `k${i}` })
  t.equal(cachedPrincipal(db, 'hash-0'), undefined, 'the first is gone')
  t.equal(cachedPrincipal(db, 'hash-1000')?.keyId, 'k1000')
  t.equal(cachedPrincipal(db, 'hash-1')?.keyId, 'k1')
})
