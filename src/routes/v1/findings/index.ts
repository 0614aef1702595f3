import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import {
  ActionSchema,
  CreateActionBody,
  CreateFindingBody,
  FindingDetailSchema,
  FindingListQuery,
  FindingSchema,
  HistoryEntrySchema,
  UpdateActionBody,
  UpdateFindingBody
} from '../../../domain/findings/findings.schemas.ts'
import * as findings from '../../../domain/findings/findings.service.ts'
import { expectedVersion } from '../../../domain/shared/concurrency.ts'
import { type CsvColumn, toCsv } from '../../../domain/shared/csv.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { sendPage } from '../../../plugins/app/page-cache.ts'
import { Page, PageQuery, Uuid, problem, ref } from '../../../schemas/common.ts'
import { CONDITIONAL_READ, CREATED_HEADERS, IdempotencyHeaders, IfMatchHeaders, createProblems, created, notModified, sets, updateProblems, wantsCsv, withEtag } from '../../../schemas/http.ts'

const Params = Type.Object({ id: Uuid }, { additionalProperties: false })
const ActionParams = Type.Object({ id: Uuid, actionId: Uuid }, { additionalProperties: false })

/** The JSON fields, each id with the name a person reads beside it. */
const CSV_COLUMNS: CsvColumn<findings.NamedFindingView>[] = [
  { header: 'id', value: (f) => f.id },
  { header: 'force', value: (f) => f.force },
  { header: 'reference', value: (f) => f.reference },
  { header: 'kind', value: (f) => f.kind },
  { header: 'title', value: (f) => f.title },
  { header: 'text', value: (f) => f.text },
  { header: 'scope', value: (f) => f.scope },
  { header: 'inspectionId', value: (f) => f.inspectionId },
  { header: 'inspectionKey', value: (f) => f.inspectionKey },
  { header: 'inspectionTitle', value: (f) => f.inspectionTitle },
  { header: 'parentId', value: (f) => f.parentId },
  { header: 'parentReference', value: (f) => f.parentReference },
  { header: 'questions', value: (f) => f.questions.map((q) => `${q.framework}:${q.ref}`).join(' ') },
  { header: 'deadlineText', value: (f) => f.deadlineText },
  { header: 'dueDate', value: (f) => f.dueDate },
  { header: 'overdue', value: (f) => f.overdue },
  { header: 'forceLead', value: (f) => f.forceLead },
  { header: 'deliveryLead', value: (f) => f.deliveryLead },
  { header: 'governanceGroupId', value: (f) => f.governanceGroupId },
  { header: 'governanceGroupName', value: (f) => f.governanceGroupName },
  { header: 'status', value: (f) => f.status },
  { header: 'statusNote', value: (f) => f.statusNote },
  { header: 'portalStatus', value: (f) => f.portalStatus },
  { header: 'portalNote', value: (f) => f.portalNote },
  { header: 'supersededById', value: (f) => f.supersededById },
  { header: 'supersededByReference', value: (f) => f.supersededByReference },
  { header: 'version', value: (f) => f.version },
  { header: 'createdAt', value: (f) => f.createdAt },
  { header: 'updatedAt', value: (f) => f.updatedAt },
  { header: 'closedVia', value: (f) => f.closedVia }
]

const findingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listFindings',
        tags: ['register'],
        summary: 'The register: findings with filters, sorting and pages, as JSON or CSV',
        description:
          'Filters combine (AND); a repeated parameter matches any of its values. Without `sort` the list is by reference, ' +
          'or best match first when `q` is given. `Accept: text/csv` (or `format=csv`) returns the same page as RFC 4180 CSV, ' +
          'with the next page in a `Link: <...>; rel="next"` header. A JSON page asked for again is given from a cache for as long as ' +
          'nothing in its register has changed (checked with the database on every request, so never stale); its `Cache-Status` ' +
          'header (RFC 9211) says `peel-register; hit`, or `fwd=miss` or `fwd=stale` when built anew.',
        querystring: FindingListQuery,
        response: {
          200: {
            description: 'A page of findings.',
            content: {
              'application/json': { schema: Page(ref(FindingSchema), 'A page of findings.') },
              'text/csv': {
                schema: Type.String({
                  description:
                    'The page as CSV, one finding a row, with a header row: the fields of the JSON form, and beside each id the name a person ' +
                    'reads (inspectionKey and inspectionTitle, parentReference, governanceGroupName, supersededByReference).'
                })
              }
            }
          }
        },
        ...sets({ 200: ['Cache-Status', 'Link', 'Content-Disposition'] })
      }
    },
    async (request, reply) => {
      const query = { ...request.query, limit: request.query.limit ?? 50 }
      if (!wantsCsv(request, request.query.format)) {
        return sendPage(reply, await findings.listFindingsJson(app.db, request.principal, query, app.pageCache))
      }
      const page = await findings.listFindings(app.db, request.principal, query)
      if (page.nextCursor) {
        const next = new URLSearchParams(request.query as Record<string, string>)
        next.set('cursor', page.nextCursor)
        reply.header('link', `</v1/findings?${next.toString()}>; rel="next"`)
      }
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'inline; filename="findings.csv"').send(toCsv(page.items, CSV_COLUMNS))
    }
  )

  app.post(
    '/',
    {
      config: { allow: allow.registrars },
      schema: {
        operationId: 'createFinding',
        tags: ['register'],
        summary: 'Add a finding to a force register, with its separate actions',
        description: 'A national key names the `force`; a force key may leave it out. Send an Idempotency-Key so a retry never makes a second row.',
        headers: IdempotencyHeaders,
        body: CreateFindingBody,
        response: { 201: ref(FindingDetailSchema), ...createProblems },
        ...sets({ 201: CREATED_HEADERS })
      }
    },
    async (request, reply) =>
      created(reply, '/v1/findings', await findings.createFinding(app.db, request.principal, actorOf(request), request.body, request.headers['idempotency-key']))
  )

  app.get(
    '/:id',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getFinding',
        tags: ['register'],
        summary: 'One finding with its separate actions',
        description:
          'A finding by its `id`, with the separate actions the inspectorate listed under it. The `ETag` header carries its version: send it back as `If-Match` to change or remove it.',
        params: Params,
        response: { 200: ref(FindingDetailSchema), ...notModified, 404: problem('No such finding visible to this key.') },
        ...CONDITIONAL_READ
      }
    },
    async (request, reply) => withEtag(reply, await findings.getFinding(app.db, request.principal, request.params.id))
  )

  app.patch(
    '/:id',
    {
      config: { allow: allow.registrars },
      schema: {
        operationId: 'updateFinding',
        tags: ['register'],
        summary: 'Change a finding',
        description: 'Send only the fields to change (null clears an optional one) with If-Match: the ETag you read.',
        params: Params,
        headers: IfMatchHeaders,
        body: UpdateFindingBody,
        response: { 200: ref(FindingDetailSchema), ...updateProblems },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) =>
      withEtag(
        reply,
        await findings.updateFinding(app.db, request.principal, actorOf(request), request.params.id, expectedVersion(request.headers['if-match']), request.body)
      )
  )

  app.get(
    '/:id/history',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getFindingHistory',
        tags: ['register'],
        summary: 'Every change to a finding and its actions, oldest first, from the audit log',
        description:
          'The audit trail of a finding: every create, change and removal of it and of its actions, with who made it (the API key), when, the request id, and the values before and after.',
        params: Params,
        querystring: Type.Object(PageQuery.properties, { additionalProperties: false }),
        response: { 200: Page(ref(HistoryEntrySchema), 'A page of changes.'), 404: problem('No such finding visible to this key.') }
      }
    },
    async (request) => findings.findingHistory(app.db, request.principal, request.params.id, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:id/actions',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listFindingActions',
        tags: ['register'],
        summary: "A finding's separate actions, in order",
        description:
          'The separate actions the inspectorate listed under a finding (for example the numbered actions of a National Child Protection Inspection recommendation), in their published order, each open or done.',
        params: Params,
        response: { 200: Page(ref(ActionSchema), 'Every action of the finding.', 'unbounded'), 404: problem('No such finding visible to this key.') }
      }
    },
    async (request) => findings.listActions(app.db, request.principal, request.params.id)
  )

  app.post(
    '/:id/actions',
    {
      config: { allow: allow.registrars },
      schema: {
        operationId: 'addFindingAction',
        tags: ['register'],
        summary: 'Add a separate action to a finding',
        description:
          "Appends an action to the end of the finding's list. Actions are the inspectorate's own sub-items of a finding; the force's own plans go in progress updates as ongoing actions.",
        params: Params,
        headers: IdempotencyHeaders,
        body: CreateActionBody,
        response: { 201: ref(ActionSchema), 404: problem('No such finding visible to this key.'), 422: createProblems[422] },
        ...sets({ 201: CREATED_HEADERS })
      }
    },
    async (request, reply) =>
      created(
        reply,
        `/v1/findings/${request.params.id}/actions`,
        await findings.addAction(app.db, request.principal, actorOf(request), request.params.id, request.body, request.headers['idempotency-key'])
      )
  )

  app.get(
    '/:id/actions/:actionId',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getFindingAction',
        tags: ['register'],
        summary: 'One separate action of a finding',
        description: "An action by its id, as the finding's list shows it. The `ETag` header carries its version: send it back as `If-Match` to change or remove it.",
        params: ActionParams,
        response: { 200: ref(ActionSchema), ...notModified, 404: problem('No such finding visible to this key, or no such action of it.') },
        ...CONDITIONAL_READ
      }
    },
    async (request, reply) => withEtag(reply, await findings.getAction(app.db, request.principal, request.params.id, request.params.actionId))
  )

  app.patch(
    '/:id/actions/:actionId',
    {
      config: { allow: allow.registrars },
      schema: {
        operationId: 'updateFindingAction',
        tags: ['register'],
        summary: 'Change an action (its text, or mark it done)',
        description:
          "Send only what changes. Needs `If-Match` with the action's ETag: 428 without it, 412 if someone changed the action since you read it.",
        params: ActionParams,
        headers: IfMatchHeaders,
        body: UpdateActionBody,
        response: { 200: ref(ActionSchema), ...updateProblems },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) =>
      withEtag(
        reply,
        await findings.updateAction(
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

  app.delete(
    '/:id/actions/:actionId',
    {
      config: { allow: allow.registrars },
      schema: {
        operationId: 'deleteFindingAction',
        tags: ['register'],
        summary: 'Remove an action',
        description:
          "Removes an action listed in error. Needs `If-Match` with the action's ETag. The removal stays in the finding's history.",
        params: ActionParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Removed.' }), ...updateProblems }
      }
    },
    async (request, reply) => {
      await findings.removeAction(app.db, request.principal, actorOf(request), request.params.id, request.params.actionId, expectedVersion(request.headers['if-match']))
      return reply.code(204).send(null)
    }
  )
}

export default findingRoutes
