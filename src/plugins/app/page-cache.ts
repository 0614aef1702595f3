import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { type CachedPage, PageCache, type PageCacheSettings } from '../../domain/shared/page-cache.ts'

declare module 'fastify' {
  interface FastifyInstance {
    pageCache: PageCache
  }
}

/** This cache's name in the Cache-Status header. */
const CACHE_NAME = 'peel-register'

/** One cache of list pages for the whole app (domain/shared/page-cache.ts). */
export default fp(
  async function pageCache(app: FastifyInstance, options: { settings: PageCacheSettings }) {
    app.decorate('pageCache', new PageCache(options.settings))
  },
  { name: 'page-cache' }
)

/**
 * Sends a page as JSON with a Cache-Status header (RFC 9211) saying how it was answered: `hit`,
 * or `fwd=miss`/`fwd=stale` (built now; `stored` when kept for next time), or `fwd=bypass` with the
 * cache turned off.
 */
export function sendPage(reply: FastifyReply, page: CachedPage) {
  const status = page.outcome === 'hit' ? 'hit' : `fwd=${page.outcome}${page.stored ? '; stored' : ''}`
  return reply.type('application/json; charset=utf-8').header('cache-status', `${CACHE_NAME}; ${status}`).send(page.body)
}
