import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { expectedVersion } from '../../../domain/shared/concurrency.ts'
import {
  CreateWebhookBody,
  CreatedWebhookSchema,
  DeliveryListQuery,
  DeliverySchema,
  UpdateWebhookBody,
  WebhookListQuery,
  WebhookSchema
} from '../../../domain/webhooks/webhooks.schemas.ts'
import * as webhooks from '../../../domain/webhooks/webhooks.service.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { Page, Uuid, problem, ref } from '../../../schemas/common.ts'
import { CONDITIONAL_READ, CREATED_HEADERS, IdempotencyHeaders, IfMatchHeaders, createProblems, created, notModified, sets, updateProblems, withEtag } from '../../../schemas/http.ts'

const Params = Type.Object({ id: Uuid }, { additionalProperties: false })
const DeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid }, { additionalProperties: false })
const notFound = { 404: problem('No such webhook (or delivery) visible to this key.') }

const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const who = allow.registrars

  app.get(
    '/',
    {
      config: { allow: who },
      schema: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: "List the webhooks of a force's register",
        description:
          "The URLs subscribed to a register's events, with the event types each receives and whether it is active. Secrets are never listed: they are shown once, on create and on rotation.",
        querystring: WebhookListQuery,
        response: { 200: Page(ref(WebhookSchema), 'A page of webhooks, oldest first.') }
      }
    },
    async (request) => webhooks.listWebhooks(app.db, request.principal, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.post(
    '/',
    {
      config: { allow: who },
      schema: {
        operationId: 'createWebhook',
        tags: ['webhooks'],
        summary: 'Subscribe a URL to events of a register; the signing secret is in this response only',
        description:
          'Every event of the force whose type matches `eventTypes` and that happens after the subscription is POSTed to `url` as ' +
          '`{ "type", "timestamp", "data": <the event, as in GET /v1/events> }`, signed the Standard Webhooks way: headers ' +
          '`webhook-id` (the delivery id, the same on every retry), `webhook-timestamp` (Unix seconds) and ' +
          '`webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the base64-decoded part of the secret after whsec_>`. ' +
          'A 2xx answer within the timeout counts as delivered; anything else is retried with growing waits ' +
          '(by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), then marked failed. Deliveries are queued in the database, so they survive restarts. ' +
          'The secret is never kept for replays: a retry with the same `Idempotency-Key` is 409 `/problems/secret-not-replayed` with the `webhookId`; ' +
          'if the first answer was lost, replace the secret with `POST /v1/webhooks/{id}/secret`.',
        headers: IdempotencyHeaders,
        body: CreateWebhookBody,
        response: { 201: ref(CreatedWebhookSchema), ...createProblems },
        ...sets({ 201: CREATED_HEADERS })
      }
    },
    async (request, reply) => {
      const result = await webhooks.createWebhook(app.db, request.principal, actorOf(request), request.body, request.headers['idempotency-key'])
      return created(reply, '/v1/webhooks', result)
    }
  )

  app.get(
    '/:id',
    {
      config: { allow: who },
      schema: {
        operationId: 'getWebhook',
        tags: ['webhooks'],
        summary: 'One webhook (without its secret)',
        description: 'A webhook by its `id`: where it points, the event types it receives, whether it is active, and its ETag for changes.',
        params: Params,
        response: { 200: ref(WebhookSchema), ...notModified, ...notFound },
        ...CONDITIONAL_READ
      }
    },
    async (request, reply) => withEtag(reply, await webhooks.getWebhook(app.db, request.principal, request.params.id))
  )

  app.patch(
    '/:id',
    {
      config: { allow: who },
      schema: {
        operationId: 'updateWebhook',
        tags: ['webhooks'],
        summary: 'Change where a webhook points, what it receives, or pause it',
        description: 'Send only the fields to change. `active: false` pauses deliveries: events meanwhile are not queued for it, and deliveries already queued wait.',
        params: Params,
        headers: IfMatchHeaders,
        body: UpdateWebhookBody,
        response: { 200: ref(WebhookSchema), ...updateProblems },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) => {
      const version = expectedVersion(request.headers['if-match'])
      return withEtag(reply, await webhooks.updateWebhook(app.db, request.principal, actorOf(request), request.params.id, version, request.body))
    }
  )

  app.post(
    '/:id/secret',
    {
      config: { allow: who },
      schema: {
        operationId: 'rotateWebhookSecret',
        tags: ['webhooks'],
        summary: 'Replace the signing secret; the new one is in this response only',
        description: 'The old secret stops at once: every attempt from now on, retries included, is signed with the new one.',
        params: Params,
        headers: IfMatchHeaders,
        response: { 200: ref(CreatedWebhookSchema), ...updateProblems },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) => {
      const version = expectedVersion(request.headers['if-match'])
      return withEtag(reply, await webhooks.rotateSecret(app.db, request.principal, actorOf(request), request.params.id, version))
    }
  )

  app.delete(
    '/:id',
    {
      config: { allow: who },
      schema: {
        operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Unsubscribe: the webhook and its queued deliveries go',
        description:
          "Removes the subscription; deliveries still queued for it are dropped and no more are made. Needs `If-Match` with the webhook's ETag.",
        params: Params,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Removed.' }), ...updateProblems }
      }
    },
    async (request, reply) => {
      const version = expectedVersion(request.headers['if-match'])
      await webhooks.deleteWebhook(app.db, request.principal, actorOf(request), request.params.id, version)
      return reply.code(204).send(null)
    }
  )

  app.get(
    '/:id/deliveries',
    {
      config: { allow: who },
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: "A webhook's deliveries, newest first, each with every attempt",
        description:
          'What was sent to a webhook: each delivery (one event) with its status and every attempt, its response status and timing, newest first. Use it to see why a receiver is failing.',
        params: Params,
        querystring: DeliveryListQuery,
        response: { 200: Page(ref(DeliverySchema), 'A page of deliveries, newest first.'), ...notFound }
      }
    },
    async (request) => webhooks.listDeliveries(app.db, request.principal, request.params.id, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:id/deliveries/:deliveryId',
    {
      config: { allow: who },
      schema: {
        operationId: 'getWebhookDelivery',
        tags: ['webhooks'],
        summary: 'One delivery with its attempts',
        description:
          'A delivery by its `id`: the event it carried, its status, when the next attempt is due, and every attempt made so far.',
        params: DeliveryParams,
        response: { 200: ref(DeliverySchema), ...notFound }
      }
    },
    async (request) => webhooks.getDelivery(app.db, request.principal, request.params.id, request.params.deliveryId)
  )

  app.post(
    '/:id/deliveries/:deliveryId/redeliver',
    {
      config: { allow: who },
      schema: {
        operationId: 'redeliverWebhookDelivery',
        tags: ['webhooks'],
        summary: 'Send a delivery again, from the start of its retry schedule',
        description: 'For a failed delivery once the receiver is fixed, or a delivered one the receiver lost. The `webhook-id` stays the same.',
        params: DeliveryParams,
        response: { 202: ref(DeliverySchema), ...notFound }
      }
    },
    async (request, reply) => {
      reply.code(202)
      return webhooks.redeliver(app.db, request.principal, actorOf(request), request.params.id, request.params.deliveryId)
    }
  )
}

export default webhookRoutes
