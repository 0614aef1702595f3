import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { DeliveryWorker, type WebhookSettings } from '../../domain/webhooks/delivery-worker.ts'

declare module 'fastify' {
  interface FastifyInstance {
    webhookWorker: DeliveryWorker
  }
}

/**
 * Runs the webhook delivery worker beside the HTTP server: started once the app is ready,
 * stopped (after its current round) when the app closes, before the database is.
 */
export default fp(
  async function webhooks(app: FastifyInstance, options: { settings: WebhookSettings }) {
    const worker = new DeliveryWorker(app.db, options.settings, app.log.child({ component: 'webhooks' }))
    app.decorate('webhookWorker', worker)
    if (!options.settings.enabled) return
    app.addHook('onReady', async () => worker.start())
    app.addHook('onClose', async () => worker.stop())
  },
  { name: 'webhooks', dependencies: ['db'] }
)
