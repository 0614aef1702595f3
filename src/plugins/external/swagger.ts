import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { WINDOW_SECONDS } from '../../domain/rate-limits/rate-limiter.ts'
import { BODY_OPTIONAL } from '../../schemas/http.ts'
import { MAX_LENGTH, RATE_LIMIT_MAX } from '../../schemas/limits.ts'

export const API_VERSION = '1.0.0'

const RATE_LIMIT_WINDOW_MAX = Math.max(...Object.values(WINDOW_SECONDS))
const int32 = (minimum: number, maximum: number) => ({ type: 'integer', format: 'int32', minimum, maximum })

/** The headers responses carry, declared once under components.headers. */
const HEADERS = {
  'RateLimit-Limit': {
    description: 'The quota of the limit closest to being used up: this key per minute, this address per minute, or failed authentications from this address per 15 minutes.',
    schema: int32(1, RATE_LIMIT_MAX)
  },
  'RateLimit-Remaining': { description: 'Requests left in that quota.', schema: int32(0, RATE_LIMIT_MAX) },
  'RateLimit-Reset': { description: "Seconds until that quota's window ends.", schema: int32(1, RATE_LIMIT_WINDOW_MAX) },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: int32(1, RATE_LIMIT_WINDOW_MAX) },
  'Access-Control-Allow-Origin': {
    description:
      "Sent only when CORS_ORIGINS is set (CORS is off by default) and the request's Origin is one of the origins it lists: " +
      'that origin, echoed. Absent for any other origin and for requests without one.',
    schema: { type: 'string', pattern: '^https?://[^/*]+$', maxLength: MAX_LENGTH.origin, examples: ['https://dashboard.example.police.uk'] }
  }
}
const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` })

type Responses = Record<string, { headers?: Record<string, unknown> }>
type Operation = { responses?: Responses; requestBody?: { required?: boolean }; [BODY_OPTIONAL]?: boolean }
type Document = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> }

/** @fastify/swagger declares every body required: a route marked BODY_OPTIONAL is corrected here. */
function declareOptionalBodies<T>(document: T): T {
  for (const operations of Object.values((document as Document).paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation[BODY_OPTIONAL] !== true) continue
      if (operation.requestBody) operation.requestBody.required = false
      delete operation[BODY_OPTIONAL]
    }
  }
  return document
}

/**
 * The headers set around the route schemas, on every response that carries them. Every /v1
 * response is counted against the rate limits and says so (2xx and 4xx; a 5xx may come before the
 * count); a 429 and a 503 also carry Retry-After. CORS (plugins/external/cors.ts) answers every
 * route, /health included, errors included, when the Origin is allowed.
 */
function declareResponseHeaders<T>(document: T): T {
  const doc = document as Document
  doc.components = { ...doc.components, headers: HEADERS }
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const headers: Record<string, unknown> = {}
        if (path.startsWith('/v1/') && /^[24]/.test(status)) {
          for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const) headers[name] = headerRef(name)
        }
        if (status === '429' || status === '503') headers['Retry-After'] = headerRef('Retry-After')
        headers['Access-Control-Allow-Origin'] = headerRef('Access-Control-Allow-Origin')
        response.headers = { ...response.headers, ...headers }
      }
    }
  }
  return document
}

/**
 * The only server: relative, so the API is whichever deployment serves this document, at its root.
 * Internal: the register is for a force's own systems, analysts and developers, not the public.
 */
const THIS_DEPLOYMENT = {
  url: '/',
  description: 'This deployment, whichever it is (local, test, staging or production): the one serving this document.',
  'x-internal': true
}

/** Builds the OpenAPI 3.1 document from the route schemas. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'peel-register',
          version: API_VERSION,
          description:
            "A police force's register of HMICFRS inspection findings (causes of concern, recommendations, " +
            'areas for improvement), carried from open to closed by the inspectorate, with the PEEL assessment ' +
            'frameworks and the national picture of force gradings beside it.\n\n' +
            'Every `/v1` operation needs `Authorization: Bearer <api key>`; each operation says which roles may call it. ' +
            'Errors are RFC 9457 problem details (`application/problem+json`).'
        },
        servers: [THIS_DEPLOYMENT],
        tags: [
          { name: 'register', description: "A force's register: findings (causes of concern, recommendations, areas for improvement), their actions, the inspections they came from and the groups that monitor them." },
          { name: 'progress', description: 'Progress updates with evidence and ongoing actions (001 section 3.4), and reviews (3.5).' },
          { name: 'closure', description: 'Closure requests, from the board to the inspectorate’s Force Liaison Lead.' },
          { name: 'reports', description: 'What the board and analysts read: the summary table of 001 section 2.1, overdue items, findings by lead and by group, board packs and the gap against a framework.' },
          { name: 'exchange', description: 'A whole register in and out: export as JSON, CSV or XLSX, and import from the same, with a dry run.' },
          { name: 'events', description: 'The change feed: every write to a register as an event, in commit order, resumable by cursor.' },
          { name: 'webhooks', description: 'Events pushed to other systems: signed deliveries (Standard Webhooks), retried until they land.' },
          { name: 'forces', description: 'The territorial police forces of England and Wales.' },
          { name: 'frameworks', description: 'The PEEL assessment frameworks, every version, with their questions and criteria.' },
          { name: 'gradings', description: "Forces' published PEEL grades, nationally." },
          { name: 'practice', description: 'Effective and innovative practice noted in PEEL reports.' },
          { name: 'api-keys', description: 'Who may call the API: keys bound to a role and a force.' },
          { name: 'health', description: 'Liveness and readiness for orchestrators.' }
        ],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'An API key, as returned once by POST /v1/api-keys or printed on first start.'
            }
          }
        }
      },
      transformObject: (document) =>
        'openapiObject' in document ? declareOptionalBodies(declareResponseHeaders(document.openapiObject)) : document.swaggerObject,
      // Shared schemas keep their $id as their component name instead of def-0, def-1 ...
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
      }
    })
  },
  { name: 'openapi' }
)
