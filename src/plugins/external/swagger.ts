import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { WINDOW_SECONDS } from '../../domain/rate-limits/rate-limiter.ts'
import { BODY_OPTIONAL, RESPONSE_HEADERS, type RouteHeader } from '../../schemas/http.ts'
import { REQUEST_ID_PATTERN } from '../../schemas/common.ts'
import { MAX_LENGTH, MAX_URL_LIMIT_BYTES, RATE_LIMIT_MAX } from '../../schemas/limits.ts'

export const API_VERSION = '1.0.0'

const RATE_LIMIT_WINDOW_MAX = Math.max(...Object.values(WINDOW_SECONDS))
const int32 = (minimum: number, maximum: number) => ({ type: 'integer', format: 'int32', minimum, maximum })

/** Headers every response may carry, set around the routes (rate limits, request id, CORS). */
type SharedHeader = 'RateLimit-Limit' | 'RateLimit-Remaining' | 'RateLimit-Reset' | 'Retry-After' | 'X-Request-Id' | 'Access-Control-Allow-Origin'

/**
 * The headers responses carry, declared once under components.headers. A header marked required is
 * on every response it is declared for; the others only when what they describe applies.
 */
const HEADERS: Record<SharedHeader | RouteHeader, { description: string; required?: boolean; schema: Record<string, unknown> }> = {
  'RateLimit-Limit': {
    description: 'The quota of the limit closest to being used up: this key per minute, this address per minute, or failed authentications from this address per 15 minutes.',
    schema: int32(1, RATE_LIMIT_MAX)
  },
  'RateLimit-Remaining': { description: 'Requests left in that quota.', schema: int32(0, RATE_LIMIT_MAX) },
  'RateLimit-Reset': { description: "Seconds until that quota's window ends.", schema: int32(1, RATE_LIMIT_WINDOW_MAX) },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: int32(1, RATE_LIMIT_WINDOW_MAX) },
  'X-Request-Id': {
    description: "This request's id: the X-Request-Id you sent if it fits the pattern, else a UUID the service made. Problems carry it as `requestId`, and the change feed names it on the events the request made; quote it when reporting a fault.",
    required: true,
    schema: { type: 'string', pattern: REQUEST_ID_PATTERN, maxLength: MAX_LENGTH.requestId, examples: ['3f1c9e2a-5b7d-4c1e-9a8f-2d6b0e4c7a91'] }
  },
  'Access-Control-Allow-Origin': {
    description:
      "Sent only when CORS_ORIGINS is set (CORS is off by default) and the request's Origin is one of the origins it lists: " +
      'that origin, echoed. Absent for any other origin and for requests without one.',
    schema: { type: 'string', pattern: '^https?://[^/*]+$', maxLength: MAX_LENGTH.origin, examples: ['https://dashboard.example.police.uk'] }
  },
  ETag: {
    description:
      "The record's version, quoted. Send it back as If-Match to change or remove the record (412 if it changed since), " +
      'or as If-None-Match to read it again only if it changed (304 if not).',
    required: true,
    schema: { type: 'string', pattern: '^"[0-9]+"$', maxLength: MAX_LENGTH.etag, examples: ['"3"'] }
  },
  Location: {
    description: 'The path of the record just created.',
    required: true,
    schema: { type: 'string', format: 'uri-reference', maxLength: 200, examples: ['/v1/findings/0b6f2c1e-6a53-4f43-9d4a-1f0d4f1c2b7a'] }
  },
  'Idempotent-Replayed': {
    description: 'Sent, as `true`, when this answer replays the first result of a request with the same Idempotency-Key and body: nothing new was written.',
    schema: { type: 'string', enum: ['true'] }
  },
  Link: {
    description: 'On a CSV page with more rows after it: the next page, as `<url>; rel="next"` (RFC 8288). JSON pages carry `nextCursor` instead.',
    // The request's own query with the next cursor in it: as long as the longest URL the service takes, and a cursor.
    schema: { type: 'string', pattern: '^</v1/[^>]*>; rel="next"$', maxLength: MAX_URL_LIMIT_BYTES + MAX_LENGTH.cursor + 20, examples: ['</v1/findings?format=csv&cursor=WyIyMDI2LTAxLTAxIl0>; rel="next"'] }
  },
  'Cache-Status': {
    description:
      'On a JSON page: whether the service built it (`fwd=miss` or `fwd=stale`, then `stored`) or served one it built before (`hit`), ' +
      'checked against every write since; `fwd=bypass` when PAGE_CACHE_MB is 0 (RFC 9211). Either way the page is current.',
    schema: { type: 'string', pattern: '^peel-register; (hit|fwd=(miss|stale|bypass))(; stored)?$', maxLength: 40, examples: ['peel-register; hit'] }
  },
  'Content-Disposition': {
    description: 'On a CSV, XLSX or exported answer: a file name for it, `inline` for a page or report, `attachment` for an export.',
    schema: { type: 'string', pattern: '^(inline|attachment); filename="[^"/]+"$', maxLength: 200, examples: ['attachment; filename="register-cleveland-2026-11-30.xlsx"'] }
  },
  'Cache-Control': {
    description: '`no-store`: the answer holds a secret or a state that must not be kept.',
    required: true,
    schema: { type: 'string', enum: ['no-store'] }
  }
}
const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` })

type Responses = Record<string, { headers?: Record<string, unknown> }>
type Operation = {
  responses?: Responses
  requestBody?: { required?: boolean }
  [BODY_OPTIONAL]?: boolean
  [RESPONSE_HEADERS]?: Record<string, readonly RouteHeader[]>
}
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
 * Every response's headers. Around the route schemas: every /v1 response is counted against the
 * rate limits and says so (2xx, 304 and 4xx; a 5xx may come before the count); a 429 and a 503 also
 * carry Retry-After; every response has X-Request-Id; CORS (plugins/external/cors.ts) answers
 * every route, /health included, errors included, when the Origin is allowed. Then what each
 * route sets itself, on the statuses its schema names (RESPONSE_HEADERS, schemas/http.ts).
 */
function declareResponseHeaders<T>(document: T): T {
  const doc = document as Document
  doc.components = { ...doc.components, headers: HEADERS }
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const own = operation[RESPONSE_HEADERS] ?? {}
      delete operation[RESPONSE_HEADERS]
      for (const status of Object.keys(own)) {
        if (!operation.responses?.[status]) throw new Error(`${path}: headers declared for status ${status}, which the route does not answer`)
      }
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const headers: Record<string, unknown> = {}
        for (const name of own[status] ?? []) headers[name] = headerRef(name)
        if (path.startsWith('/v1/') && /^[234]/.test(status)) {
          for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const) headers[name] = headerRef(name)
        }
        if (status === '429' || status === '503') headers['Retry-After'] = headerRef('Retry-After')
        headers['X-Request-Id'] = headerRef('X-Request-Id')
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
