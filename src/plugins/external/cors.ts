import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** What a browser page on an allowed origin may send beyond the basics, and read of the response. */
const REQUEST_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-request-id']
const EXPOSED_HEADERS = [
  'cache-status',
  'content-disposition',
  'etag',
  'idempotent-replayed',
  'link',
  'location',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'x-request-id'
]

/**
 * CORS for the origins listed in CORS_ORIGINS, matched exactly; none listed, none registered. A
 * request from any other origin gets no CORS header at all, and its preflight is a 404 like any
 * unknown route. Keys travel in the Authorization header, never in cookies: no credentials mode.
 */
export default fp(
  async function corsAllowList(app: FastifyInstance, options: { origins: readonly string[] }) {
    if (options.origins.length === 0) return
    const allowed = new Set(options.origins)
    await app.register(cors, {
      origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: REQUEST_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600
    })
  },
  { name: 'cors-allow-list' }
)
