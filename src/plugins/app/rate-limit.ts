import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type LimitState, RateLimiter, type RateLimitSettings } from '../../domain/rate-limits/rate-limiter.ts'
import { tooManyRequests } from '../../problems.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: requests to this route are not counted (health checks, the docs). */
    rateLimited?: boolean
  }
  interface FastifyInstance {
    /**
     * Counts a request against the limits that apply to it, sets the RateLimit headers and throws
     * a 429 problem when it is over one. The auth plugin calls it for /v1 routes once it knows the key.
     */
    countRequest(request: FastifyRequest, reply: FastifyReply, outcome?: { keyId?: string; authFailed?: boolean }): Promise<void>
  }
}

/** Probes, the docs and the contract: cheap, keyless, and needed most when something is wrong. */
const UNCOUNTED = ['/health', '/docs', '/openapi.json']

const WINDOW_WORDS: Record<number, string> = { 60: 'a minute', 900: '15 minutes' }

function refusal(limit: LimitState): string {
  const window = WINDOW_WORDS[limit.windowSeconds] ?? `${limit.windowSeconds} seconds`
  const retry = `Retry after ${limit.resetSeconds} s.`
  switch (limit.kind) {
    case 'key':
      return `This API key made more than ${limit.limit} requests in ${window}. ${retry}`
    case 'address':
      return `More than ${limit.limit} requests came from your address in ${window}. ${retry}`
    case 'authFailures':
      return `Too many failed authentications from your address: more than ${limit.limit} in ${window}. ${retry}`
  }
}

/**
 * Rate limits per API key and per client address, counted in PostgreSQL so that every instance
 * agrees. Responses carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (the fields of
 * draft-ietf-httpapi-ratelimit-headers, as most clients read them) for the limit closest to being
 * used up; a refusal is a 429 problem with Retry-After.
 */
export default fp(
  async function rateLimit(app: FastifyInstance, options: { settings: RateLimitSettings }) {
    const limiter = new RateLimiter(app.db, options.settings)

    app.addHook('onRoute', (route: RouteOptions) => {
      if (UNCOUNTED.some((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`))) {
        route.config = { ...route.config, rateLimited: false }
      }
    })

    app.decorate('countRequest', async function countRequest(request: FastifyRequest, reply: FastifyReply, outcome = {}) {
      if (!limiter.enabled) return
      const verdict = await limiter.count({ address: request.ip, ...outcome })
      if (!verdict) return
      const { tightest, exceeded } = verdict
      const headers = {
        'ratelimit-limit': String(tightest.limit),
        'ratelimit-remaining': String(tightest.remaining),
        'ratelimit-reset': String(tightest.resetSeconds)
      }
      if (exceeded) {
        request.log.debug({ limit: exceeded.kind, address: request.ip, keyId: outcome.keyId }, 'rate limit exceeded')
        throw tooManyRequests(refusal(exceeded), { ...headers, 'retry-after': String(exceeded.resetSeconds) })
      }
      reply.headers(headers)
    })

    // Routes without a key to check (a 404, a refused preflight) count against the address here;
    // /v1 routes are counted by the auth plugin, which knows the key.
    app.addHook('onRequest', async (request, reply) => {
      const config = request.routeOptions.config
      if (config.rateLimited === false || config.allow) return
      await app.countRequest(request, reply)
    })
  },
  { name: 'rate-limit', dependencies: ['db'] }
)
