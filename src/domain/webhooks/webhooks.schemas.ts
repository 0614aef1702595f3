import { Type } from 'typebox'
import { AuditId, ForceCode, PageQuery, Timestamp, Uuid, Version } from '../../schemas/common.ts'
import { Count, FreeText, INT32_MAX, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'
import { EventType, EventTypePattern } from '../events/events.schemas.ts'

/** How much of a receiver's answer, or of why there was none, an attempt keeps. */
export const KEPT_RESPONSE_CHARS = 1000

const Url = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: MAX_LENGTH.url,
  description: 'Where deliveries are POSTed: an http or https URL, without user name or password in it.',
  examples: ['https://case-system.example.police.uk/hooks/peel']
})
const EventTypes = Type.Array(EventTypePattern, {
  minItems: 1,
  maxItems: MAX_ITEMS.eventTypes,
  uniqueItems: true,
  description: 'The events to deliver: exact types (`finding.update`), every event of an entity (`closure_request.*`), or `*`.'
})
const Description = FreeText(MAX_LENGTH.shortText, { minLength: 1 })

const webhookFields = {
  id: Uuid,
  force: ForceCode,
  url: Url,
  description: Type.Union([Description, Type.Null()]),
  eventTypes: Type.Array(EventTypePattern, { maxItems: MAX_ITEMS.eventTypes }),
  active: Type.Boolean({ description: 'Inactive webhooks receive nothing; deliveries already queued wait until reactivated.' }),
  version: Version('Bumped by every change; the ETag.'),
  createdAt: Timestamp,
  updatedAt: Timestamp
}

export const WebhookSchema = Type.Object(webhookFields, { $id: 'Webhook', description: 'A subscription of a URL to event types of one force.' })

export const CreatedWebhookSchema = Type.Object(
  {
    ...webhookFields,
    secret: Type.String({
      pattern: '^whsec_[A-Za-z0-9+/]{43}=$',
      maxLength: 50,
      description: 'The signing secret (`whsec_` then 32 random bytes in base64). Shown only in this response: store it to verify deliveries.',
      examples: ['whsec_xBhSMMvrtzZ1MInEHtD85Z9LsIlIbjlEUyO3xX0UBDA=']
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
  durationMs: Type.Integer({ format: 'int32', minimum: 0, maximum: INT32_MAX }),
  responseStatus: Type.Union([Type.Integer({ format: 'int32', minimum: 0, maximum: 999 }), Type.Null()], {
    description: "The receiver's HTTP status; null when no response came."
  }),
  responseBody: Type.Union([FreeText(KEPT_RESPONSE_CHARS), Type.Null()], { description: `The first ${KEPT_RESPONSE_CHARS.toLocaleString('en-GB')} characters of the response.` }),
  error: Type.Union([FreeText(KEPT_RESPONSE_CHARS), Type.Null()], { description: 'Why the attempt failed without a response (timeout, refused, ...).' }),
  succeeded: Type.Boolean()
})

export const DeliverySchema = Type.Object(
  {
    id: Type.String({
      format: 'uuid',
      maxLength: MAX_LENGTH.uuid,
      description: 'Also the `webhook-id` header: the same on every attempt, so receivers can drop repeats.'
    }),
    webhookId: Uuid,
    eventId: AuditId(),
    eventType: EventType(),
    status: Type.Enum(['pending', 'delivered', 'failed'], {
      description: 'pending: queued or waiting for a retry; delivered: a 2xx came back; failed: every retry was used up.'
    }),
    attempts: Count('Attempts since the delivery was (re)queued.'),
    nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    history: Type.Array(AttemptSchema, { description: 'Every attempt, oldest first: a redelivery adds to them.' })
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
