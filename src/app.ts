import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DatabaseHandle } from './db/connect.ts'
import auth from './plugins/app/auth.ts'
import db from './plugins/app/db.ts'
import jsonBody from './plugins/app/json-body.ts'
import pageCache from './plugins/app/page-cache.ts'
import problemDetails from './plugins/app/problem-details.ts'
import rateLimit from './plugins/app/rate-limit.ts'
import shutdown from './plugins/app/shutdown.ts'
import urlLimit from './plugins/app/url-limit.ts'
import webhookWorker from './plugins/app/webhooks.ts'
import auditSealer from './plugins/app/audit-sealer.ts'
import type { WebhookSettings } from './domain/webhooks/delivery-worker.ts'
import { NO_RATE_LIMITS } from './domain/rate-limits/rate-limiter.ts'
import { DEFAULT_PAGE_CACHE, type PageCacheSettings } from './domain/shared/page-cache.ts'
import type { SecuritySettings } from './server-options.ts'
import cors from './plugins/external/cors.ts'
import securityHeaders from './plugins/external/helmet.ts'
import swagger from './plugins/external/swagger.ts'
import swaggerUi from './plugins/external/swagger-ui.ts'
import health from './routes/health/index.ts'
import apiKeys from './routes/v1/api-keys/index.ts'
import forces from './routes/v1/forces/index.ts'
import closureRequests from './routes/v1/closure-requests/index.ts'
import crosswalk from './routes/v1/crosswalk/index.ts'
import events from './routes/v1/events/index.ts'
import webhooks from './routes/v1/webhooks/index.ts'
import exportsRoutes from './routes/v1/exports/index.ts'
import importsRoutes from './routes/v1/imports/index.ts'
import findings from './routes/v1/findings/index.ts'
import frameworks from './routes/v1/frameworks/index.ts'
import governanceGroups from './routes/v1/governance-groups/index.ts'
import inspections from './routes/v1/inspections/index.ts'
import gradings from './routes/v1/gradings/index.ts'
import practiceAreas from './routes/v1/practice-areas/index.ts'
import practiceExamples from './routes/v1/practice-examples/index.ts'
import progress from './routes/v1/progress/index.ts'
import reports from './routes/v1/reports/index.ts'
import boardPack from './routes/v1/reports/board-pack.ts'

import { componentSchemas } from './schemas/components.ts'
import { lazySerializers } from './schemas/serialization.ts'
import { type OnDeferredCompile, validatorCompiler } from './schemas/validation.ts'

export interface AppOptions {
  server: FastifyServerOptions
  database: DatabaseHandle
  /** The webhook delivery worker; without it (scripts, some tests) no deliveries are made. */
  webhooks?: WebhookSettings
  /** How often the audit log is sealed into its hash chain, in ms; 0 or absent (scripts, most tests): never. */
  auditSealMs?: number
  /** Rate limits, CORS and the URL cap; without it (scripts, some tests) no rate limits and no CORS. */
  security?: SecuritySettings
  /**
   * Receives each validator and serializer build that is put off until first use (see
   * schemas/serialization.ts), so a test can run them all; a validator's comes with its route and schema.
   */
  onDeferredCompile?: OnDeferredCompile
  /** The cache of list pages; without it, the default size (tests included, so they read through it). */
  pageCache?: PageCacheSettings
}


/**
 * The whole application, ready for `inject` or `listen`, never listening itself. External plugins
 * first, then our own shared plugins, then the routes, each route plugin encapsulated.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ ...options.server, schemaController: lazySerializers(options.onDeferredCompile) }).withTypeProvider<TypeBoxTypeProvider>()

  for (const schema of componentSchemas) app.addSchema(schema)
  // Bodies are JSON (and multipart, for imports): a text/plain body is refused (415), not read as a string.
  app.removeContentTypeParser('text/plain')
  await app.register(jsonBody)
  app.setValidatorCompiler(validatorCompiler(componentSchemas, options.onDeferredCompile))
  const security = options.security ?? { rateLimits: NO_RATE_LIMITS, corsOrigins: [], urlLimitBytes: 4096 }
  await app.register(swagger)
  await app.register(securityHeaders)
  // First, so every answer carries it, a refusal by the hooks below (414, 429, 401, 403, 503) included.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  await app.register(db, { database: options.database })
  await app.register(pageCache, { settings: options.pageCache ?? DEFAULT_PAGE_CACHE })
  await app.register(problemDetails)
  await app.register(shutdown)
  await app.register(urlLimit, { limitBytes: security.urlLimitBytes })
  await app.register(cors, { origins: security.corsOrigins })
  await app.register(rateLimit, { settings: security.rateLimits })
  await app.register(auth)
  await app.register(auditSealer, { intervalMs: options.auditSealMs ?? 0 })
  await app.register(webhookWorker, { settings: options.webhooks ?? { enabled: false, pollMs: 1000, timeoutMs: 10_000, retrySchedule: [], allowPrivateNetworks: false } })


  await app.register(swaggerUi)
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(health, { prefix: '/health' })
  await app.register(forces, { prefix: '/v1/forces' })
  await app.register(apiKeys, { prefix: '/v1/api-keys' })
  await app.register(frameworks, { prefix: '/v1/frameworks' })
  await app.register(governanceGroups, { prefix: '/v1/governance-groups' })
  await app.register(inspections, { prefix: '/v1/inspections' })
  await app.register(findings, { prefix: '/v1/findings' })
  await app.register(progress, { prefix: '/v1/findings' })
  await app.register(closureRequests, { prefix: '/v1/closure-requests' })
  await app.register(crosswalk, { prefix: '/v1/crosswalk' })
  await app.register(events, { prefix: '/v1/events' })
  await app.register(webhooks, { prefix: '/v1/webhooks' })
  await app.register(exportsRoutes, { prefix: '/v1/exports' })
  await app.register(importsRoutes, { prefix: '/v1/imports' })
  await app.register(gradings, { prefix: '/v1/gradings' })
  await app.register(practiceExamples, { prefix: '/v1/practice-examples' })
  await app.register(practiceAreas, { prefix: '/v1/practice-areas' })
  await app.register(reports, { prefix: '/v1/reports' })
  await app.register(boardPack, { prefix: '/v1/governance-groups' })

  await app.ready()
  return app
}
