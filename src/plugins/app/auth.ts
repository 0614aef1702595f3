import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type Principal, type Role, ROLES } from '../../domain/access/roles.ts'
import type { Actor } from '../../domain/audit/audit.repository.ts'
import { checkKey, loggablePrefix } from '../../domain/api-keys/api-keys.service.ts'
import { forbidden, unauthorized } from '../../problems.ts'
import { problem } from '../../schemas/common.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles that may call this route. Every /v1 route must say. */
    allow?: readonly Role[]
  }
  interface FastifyRequest {
    /** The caller behind the API key; set on every /v1 route before the handler runs. */
    principal: Principal
  }
}

const PROTECTED_PREFIX = '/v1/'
const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The problems any protected operation can answer with, declared once for the contract. */
const COMMON_PROBLEMS = {
  400: 'The request is malformed or fails validation; `errors` names each field.',
  401: 'No API key, or one that is unknown, revoked or expired.',
  403: "The key's role may not do this, or the key belongs to another force.",
  429: 'Too many requests from this key or address, or too many failed authentications from this address; retry after Retry-After seconds.',
  500: 'A fault of ours; quote the requestId.',
  503: 'The database is unreachable; retry after the Retry-After delay.'
} as const

export function actorOf(request: FastifyRequest): Actor {
  return { keyId: request.principal.keyId, requestId: String(request.id) }
}

function describeRoles(allow: readonly Role[]): string {
  return allow.length === ROLES.length ? 'Any API key.' : `Roles: ${allow.join(', ')}.`
}

/**
 * Authentication for every /v1 route, and the role check each route declares in `config.allow`.
 * Runs on onRequest, before the body is read: an unauthenticated caller costs us no parsing.
 * Each request is then counted against the rate limits: its key's and its address's, or, when
 * the key is refused, its address's failed authentications. A refusal is logged with the key's
 * display prefix at most, never the key.
 */
export default fp(
  async function auth(app: FastifyInstance) {
    app.decorateRequest('principal', null as unknown as Principal)

    app.addHook('onRoute', (route: RouteOptions) => {
      if (!route.url.startsWith(PROTECTED_PREFIX)) return
      const allow = route.config?.allow
      if (!allow || allow.length === 0) {
        throw new Error(`Route ${route.method} ${route.url} must declare config.allow (the roles that may call it).`)
      }
      const schema = (route.schema ??= {}) as Record<string, unknown>
      if (schema['x-roles']) return // the HEAD twin of a GET shares its schema
      schema.security = [{ bearerAuth: [] }]
      schema['x-roles'] = [...allow]
      const lead = typeof schema.description === 'string' ? `${schema.description}\n\n` : ''
      schema.description = `${lead}${describeRoles(allow)}`
      const responses = (schema.response ??= {}) as Record<string, unknown>
      for (const [status, description] of Object.entries(COMMON_PROBLEMS)) {
        responses[status] ??= problem(description)
      }
    })

    app.addHook('onRequest', async (request, reply) => {
      const allow = request.routeOptions.config.allow
      if (!allow) return
      const header = request.headers.authorization
      if (header === undefined) {
        await app.countRequest(request, reply)
        throw unauthorized('Send an API key as Authorization: Bearer <key>.')
      }
      const secret = BEARER.exec(header)?.[1]
      if (!secret) {
        request.log.warn({ reason: 'malformed', address: request.ip }, 'authentication failed')
        await app.countRequest(request, reply, { authFailed: true })
        throw unauthorized('The Authorization header must be Bearer <key>.')
      }
      const check = await checkKey(app.db, secret)
      if (!check.ok) {
        request.log.warn({ reason: check.reason, keyPrefix: loggablePrefix(secret), address: request.ip }, 'authentication failed')
        await app.countRequest(request, reply, { authFailed: true })
        throw unauthorized(
          check.reason === 'expired'
            ? `The API key expired at ${check.expiredAt.toISOString()}. Ask an admin to rotate it or for a new one.`
            : 'The API key is unknown or has been revoked.'
        )
      }
      const principal = check.principal
      request.principal = principal
      await app.countRequest(request, reply, { keyId: principal.keyId })
      if (!allow.includes(principal.role)) {
        throw forbidden(`A ${principal.role} key may not do this. ${describeRoles(allow)}`)
      }
    })
  },
  { name: 'auth', dependencies: ['db', 'rate-limit'] }
)
