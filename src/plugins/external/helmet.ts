import helmet from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Security headers on every response. The API answers JSON only, so its content security policy
 * allows nothing at all and no page may frame it; Swagger UI at /docs sets its own policy (see
 * swagger-ui.ts). HSTS is sent as helmet sends it: browsers heed it only over HTTPS.
 */
const OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: 'deny' }
}

/**
 * The headers helmet sets with these options, worked out once. They do not depend on the request,
 * and @fastify/helmet would build helmet's whole middleware again for every request.
 */
export function securityHeaderValues(options = OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()]
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error
  })
  return headers
}

let fixed: Record<string, string> | undefined

/** The API's security headers, worked out on first use: for the hook below, and for answers no hook sees (server-options.ts). */
export function securityHeaders(): Record<string, string> {
  fixed ??= securityHeaderValues()
  return fixed
}

export default fp(
  async function securityHeaderHook(app: FastifyInstance) {
    const headers = securityHeaders()
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers)
      done()
    })
  },
  { name: 'security-headers' }
)
