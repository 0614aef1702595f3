import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Security headers on every response. The API answers JSON only, so its content security policy
 * allows nothing at all and no page may frame it; Swagger UI at /docs sets its own policy (see
 * swagger-ui.ts). HSTS is sent as helmet sends it: browsers heed it only over HTTPS.
 */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' }
    })
  },
  { name: 'security-headers' }
)
