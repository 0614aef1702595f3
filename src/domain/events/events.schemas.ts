import { Type } from 'typebox'
import { ForceCode, Timestamp, ref } from '../../schemas/common.ts'

/** finding.update, closure_request.*, or * for everything. */
export const EventTypePattern = Type.String({
  pattern: '^(\\*|[a-z_]+\\.(\\*|[a-z_]+(\\.[a-z_]+)*))$',
  maxLength: 100,
  description: 'An event type (`finding.update`), every event of one entity (`finding.*`), or every event (`*`).',
  examples: ['finding.update', 'closure_request.*']
})

export const EventSchema = Type.Object(
  {
    id: Type.String({ description: 'The event id, unique in this deployment.', examples: ['1042'] }),
    type: Type.String({
      description: 'The entity and what happened to it, e.g. `finding.create`, `finding.update`, `progress_update.create`, `closure_request.submit`, `finding.closure.closed`.',
      examples: ['finding.update']
    }),
    entity: Type.Object({
      type: Type.String({ description: 'finding, finding_action, progress_update, ongoing_action, review, closure_request, inspection or governance_group.' }),
      id: Type.String()
    }),
    rootId: Type.String({ description: 'The record this change belongs to: the finding, for a change to one of its actions, updates or reviews.' }),
    force: Type.Union([ForceCode, Type.Null()]),
    occurredAt: Timestamp,
    actorKeyId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The API key that made the change; null for the service itself.' }),
    requestId: Type.Union([Type.String(), Type.Null()], { description: 'The request that made the change (its x-request-id).' }),
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
    Type.Array(EventTypePattern, { maxItems: 50, description: 'Only these event types (repeat the parameter for several).' })
  ),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `nextCursor` of the previous page: the feed resumes just after it.' })),
  start: Type.Optional(
    Type.Enum(['beginning', 'latest'], {
      default: 'beginning',
      description: 'Without a cursor: `beginning` replays the whole history; `latest` returns no events and a cursor at the head, to follow from now on.'
    })
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'How many events to return (1 to 1000).' }))
}, { additionalProperties: false })

export const EventPageSchema = Type.Object(
  {
    items: Type.Array(ref(EventSchema)),
    nextCursor: Type.String({ description: 'Where to resume: pass it as `cursor` next time, whether or not this page was empty.' }),
    hasMore: Type.Boolean({ description: 'True when more events are already waiting after this page.' })
  },
  { description: 'A page of the change feed, oldest first.' }
)
