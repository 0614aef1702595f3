import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type Principal, type Role, ROLES } from '../../domain/access/roles.ts'
import type { Actor } from '../../domain/audit/audit.repository.ts'
import { authenticate } from '../../domain/api-keys/api-keys.service.ts'
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
  401: 'No API key, or one that is unknown or revoked.',
  403: "The key's role may not do this, or the key belongs to another force.",
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

    app.addHook('onRequest', async (request) => {
      const allow = request.routeOptions.config.allow
      if (!allow) return
      const header = request.headers.authorization
      if (header === undefined) throw unauthorized('Send an API key as Authorization: Bearer <key>.')
      const match = BEARER.exec(header)
      if (!match?.[1]) throw unauthorized('The Authorization header must be Bearer <key>.')
      const principal = await authenticate(app.db, match[1])
      if (!principal) throw unauthorized('The API key is unknown or has been revoked.')
      request.principal = principal
      if (!allow.includes(principal.role)) {
        throw forbidden(`A ${principal.role} key may not do this. ${describeRoles(allow)}`)
      }
    })
  },
  { name: 'auth', dependencies: ['db'] }
)
