import { Type } from 'typebox'
import { AuditId, CURSOR_PATTERN, EntityType, ForceCode, RequestId, Timestamp, Uuid, ref } from '../../schemas/common.ts'
import { FEED_LIMIT_MAX, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'

/** finding.update, closure_request.*, or * for everything. */
export const EventTypePattern = Type.String({
  pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+(\\.[a-z_]+)*))$',
  maxLength: MAX_LENGTH.eventType,
  description: 'An event type (`finding.update`), every event of one entity (`finding.*`), or every event (`*`).',
  examples: ['finding.update', 'closure_request.*']
})

/** An event's type: the entity, then what happened to it. */
export const EventType = (description?: string) =>
  Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)+$', maxLength: MAX_LENGTH.eventType, examples: ['finding.update'], ...(description ? { description } : {}) })

export const EventSchema = Type.Object(
  {
    id: AuditId('The event id, unique in this deployment.'),
    type: EventType(
      'The entity and what happened to it, e.g. `finding.create`, `finding.update`, `progress_update.create`, `closure_request.submit`, `finding.closure.closed`.'
    ),
    entity: Type.Object({
      type: EntityType('finding, finding_action, progress_update, ongoing_action, review, closure_request, inspection or governance_group.'),
      id: Uuid
    }),
    rootId: Type.String({ format: 'uuid', maxLength: MAX_LENGTH.uuid, description: 'The record this change belongs to: the finding, for a change to one of its actions, updates or reviews.' }),
    force: Type.Union([ForceCode, Type.Null()]),
    occurredAt: Timestamp,
    actorKeyId: Type.Union([Uuid, Type.Null()], { description: 'The API key that made the change; null for the service itself.' }),
    requestId: Type.Union([RequestId(), Type.Null()], { description: 'The request that made the change (its x-request-id).' }),
    data: Type.Unknown({ description: 'The entity as it stands after the change (as it stood before, for a deletion).' }),
    changes: Type.Union(
      [Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() }))],
      { description: 'For a change to an existing entity, each field that changed, from and to; `{}` for a creation or deletion.' }
    )
  },
  { $id: 'Event', description: 'One write to the register, as the change feed and webhooks carry it.' }
)

export const EventListQuery = Type.Object({
  force: Type.Optional(ForceCode),
  types: Type.Optional(
    Type.Array(EventTypePattern, { maxItems: MAX_ITEMS.eventTypes, description: 'Only these event types (repeat the parameter for several).' })
  ),
  cursor: Type.Optional(
    Type.String({ pattern: CURSOR_PATTERN, maxLength: MAX_LENGTH.eventCursor, description: 'The `nextCursor` of the previous page: the feed resumes just after it.' })
  ),
  start: Type.Optional(
    Type.Enum(['beginning', 'latest'], {
      default: 'beginning',
      description: 'Without a cursor: `beginning` replays the whole history; `latest` returns no events and a cursor at the head, to follow from now on.'
    })
  ),
  limit: Type.Optional(
    Type.Integer({ format: 'int32', minimum: 1, maximum: FEED_LIMIT_MAX, default: 100, description: `How many events to return (1 to ${FEED_LIMIT_MAX}).` })
  )
}, { additionalProperties: false })

export const EventPageSchema = Type.Object(
  {
    items: Type.Array(ref(EventSchema), { maxItems: FEED_LIMIT_MAX }),
    nextCursor: Type.String({
      pattern: CURSOR_PATTERN,
      maxLength: MAX_LENGTH.eventCursor,
      description: 'Where to resume: pass it as `cursor` next time, whether or not this page was empty.'
    }),
    hasMore: Type.Boolean({ description: 'True when more events are already waiting after this page.' })
  },
  { description: 'A page of the change feed, oldest first.' }
)
