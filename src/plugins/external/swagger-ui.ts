import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/**
 * The policy of the /docs pages, in place of the API's, which allows nothing. Swagger UI loads
 * only its own scripts, styles and images from /docs/static and the contract from /docs/json. No
 * upgrade-insecure-requests: the docs are often opened over plain HTTP on an internal host, where
 * it would send the browser to fetch the scripts over HTTPS and leave the page blank.
 */
const DOCS_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"]
}

/** Swagger UI at /docs, for developers exploring the API. Encapsulated: it adds routes only. */
export default async function docs(app: FastifyInstance) {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, deepLinking: true, displayRequestDuration: true },
    staticCSP: DOCS_CSP
  })
}
