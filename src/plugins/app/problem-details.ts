import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { isDatabaseUnavailable } from '../../db/errors.ts'
import { HttpProblem } from '../../problems.ts'
import { PROBLEM_LIMITS, type Problem, problem } from '../../schemas/common.ts'
import { MAX_ITEMS, clip } from '../../schemas/limits.ts'

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8'

type Location = NonNullable<Problem['errors']>[number]['in']
const LOCATIONS: Record<string, Location> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' }

/** Ajv's instancePath `/a/0/b` (plus missingProperty) as `a.0.b`. */
function fieldOf(issue: { instancePath: string; params?: Record<string, unknown> }): string {
  const segments = issue.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const missing = issue.params?.missingProperty ?? issue.params?.additionalProperty
  if (typeof missing === 'string') segments.push(missing)
  return segments.join('.')
}

function describeIssue(issue: { keyword: string; message?: string; params?: Record<string, unknown> }): string {
  if (issue.keyword === 'additionalProperties') return 'is not a known field'
  if (issue.keyword === 'required') return 'is required'
  if (issue.keyword === 'enum' && Array.isArray(issue.params?.allowedValues)) {
    return `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`
  }
  return issue.message ?? 'is invalid'
}

/** Within the sizes the contract gives a problem (ProblemSchema): what a client sent is quoted, never echoed whole. */
function bounded(problem: Problem): Problem {
  const { detail, instance, errors } = problem
  return {
    ...problem,
    ...(detail === undefined ? {} : { detail: clip(detail, PROBLEM_LIMITS.detail) }),
    ...(instance === undefined ? {} : { instance: clip(instance, PROBLEM_LIMITS.instance) }),
    ...(errors === undefined
      ? {}
      : { errors: errors.slice(0, MAX_ITEMS.problems).map((e) => ({ in: e.in, field: clip(e.field, PROBLEM_LIMITS.field), message: clip(e.message, PROBLEM_LIMITS.message) })) })
  }
}

function send(request: FastifyRequest, reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}) {
  const body = bounded({ ...problem, instance: request.url.split('?')[0], requestId: String(request.id) })
  return reply.code(problem.status).headers(headers).type(PROBLEM_TYPE).send(body)
}

/**
 * Every error leaves as application/problem+json. Validation problems list each offending field;
 * 5xx responses carry the request id and nothing of the SQL, stack or driver message.
 */
/** Refusals that come before any handler runs, declared once for the contract: on every route, and on every route with a body. */
const EVERY_ROUTE_PROBLEMS = {
  414: 'The path and query string are longer than URL_LIMIT_BYTES, or a path segment is longer than any identifier.'
}
const BODY_PROBLEMS = {
  413: 'The body is larger than the limit for this operation.',
  415: "The body's Content-Type is not one this operation takes."
}

export default fp(
  async function problemDetails(app: FastifyInstance) {
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!route.url.startsWith('/v1/') && !route.url.startsWith('/health')) return
      const schema = (route.schema ??= {}) as { body?: unknown; response?: Record<string, unknown> }
      const responses = (schema.response ??= {})
      const declared = schema.body === undefined ? EVERY_ROUTE_PROBLEMS : { ...EVERY_ROUTE_PROBLEMS, ...BODY_PROBLEMS }
      for (const [status, description] of Object.entries(declared)) responses[status] ??= problem(description)
    })

    app.setErrorHandler(function handleError(error: FastifyError & { code?: string }, request, reply) {
      if (error instanceof HttpProblem) {
        return send(
          request,
          reply,
          { type: `/problems/${error.slug}`, title: error.title, status: error.status, detail: error.detail, ...error.extras },
          error.headers
        )
      }

      if (error.validation) {
        const location = LOCATIONS[error.validationContext ?? 'body'] ?? 'body'
        // A field that fails every branch of a union gets one entry: "must ... or must ...".
        const byField = new Map<string, string[]>()
        for (const issue of error.validation) {
          if (issue.keyword === 'anyOf' || issue.keyword === 'oneOf') continue
          const field = fieldOf(issue as { instancePath: string; params?: Record<string, unknown> })
          const message = describeIssue(issue as { keyword: string; message?: string; params?: Record<string, unknown> })
          const messages = byField.get(field) ?? []
          if (!messages.includes(message)) messages.push(message)
          byField.set(field, messages)
        }
        const errors = [...byField].map(([field, messages]) => ({ in: location, field, message: messages.join(' or ') }))
        return send(request, reply, {
          type: '/problems/validation',
          title: 'Request validation failed',
          status: 400,
          detail: errors.map((e) => `${e.in} ${e.field || '(whole value)'} ${e.message}`).join('; '),
          errors
        })
      }

      switch (error.code) {
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return send(request, reply, {
            type: '/problems/malformed-body',
            title: 'Malformed request body',
            status: 400,
            detail: 'The body is not valid JSON.'
          })
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return send(request, reply, {
            type: '/problems/body-too-large',
            title: 'Request body too large',
            status: 413,
            detail: `The body exceeds the limit of ${request.routeOptions.bodyLimit} bytes.`
          })
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return send(request, reply, {
            type: '/problems/unsupported-media-type',
            title: 'Unsupported media type',
            status: 415,
            detail: `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send application/json.`
          })
      }

      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable')
        return send(
          request,
          reply,
          {
            type: '/problems/database-unavailable',
            title: 'Service unavailable',
            status: 503,
            detail: 'The database cannot be reached right now. Try again shortly.'
          },
          { 'retry-after': '5' }
        )
      }

      if (error.code === '57014') {
        request.log.warn({ err: { message: error.message, code: error.code } }, 'statement timeout')
        return send(request, reply, {
          type: '/problems/timeout',
          title: 'Gateway timeout',
          status: 504,
          detail: 'The database took too long to answer this request.'
        })
      }

      // Errors Fastify raises itself for client mistakes (bad headers, unsupported methods ...).
      const status = error.statusCode ?? 500
      if (status >= 400 && status < 500) {
        return send(request, reply, {
          type: '/problems/bad-request',
          title: 'Bad request',
          status,
          detail: error.message
        })
      }

      request.log.error({ err: error }, 'unhandled error')
      return send(request, reply, {
        type: '/problems/internal',
        title: 'Internal server error',
        status: 500,
        detail: 'Something went wrong on our side. Quote the requestId if you report it.'
      })
    })

    app.setNotFoundHandler(function handleNotFound(request, reply) {
      return send(request, reply, {
        type: '/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}.`
      })
    })
  },
  { name: 'problem-details' }
)
