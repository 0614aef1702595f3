import { Type } from 'typebox'
import { ForceCode, PageQuery, Timestamp, Uuid } from '../../schemas/common.ts'
import { EventTypePattern } from '../events/events.schemas.ts'

const Url = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: 2000,
  description: 'Where deliveries are POSTed: an http or https URL, without user name or password in it.',
  examples: ['https://case-system.example.police.uk/hooks/peel']
})
const EventTypes = Type.Array(EventTypePattern, {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
  description: 'The events to deliver: exact types (`finding.update`), every event of an entity (`closure_request.*`), or `*`.'
})
const Description = Type.String({ minLength: 1, maxLength: 500 })

const webhookFields = {
  id: Uuid,
  force: ForceCode,
  url: Url,
  description: Type.Union([Description, Type.Null()]),
  eventTypes: Type.Array(Type.String()),
  active: Type.Boolean({ description: 'Inactive webhooks receive nothing; deliveries already queued wait until reactivated.' }),
  version: Type.Integer({ description: 'Bumped by every change; the ETag.' }),
  createdAt: Timestamp,
  updatedAt: Timestamp
}

export const WebhookSchema = Type.Object(webhookFields, { $id: 'Webhook', description: 'A subscription of a URL to event types of one force.' })

export const CreatedWebhookSchema = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      description: 'The signing secret (`whsec_` then base64). Shown only in this response: store it to verify deliveries.',
      examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']
    })
  },
  { $id: 'CreatedWebhook', description: 'A webhook with its signing secret, shown once.' }
)

export const CreateWebhookBody = Type.Object(
  {
    force: Type.Optional(ForceCode),
    url: Url,
    eventTypes: EventTypes,
    description: Type.Optional(Description),
    active: Type.Optional(Type.Boolean({ default: true }))
  },
  { additionalProperties: false, examples: [{ url: 'https://case-system.example.police.uk/hooks/peel', eventTypes: ['finding.*', 'closure_request.*'], description: 'Case system: register changes' }] }
)

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    active: Type.Optional(Type.Boolean())
  },
  { additionalProperties: false, minProperties: 1, examples: [{ active: false }] }
)

export const WebhookListQuery = Type.Object({ ...PageQuery.properties, force: Type.Optional(ForceCode) }, { additionalProperties: false })

export const AttemptSchema = Type.Object({
  attemptedAt: Timestamp,
  durationMs: Type.Integer(),
  responseStatus: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's HTTP status; null when no response came." }),
  responseBody: Type.Union([Type.String(), Type.Null()], { description: 'The first 1,000 characters of the response.' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the attempt failed without a response (timeout, refused, ...).' }),
  succeeded: Type.Boolean()
})

export const DeliverySchema = Type.Object(
  {
    id: Type.String({ description: 'Also the `webhook-id` header: the same on every attempt, so receivers can drop repeats.' }),
    webhookId: Uuid,
    eventId: Type.String(),
    eventType: Type.String(),
    status: Type.Enum(['pending', 'delivered', 'failed'], {
      description: 'pending: queued or waiting for a retry; delivered: a 2xx came back; failed: every retry was used up.'
    }),
    attempts: Type.Integer({ description: 'Attempts since the delivery was (re)queued.' }),
    nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    history: Type.Array(AttemptSchema, { description: 'Every attempt, oldest first.' })
  },
  { $id: 'WebhookDelivery', description: 'One event on its way to one webhook.' }
)

export const DeliveryListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(Type.Enum(['pending', 'delivered', 'failed']))
  },
  { additionalProperties: false }
)
