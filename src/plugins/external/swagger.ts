import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const API_VERSION = '1.0.0'

/** The headers of rate-limited responses, declared once under components.headers. */
const HEADERS = {
  'RateLimit-Limit': {
    description: 'The quota of the limit closest to being used up: this key per minute, this address per minute, or failed authentications from this address per 15 minutes.',
    schema: { type: 'integer', minimum: 1 }
  },
  'RateLimit-Remaining': { description: 'Requests left in that quota.', schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': { description: "Seconds until that quota's window ends.", schema: { type: 'integer', minimum: 1 } },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } }
}
const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` })

type Responses = Record<string, { headers?: Record<string, unknown> }>
type Document = { paths?: Record<string, Record<string, { responses?: Responses }>>; components?: Record<string, unknown> }

/**
 * Every /v1 response is counted against the rate limits and says so in its headers (2xx and 4xx;
 * a 5xx may come before the count); a 429 and a 503 also carry Retry-After.
 */
function declareRateLimitHeaders<T>(document: T): T {
  const doc = document as Document
  doc.components = { ...doc.components, headers: HEADERS }
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/v1/')) continue
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const headers: Record<string, unknown> = {}
        if (/^[24]/.test(status)) {
          for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const) headers[name] = headerRef(name)
        }
        if (status === '429' || status === '503') headers['Retry-After'] = headerRef('Retry-After')
        if (Object.keys(headers).length > 0) response.headers = { ...response.headers, ...headers }
      }
    }
  }
  return document
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
      transformObject: (document) => ('openapiObject' in document ? declareRateLimitHeaders(document.openapiObject) : document.swaggerObject),
      // Shared schemas keep their $id as their component name instead of def-0, def-1 ...
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
      }
    })
  },
  { name: 'openapi' }
)
