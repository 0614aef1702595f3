import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import {
  CreateProgressUpdateBody,
  CreateReviewBody,
  OngoingActionSchema,
  ProgressUpdateSchema,
  ReviewSchema,
  UpdateOngoingActionBody,
  UpdatesQuery
} from '../../../domain/progress/progress.schemas.ts'
import * as progress from '../../../domain/progress/progress.service.ts'
import { expectedVersion } from '../../../domain/shared/concurrency.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { Page, Uuid, problem, ref } from '../../../schemas/common.ts'
import { CONDITIONAL_READ, CREATED_UNVERSIONED_HEADERS, IdempotencyHeaders, IfMatchHeaders, created, notModified, sets, updateProblems, withEtag } from '../../../schemas/http.ts'

const Params = Type.Object({ id: Uuid }, { additionalProperties: false })
const notFound = problem('No such finding visible to this key.')
const reused = problem('The Idempotency-Key was used for a different request.')

/** A finding's progress (001 section 3.4) and its reviews (3.5), mounted under /v1/findings/{id}. */
const progressRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/:id/updates',
    {
      config: { allow: allow.contributors },
      schema: {
        operationId: 'addProgressUpdate',
        tags: ['progress'],
        summary: 'Report progress on a finding, with evidence and the actions still ongoing',
        description: 'Updates are never edited: a correction is a new update.',
        params: Params,
        headers: IdempotencyHeaders,
        body: CreateProgressUpdateBody,
        response: { 201: ref(ProgressUpdateSchema), 404: notFound, 422: reused },
        ...sets({ 201: CREATED_UNVERSIONED_HEADERS })
      }
    },
    async (request, reply) =>
      created(
        reply,
        `/v1/findings/${request.params.id}/updates`,
        await progress.addUpdate(app.db, request.principal, actorOf(request), request.params.id, request.body, request.headers['idempotency-key'])
      )
  )

  app.get(
    '/:id/updates',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listProgressUpdates',
        tags: ['progress'],
        summary: "A finding's progress updates, newest first",
        description:
          'Every progress update reported on a finding, newest first, each with its evidence and the ongoing actions it reported. Updates are never edited: a correction is a later update.',
        params: Params,
        querystring: UpdatesQuery,
        response: { 200: Page(ref(ProgressUpdateSchema), 'A page of progress updates.'), 404: notFound }
      }
    },
    async (request) => progress.listUpdates(app.db, request.principal, request.params.id, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:id/updates/:updateId',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getProgressUpdate',
        tags: ['progress'],
        summary: 'One progress update of a finding',
        description: "A progress update by its id (the `Location` its report answered with), with its evidence and the ongoing actions it reported. Updates are never edited, so it has no ETag.",
        params: Type.Object({ id: Uuid, updateId: Uuid }, { additionalProperties: false }),
        response: { 200: ref(ProgressUpdateSchema), 404: problem('No such finding visible to this key, or no such update of it.') }
      }
    },
    async (request) => progress.getUpdate(app.db, request.principal, request.params.id, request.params.updateId)
  )

  app.get(
    '/:id/ongoing-actions',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listOngoingActions',
        tags: ['progress'],
        summary: "A finding's ongoing actions with every expected date they have had",
        description:
          "The actions the force reported as still ongoing or not started, from all the finding's updates, each with its `dateHistory` (every expected completion date and why it moved) and `slippageDays`.",
        params: Params,
        response: { 200: Page(ref(OngoingActionSchema), 'Every ongoing action of the finding.', 'unbounded'), 404: notFound }
      }
    },
    async (request) => progress.listOngoingActions(app.db, request.principal, request.params.id)
  )

  app.get(
    '/:id/ongoing-actions/:actionId',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getOngoingAction',
        tags: ['progress'],
        summary: 'One ongoing action of a finding, with every expected date it has had',
        description: 'An ongoing action by its id, with its `dateHistory` and `slippageDays`. The `ETag` header carries its version: send it back as `If-Match` to move its date or change its status.',
        params: Type.Object({ id: Uuid, actionId: Uuid }, { additionalProperties: false }),
        response: { 200: ref(OngoingActionSchema), ...notModified, 404: problem('No such finding visible to this key, or no such ongoing action of it.') },
        ...CONDITIONAL_READ
      }
    },
    async (request, reply) => withEtag(reply, await progress.getOngoingAction(app.db, request.principal, request.params.id, request.params.actionId))
  )

  app.patch(
    '/:id/ongoing-actions/:actionId',
    {
      config: { allow: allow.contributors },
      schema: {
        operationId: 'updateOngoingAction',
        tags: ['progress'],
        summary: 'Move an ongoing action’s expected completion (with a reason) or change its status',
        params: Type.Object({ id: Uuid, actionId: Uuid }, { additionalProperties: false }),
        headers: IfMatchHeaders,
        body: UpdateOngoingActionBody,
        response: { 200: ref(OngoingActionSchema), ...updateProblems },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) =>
      withEtag(
        reply,
        await progress.changeOngoingAction(
          app.db,
          request.principal,
          actorOf(request),
          request.params.id,
          request.params.actionId,
          expectedVersion(request.headers['if-match']),
          request.body
        )
      )
  )

  app.post(
    '/:id/reviews',
    {
      config: { allow: allow.approvers },
      schema: {
        operationId: 'addReview',
        tags: ['progress'],
        summary: 'Record a board or group review: request closure, embed and sustain, or remedial action',
        description:
          "The outcome of a board or delivery and assurance group looking at a finding's progress (001 section 3.5), with the rationale and, optionally, the group that reviewed. A `request_closure` review can then start a closure request.",
        params: Params,
        headers: IdempotencyHeaders,
        body: CreateReviewBody,
        response: { 201: ref(ReviewSchema), 404: notFound, 422: reused },
        ...sets({ 201: CREATED_UNVERSIONED_HEADERS })
      }
    },
    async (request, reply) =>
      created(
        reply,
        `/v1/findings/${request.params.id}/reviews`,
        await progress.addReview(app.db, request.principal, actorOf(request), request.params.id, request.body, request.headers['idempotency-key'])
      )
  )

  app.get(
    '/:id/reviews',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listReviews',
        tags: ['progress'],
        summary: "A finding's reviews, newest first",
        description:
          "Every review recorded on a finding, newest first: the outcome, the rationale, the group and the reviewer's key.",
        params: Params,
        response: { 200: Page(ref(ReviewSchema), 'Every review of the finding.', 'unbounded'), 404: notFound }
      }
    },
    async (request) => progress.listReviews(app.db, request.principal, request.params.id)
  )

  app.get(
    '/:id/reviews/:reviewId',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getReview',
        tags: ['progress'],
        summary: 'One review of a finding',
        description: "A review by its id (the `Location` its recording answered with): the outcome, the rationale, the group and the reviewer's key. Reviews are never edited, so it has no ETag.",
        params: Type.Object({ id: Uuid, reviewId: Uuid }, { additionalProperties: false }),
        response: { 200: ref(ReviewSchema), 404: problem('No such finding visible to this key, or no such review of it.') }
      }
    },
    async (request) => progress.getReview(app.db, request.principal, request.params.id, request.params.reviewId)
  )
}

export default progressRoutes
