import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { HttpProblem } from '../../problems.ts'

const REAP_IDLE_EVERY_MS = 200

/**
 * Draining on close, as a client sees it. Node's server.close() refuses new connections and closes
 * those idle at that moment, but a keep-alive connection whose request finishes later stays open,
 * and the close waits out its keep-alive timeout (72 s, past the 10 s grace). So once closing:
 * every response, in-flight ones included, carries Connection: close; connections that go idle are
 * closed as they do; and a request still arriving on an open connection gets a 503 problem with
 * Retry-After rather than Fastify's bare 503.
 */
export default fp(
  async function shutdown(app: FastifyInstance) {
    let closing = false
    let reaper: NodeJS.Timeout | undefined

    app.addHook('preClose', async () => {
      closing = true
      if (!app.server.listening) return
      reaper = setInterval(() => app.server.closeIdleConnections(), REAP_IDLE_EVERY_MS)
      reaper.unref()
    })
    app.addHook('onClose', async () => clearInterval(reaper))

    // Callback hooks, not async ones: they run on every request and do nothing until closing.
    app.addHook('onRequest', (_request, _reply, done) => {
      if (!closing) return done()
      done(new HttpProblem(503, 'shutting-down', 'Service unavailable', 'This instance is shutting down. Try again shortly.', {}, { 'retry-after': '5' }))
    })
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (closing) reply.header('connection', 'close')
      done(null, payload)
    })
  },
  { name: 'shutdown' }
)
