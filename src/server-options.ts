import { randomUUID } from 'node:crypto'
import { type FastifyServerOptions, LogController } from 'fastify'
import type { Config } from './config.ts'
import type { WebhookSettings } from './domain/webhooks/delivery-worker.ts'
import type { RateLimitSettings } from './domain/rate-limits/rate-limiter.ts'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

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
      // Belt and braces: the default serializers log no headers and no bodies, and our own lines name a
      // key by its prefix only; should anything still log a header or a secret, it comes out censored.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["idempotency-key"]',
          'headers.authorization',
          'headers.cookie',
          'headers["idempotency-key"]',
          'secret',
          '*.secret'
        ],
        censor: '[redacted]'
      }
    },
    // Honour a caller's X-Request-Id when it looks like one, so logs join up across systems.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs + 5_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 }
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
