import { randomUUID } from 'node:crypto'
import { type FastifyReply, type FastifyServerOptions, LogController } from 'fastify'
import type { Config } from './config.ts'
import { securityHeaders } from './plugins/external/helmet.ts'
import { REDACTED, scrubSecrets, serializeRequest } from './log-redaction.ts'
import { REQUEST_ID_PATTERN } from './schemas/common.ts'
import { inCliNamespace } from './domain/audit/request-ids.ts'
import type { WebhookSettings } from './domain/webhooks/delivery-worker.ts'
import type { RateLimitSettings } from './domain/rate-limits/rate-limiter.ts'
import { DEFAULT_PAGE_CACHE, type PageCacheSettings } from './domain/shared/page-cache.ts'

const REQUEST_ID = new RegExp(REQUEST_ID_PATTERN)

/** The longest path segment the router takes: far more than any id, code or reference here. */
const MAX_PARAM_LENGTH = 200

const FRAMEWORK_PROBLEMS: Record<string, { type: string; title: string; status: number; detail: string }> = {
  FST_ERR_BAD_URL: { type: '/problems/bad-request', title: 'Bad request', status: 400, detail: 'The path is not valid percent-encoded UTF-8.' },
  FST_ERR_MAX_PARAM_LENGTH: { type: '/problems/uri-too-long', title: 'URI too long', status: 414, detail: `A path segment is longer than any identifier here (at most ${MAX_PARAM_LENGTH} characters).` },
  internal: { type: '/problems/internal', title: 'Internal server error', status: 500, detail: 'Something went wrong on our side. Quote the requestId if you report it.' }
}

/**
 * Fastify's options, shared by the server and the tests so that validation, limits and logging
 * behave the same in both.
 */
export function serverOptions(
  config: Pick<Config, 'logLevel' | 'requestTimeoutMs' | 'bodyLimitBytes' | 'trustProxy'>
): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      // The request's target is logged with secret-named query parameters censored (log-redaction.ts).
      serializers: { req: serializeRequest },
      // Belt and braces: the default serializers log no headers and no bodies, and our own lines name a
      // key by its prefix only; should anything still log a header or a secret, it comes out censored.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.Authorization',
          'req.headers["proxy-authorization"]',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          'req.headers["idempotency-key"]',
          'headers.authorization',
          'headers.Authorization',
          'headers["proxy-authorization"]',
          'headers["x-api-key"]',
          'headers.cookie',
          'headers["idempotency-key"]',
          'secret',
          '*.secret'
        ],
        censor: REDACTED
      },
      // And last, on the written line itself: any of our secrets, wherever it got in (an error's
      // message, a path, a field no rule names), is cut to the prefix the key list shows anyway.
      hooks: { streamWrite: scrubSecrets }
    },
    // Honour a caller's X-Request-Id when it looks like one, so logs join up across systems; never
    // one in the command line's namespace, which marks its runs in the audit log.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) && !inCliNamespace(given) ? given : randomUUID()
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs + 5_000,
    keepAliveTimeout: 72_000,
    // Our shutdown plugin answers requests that arrive while closing, as a problem with Retry-After.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // A path the router cannot take (`%ZZ`, overlong UTF-8, a segment longer than maxParamLength) never
    // reaches a route, a hook or the error handler: answer it as a problem too, with the headers the
    // hooks give every other answer.
    frameworkErrors(error, request, reply) {
      const problem = FRAMEWORK_PROBLEMS[error.code ?? ''] ?? FRAMEWORK_PROBLEMS.internal!
      const answer = reply as unknown as FastifyReply
      answer
        .code(problem.status)
        .headers(securityHeaders())
        .header('x-request-id', String(request.id))
        .type('application/problem+json; charset=utf-8')
        .send({ ...problem, instance: request.url.split('?')[0], requestId: String(request.id) })
    }
  }
}

/** The webhook delivery worker's settings, from the configuration. */
export function webhookSettings(
  config: Pick<Config, 'webhooksEnabled' | 'webhookPollMs' | 'webhookTimeoutMs' | 'webhookRetrySchedule' | 'webhookAllowPrivateNetworks'>
): WebhookSettings {
  return {
    enabled: config.webhooksEnabled,
    pollMs: config.webhookPollMs,
    timeoutMs: config.webhookTimeoutMs,
    retrySchedule: config.webhookRetrySchedule,
    allowPrivateNetworks: config.webhookAllowPrivateNetworks
  }
}

/** Rate limits, CORS and the request-target cap: what guards the API beyond Fastify's own options. */
export interface SecuritySettings {
  rateLimits: RateLimitSettings
  /** Exact origins allowed to call the API from a browser; empty: CORS is off. */
  corsOrigins: string[]
  urlLimitBytes: number
}

export function securitySettings(
  config: Pick<Config, 'rateLimitPerKey' | 'rateLimitPerAddress' | 'authFailureLimit' | 'corsOrigins' | 'urlLimitBytes'>
): SecuritySettings {
  return {
    rateLimits: { perKey: config.rateLimitPerKey, perAddress: config.rateLimitPerAddress, authFailures: config.authFailureLimit },
    corsOrigins: config.corsOrigins,
    urlLimitBytes: config.urlLimitBytes
  }
}

/** The cache of list pages: its size from the configuration, its age bound fixed. */
export function pageCacheSettings(config: Pick<Config, 'pageCacheMb'>): PageCacheSettings {
  return { ...DEFAULT_PAGE_CACHE, maxBytes: config.pageCacheMb * 1024 * 1024 }
}
