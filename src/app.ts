import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DatabaseHandle } from './db/connect.ts'
import auth from './plugins/app/auth.ts'
import db from './plugins/app/db.ts'
import problemDetails from './plugins/app/problem-details.ts'
import swagger from './plugins/external/swagger.ts'
import swaggerUi from './plugins/external/swagger-ui.ts'
import health from './routes/health/index.ts'
import apiKeys from './routes/v1/api-keys/index.ts'
import forces from './routes/v1/forces/index.ts'
import frameworks from './routes/v1/frameworks/index.ts'
import { sharedSchemas } from './schemas/common.ts'
import { ApiKeySchema, CreatedApiKeySchema } from './domain/api-keys/api-keys.schemas.ts'
import { ForceSchema } from './domain/forces/forces.schemas.ts'
import {
  CriterionSchema,
  FrameworkSchema,
  QuestionDetailSchema,
  QuestionSchema
} from './domain/frameworks/frameworks.schemas.ts'

export interface AppOptions {
  server: FastifyServerOptions
  database: DatabaseHandle
}

/** Named schemas, registered once so that routes can `ref()` them and the contract names them. */
const componentSchemas = [
  ...sharedSchemas,
  ForceSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  FrameworkSchema,
  QuestionSchema,
  CriterionSchema,
  QuestionDetailSchema
]

/**
 * The whole application, ready for `inject` or `listen`, never listening itself. External plugins
 * first, then our own shared plugins, then the routes, each route plugin encapsulated.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify(options.server).withTypeProvider<TypeBoxTypeProvider>()

  for (const schema of componentSchemas) app.addSchema(schema)
  await app.register(swagger)
  await app.register(db, { database: options.database })
  await app.register(problemDetails)
  await app.register(auth)

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(swaggerUi)
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(health, { prefix: '/health' })
  await app.register(forces, { prefix: '/v1/forces' })
  await app.register(apiKeys, { prefix: '/v1/api-keys' })
  await app.register(frameworks, { prefix: '/v1/frameworks' })

  await app.ready()
  return app
}
