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
import crosswalk from './routes/v1/crosswalk/index.ts'
import frameworks from './routes/v1/frameworks/index.ts'
import gradings from './routes/v1/gradings/index.ts'
import practiceAreas from './routes/v1/practice-areas/index.ts'
import practiceExamples from './routes/v1/practice-examples/index.ts'
import { sharedSchemas } from './schemas/common.ts'
import { ApiKeySchema, CreatedApiKeySchema } from './domain/api-keys/api-keys.schemas.ts'
import { ForceSchema } from './domain/forces/forces.schemas.ts'
import {
  CriterionSchema,
  FrameworkSchema,
  QuestionDetailSchema,
  QuestionSchema
} from './domain/frameworks/frameworks.schemas.ts'
import { CrosswalkLinkSchema, CrosswalkSchema } from './domain/crosswalk/crosswalk.schemas.ts'
import { GradeHistorySchema, GradingSchema } from './domain/gradings/gradings.schemas.ts'
import { PracticeAreaSchema, PracticeExampleSchema } from './domain/practice/practice.schemas.ts'

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
  QuestionDetailSchema,
  GradingSchema,
  GradeHistorySchema,
  PracticeExampleSchema,
  PracticeAreaSchema,
  CrosswalkLinkSchema,
  CrosswalkSchema
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
  await app.register(crosswalk, { prefix: '/v1/crosswalk' })
  await app.register(gradings, { prefix: '/v1/gradings' })
  await app.register(practiceExamples, { prefix: '/v1/practice-examples' })
  await app.register(practiceAreas, { prefix: '/v1/practice-areas' })

  await app.ready()
  return app
}
