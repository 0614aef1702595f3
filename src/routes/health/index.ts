import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'kysely'
import { Type } from 'typebox'
import { problem } from '../../schemas/common.ts'
import { sets } from '../../schemas/http.ts'

const Health = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Optional(Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]))
})

const READY_TIMEOUT_MS = 2_000
const fault = problem('A fault of ours; quote the requestId.')

/** Unauthenticated, for orchestrators. Live: the process answers. Ready: it can reach its database. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/live',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'Whether the process is up',
        description: 'For an orchestrator\'s liveness probe: 200 whenever the process answers, whatever the database. Needs no key and is never rate limited.',
        response: { 200: Health, 500: fault }
      }
    },
    async () => ({ status: 'ok' as const })
  )

  app.get(
    '/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Whether the service can reach its database and take traffic',
        description: 'For a readiness probe or a load balancer: 200 when a query to the database succeeds, 503 with Retry-After when it does not. Needs no key.',
        response: { 200: Health, 500: fault, 503: problem('The database is unreachable.') },
        ...sets({ 200: ['Cache-Control'] })
      }
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          sql`select 1`.execute(app.db),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout exceeded when trying to connect')), READY_TIMEOUT_MS)
          })
        ])
      } finally {
        clearTimeout(timer)
      }
      reply.header('cache-control', 'no-store')
      return { status: 'ok' as const, database: app.database.backend }
    }
  )
}

export default health
