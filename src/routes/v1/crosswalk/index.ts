import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { allow } from '../../../domain/access/roles.ts'
import { CrosswalkQuery, CrosswalkSchema } from '../../../domain/crosswalk/crosswalk.schemas.ts'
import { crosswalk } from '../../../domain/crosswalk/crosswalk.service.ts'
import { problem, ref } from '../../../schemas/common.ts'

const crosswalkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getCrosswalk',
        tags: ['frameworks'],
        summary: 'Which questions of one framework version cover the same ground as questions of another',
        description:
          'Links are curated between consecutive versions (2018/19 → 2021/22 → 2023-25 → 2025-27) and chained here ' +
          'across any two, in either direction. Each link shows every chain it rests on, with the rationale of each step.',
        querystring: CrosswalkQuery,
        response: { 200: ref(CrosswalkSchema), 404: problem('No such question in the `from` version.') }
      }
    },
    async (request) => crosswalk(app.db, request.query)
  )
}

export default crosswalkRoutes
