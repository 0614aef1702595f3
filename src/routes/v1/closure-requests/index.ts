import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { ClosureListQuery, ClosureRequestSchema, CreateClosureRequestBody, TransitionBody } from '../../../domain/closure/closure.schemas.ts'
import * as closure from '../../../domain/closure/closure.service.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { Page, Uuid, problem, ref } from '../../../schemas/common.ts'
import { expectedVersion } from '../../../domain/shared/concurrency.ts'
import { CONDITIONAL_READ, CREATED_HEADERS, IdempotencyHeaders, IfMatch, createProblems, created, notModified, sets, withEtag } from '../../../schemas/http.ts'

const Params = Type.Object({ id: Uuid }, { additionalProperties: false })

const closureRequests: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listClosureRequests',
        tags: ['closure'],
        summary: 'Closure requests, oldest first, with their moves',
        description:
          "Closure requests across the register, oldest first, filtered by `force`, `status` or `findingId`, each with every move it has made from draft to the inspectorate's decision. Paged by `cursor`.",
        querystring: ClosureListQuery,
        response: { 200: Page(ref(ClosureRequestSchema), 'A page of closure requests.') }
      }
    },
    async (request) => closure.listRequests(app.db, request.principal, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.post(
    '/',
    {
      config: { allow: allow.registrars },
      schema: {
        operationId: 'createClosureRequest',
        tags: ['closure'],
        summary: 'Draft a closure request for a finding, pinning its evidence as it stands',
        description: 'The finding becomes closure_requested. One request per finding may be under way at a time (409 otherwise).',
        headers: IdempotencyHeaders,
        body: CreateClosureRequestBody,
        response: { 201: ref(ClosureRequestSchema), ...createProblems },
        ...sets({ 201: CREATED_HEADERS })
      }
    },
    async (request, reply) =>
      created(reply, '/v1/closure-requests', await closure.createRequest(app.db, request.principal, actorOf(request), request.body, request.headers['idempotency-key']))
  )

  app.get(
    '/:id',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getClosureRequest',
        tags: ['closure'],
        summary: 'One closure request with every move',
        description:
          'A closure request by its `id`: its summary, the evidence pinned when it was drafted, its status and every transition with who made it and when.',
        params: Params,
        response: { 200: ref(ClosureRequestSchema), ...notModified, 404: problem('No such request visible to this key.') },
        ...CONDITIONAL_READ
      }
    },
    async (request, reply) => withEtag(reply, await closure.getRequest(app.db, request.principal, request.params.id))
  )

  app.post(
    '/:id/transitions',
    {
      config: { allow: [...new Set([...allow.registrars, ...allow.approvers])] },
      schema: {
        operationId: 'transitionClosureRequest',
        tags: ['closure'],
        summary: 'Move a closure request on: submit, approve, return, send_to_fll, close, close_pending_signoff, sign_off, reject, withdraw',
        description:
          'Each action has its own roles (approve and return: approvers, never the key that submitted; the others: registrars). ' +
          'An action not allowed from the current state is 409, and so is the loser of two concurrent moves. The finding follows: ' +
          'closure_requested while the request is under way; open again after returned, rejected or withdrawn; closed when the FLL ' +
          'closes it, with the portal left open while central sign-off is awaited.',
        params: Params,
        headers: Type.Object({
          'if-match': IfMatch('The ETag of the request as you read it: the move then applies only if nothing moved it since (409 otherwise).')
        }),
        body: TransitionBody,
        response: {
          200: ref(ClosureRequestSchema),
          404: problem('No such request visible to this key.'),
          409: problem('The action does not apply to the state the request is in, or If-Match is stale.'),
          412: problem('If-Match is not an ETag this service issued.')
        },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) => {
      const ifMatch = request.headers['if-match']
      // If-Match is optional here: an empty one counts as none.
      const version = ifMatch === undefined || ifMatch.trim() === '' ? undefined : expectedVersion(ifMatch)
      const view = await closure.transition(app.db, request.principal, actorOf(request), request.params.id, request.body.action, request.body.note, version)
      return withEtag(reply, view)
    }
  )
}

export default closureRequests
