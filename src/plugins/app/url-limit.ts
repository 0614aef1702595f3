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
    app.addHook('onRequest', (request, _reply, done) => {
      // A character is at most three bytes of UTF-8: most URLs are under the limit without counting.
      if (request.url.length * 3 <= limitBytes) return done()
      const bytes = Buffer.byteLength(request.url)
      if (bytes <= limitBytes) return done()
      done(uriTooLong(`The path and query string are ${bytes} bytes long; at most ${limitBytes} are accepted. Narrow the query.`))
    })
  },
  { name: 'url-limit' }
)
