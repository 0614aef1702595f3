import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { allow } from '../../../domain/access/roles.ts'
import { GradingListQuery, GradingSchema } from '../../../domain/gradings/gradings.schemas.ts'
import { listGradings } from '../../../domain/gradings/gradings.service.ts'
import { Page, ref } from '../../../schemas/common.ts'

const gradings: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listGradings',
        tags: ['gradings'],
        summary: "Forces' published PEEL grades, by framework version, force and area",
        description:
          'Every cell of the national grading tables for PEEL 2021/22 and 2023-25 (003). Cells that hold no grade ' +
          '(N/A, Ungraded, Not inspected) are listed with `grade: null` and say which in `assessment`.',
        querystring: GradingListQuery,
        response: { 200: Page(ref(GradingSchema), 'A page of gradings, by framework, force and table column.') }
      }
    },
    async (request) => listGradings(app.db, { ...request.query, limit: request.query.limit ?? 50 })
  )
}

export default gradings
