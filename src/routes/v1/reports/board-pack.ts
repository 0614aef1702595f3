import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { BoardPackQuery, BoardPackSchema } from '../../../domain/reports/reports.schemas.ts'
import { boardPack } from '../../../domain/reports/reports.service.ts'
import { Uuid, problem } from '../../../schemas/common.ts'

/**
 * A governance group's board pack, mounted under /v1/governance-groups beside the group's own
 * routes (which come from the CRUD factory).
 */
const boardPackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:id/board-pack',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getBoardPack',
        tags: ['reports'],
        summary: "What a governance group's next meeting needs: updates to review, closures to decide, slipped dates, overdue items",
        description:
          "For the findings the group monitors: `dueForReview`, open findings with progress reported since their latest review (or never reviewed); " +
          '`awaitingBoard`, closure requests before the board (board_review); `slippage`, every move of an ongoing action\'s expected completion ' +
          "made on or after `since` (by default the day of the group's last meeting, taken as the latest review it recorded; every move if it has " +
          'recorded none); and `overdue` on `asOf` (today, UTC, by default), as GET /v1/reports/overdue. A group of another force is 404 to a force key.',
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        querystring: BoardPackQuery,
        response: { 200: BoardPackSchema, 404: problem('No such governance group visible to this key.') }
      }
    },
    async (request) => boardPack(app.db, request.principal, request.params.id, request.query)
  )
}

export default boardPackRoutes
