import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { allow } from '../../../domain/access/roles.ts'
import { EventListQuery, EventPageSchema } from '../../../domain/events/events.schemas.ts'
import * as events from '../../../domain/events/events.service.ts'
import { problem } from '../../../schemas/common.ts'

const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listEvents',
        tags: ['events'],
        summary: 'The change feed: every write to the register, oldest first, resumable by cursor',
        description:
          'Each write to a register (findings and their actions, progress updates, ongoing actions, reviews, closure requests, ' +
          'inspections, governance groups, imports) is recorded as an event in the same transaction as the write. Events come ' +
          'in a stable order that never changes afterwards: keep `nextCursor` and pass it back as `cursor` to receive only what ' +
          'happened since, with nothing missed and nothing repeated, even when writes commit out of order. A force key sees its ' +
          "own force's events; a national key sees every force unless it names one. Start with `start=latest` to follow from now on.",
        querystring: EventListQuery,
        response: {
          200: EventPageSchema,
          400: problem('A bad cursor, type pattern or limit.'),
          403: problem('A force key asked for another force.')
        }
      }
    },
    async (request) => events.list(app.db, request.principal, request.query)
  )
}

export default eventRoutes
