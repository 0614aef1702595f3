import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { ForceListQuery, ForceSchema } from '../../../domain/forces/forces.schemas.ts'
import { getForce, listForces } from '../../../domain/forces/forces.service.ts'
import { GradeHistorySchema } from '../../../domain/gradings/gradings.schemas.ts'
import { gradeHistory } from '../../../domain/gradings/gradings.service.ts'
import { ForceCode, Page, problem, ref } from '../../../schemas/common.ts'

const forces: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listForces',
        tags: ['forces'],
        summary: 'List the forces, by code',
        description:
          'The territorial police forces of England and Wales. Each has a stable `code` (e.g. `cleveland`, `avon-and-somerset`) that every other endpoint uses to name a force. Paged: pass the `nextCursor` of one page as `cursor` for the next.',
        querystring: ForceListQuery,
        response: { 200: Page(ref(ForceSchema), 'A page of forces.') }
      }
    },
    async (request) => listForces(app.db, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:code',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getForce',
        tags: ['forces'],
        summary: 'One force',
        description:
          'A force by its `code`, e.g. `cleveland`: its name and country.',
        params: Type.Object({ code: ForceCode }, { additionalProperties: false }),
        response: { 200: ref(ForceSchema), 404: problem('No force with that code.') }
      }
    },
    async (request) => getForce(app.db, request.params.code)
  )

  app.get(
    '/:code/grades',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getForceGradeHistory',
        tags: ['forces', 'gradings'],
        summary: "A force's published grades across framework versions",
        description:
          'Every PEEL grade published for this force, under each framework version it was inspected against, so its grades can be followed from one inspection to the next.',
        params: Type.Object({ code: ForceCode }, { additionalProperties: false }),
        response: { 200: ref(GradeHistorySchema), 404: problem('No force with that code.') }
      }
    },
    async (request) => gradeHistory(app.db, request.params.code)
  )
}

export default forces
