import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/** Swagger UI at /docs, for developers exploring the API. Encapsulated: it adds routes only. */
export default async function docs(app: FastifyInstance) {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, deepLinking: true, displayRequestDuration: true },
    staticCSP: true
  })
}
