import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { uriTooLong } from '../../problems.ts'

/**
 * Refuses a request target (path and query string) longer than `limitBytes` with a 414 problem,
 * before anything parses its query or looks at its key. Node already refuses a request whose head
 * is over 16 KB, but with a bare 431 and no body; this is the limit a client meets in practice.
 */
export default fp(
  async function urlLimit(app: FastifyInstance, options: { limitBytes: number }) {
    const { limitBytes } = options
    app.addHook('onRequest', async (request) => {
      const length = Buffer.byteLength(request.url)
      if (length > limitBytes) {
        throw uriTooLong(`The path and query string are ${length} bytes long; at most ${limitBytes} are accepted. Narrow the query.`)
      }
    })
  },
  { name: 'url-limit' }
)
