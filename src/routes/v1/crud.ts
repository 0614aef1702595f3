import type { FastifyInstance } from 'fastify'
import { type TSchema, Type } from 'typebox'
import type { Principal, Role } from '../../domain/access/roles.ts'
import type { Actor } from '../../domain/audit/audit.repository.ts'
import { expectedVersion } from '../../domain/shared/concurrency.ts'
import type { StoredResponse } from '../../domain/shared/idempotency.ts'
import { actorOf } from '../../plugins/app/auth.ts'
import { Page, Uuid, problem, ref } from '../../schemas/common.ts'
import { CONDITIONAL_READ, CREATED_HEADERS, IdempotencyHeaders, IfMatchHeaders, createProblems, created, notModified, sets, updateProblems, withEtag } from '../../schemas/http.ts'

type Record = { id: string; version: number }

/**
 * The five operations every register resource has (list, create, read, change, remove), with the
 * same contract each time: keyset pages, Idempotency-Key on create, ETag/If-Match on change and
 * remove. A resource supplies its schemas, its service functions and its words.
 */
export interface CrudSpec {
  /** e.g. 'GovernanceGroup', for operation ids. */
  name: string
  /** e.g. 'GovernanceGroups'. */
  plural: string
  /** The path the routes are mounted at, for Location headers. */
  path: string
  tag: string
  readers: readonly Role[]
  writers: readonly Role[]
  schema: TSchema
  createBody: TSchema
  updateBody: TSchema
  listQuery: TSchema
  summaries: { list: string; create: string; get: string; update: string; remove?: string }
  createDescription?: string
  list(principal: Principal, query: { limit: number } & object): Promise<{ items: unknown[]; nextCursor: string | null }>
  get(principal: Principal, id: string): Promise<Record>
  create(principal: Principal, actor: Actor, body: unknown, idempotencyKey: string | undefined): Promise<StoredResponse<Record>>
  update(principal: Principal, actor: Actor, id: string, version: number, body: unknown): Promise<Record>
  remove?(principal: Principal, actor: Actor, id: string, version: number): Promise<void>
}

const Params = Type.Object({ id: Uuid }, { additionalProperties: false })

export function crudRoutes(app: FastifyInstance, spec: CrudSpec): void {
  app.get(
    '/',
    {
      config: { allow: spec.readers },
      schema: {
        operationId: `list${spec.plural}`,
        tags: [spec.tag],
        summary: spec.summaries.list,
        description: `Paged: pass the \`nextCursor\` of one page as \`cursor\` for the next. A force key sees its own force's only; a national key sees every force's, or one force's with \`force\`.`,
        querystring: spec.listQuery,
        response: { 200: Page(ref(spec.schema), `A page of ${spec.plural}.`) }
      }
    },
    async (request) => {
      const query = request.query as { limit?: number }
      return spec.list(request.principal, { ...query, limit: query.limit ?? 50 })
    }
  )

  app.post(
    '/',
    {
      config: { allow: spec.writers },
      schema: {
        operationId: `create${spec.name}`,
        tags: [spec.tag],
        summary: spec.summaries.create,
        ...(spec.createDescription ? { description: spec.createDescription } : {}),
        headers: IdempotencyHeaders,
        body: spec.createBody,
        response: { 201: ref(spec.schema), ...createProblems },
        ...sets({ 201: CREATED_HEADERS })
      }
    },
    async (request, reply) => {
      const key = (request.headers as { 'idempotency-key'?: string })['idempotency-key']
      return created(reply, spec.path, await spec.create(request.principal, actorOf(request), request.body, key))
    }
  )

  app.get(
    '/:id',
    {
      config: { allow: spec.readers },
      schema: {
        operationId: `get${spec.name}`,
        tags: [spec.tag],
        summary: spec.summaries.get,
        description: 'One record by its `id`. The `ETag` header carries its version: send it back as `If-Match` to change or remove it.',
        params: Params,
        response: { 200: ref(spec.schema), ...notModified, 404: problem('None visible to this key.') },
        ...CONDITIONAL_READ
      }
    },
    async (request, reply) => withEtag(reply, await spec.get(request.principal, (request.params as { id: string }).id))
  )

  app.patch(
    '/:id',
    {
      config: { allow: spec.writers },
      schema: {
        operationId: `update${spec.name}`,
        tags: [spec.tag],
        summary: spec.summaries.update,
        description: 'Send only the fields to change; null clears an optional field.',
        params: Params,
        headers: IfMatchHeaders,
        body: spec.updateBody,
        response: { 200: ref(spec.schema), ...updateProblems },
        ...sets({ 200: ['ETag'] })
      }
    },
    async (request, reply) => {
      const version = expectedVersion((request.headers as { 'if-match'?: string })['if-match'])
      const id = (request.params as { id: string }).id
      return withEtag(reply, await spec.update(request.principal, actorOf(request), id, version, request.body))
    }
  )

  const remove = spec.remove
  if (remove && spec.summaries.remove) {
    app.delete(
      '/:id',
      {
        config: { allow: spec.writers },
        schema: {
          operationId: `delete${spec.name}`,
          tags: [spec.tag],
          summary: spec.summaries.remove,
          description: 'Needs `If-Match` with the ETag you read: 428 without it, 412 if someone changed it since. Refused (409) while anything still refers to it.',
          params: Params,
          headers: IfMatchHeaders,
          response: { 204: Type.Null({ description: 'Removed.' }), ...updateProblems }
        }
      },
      async (request, reply) => {
        const version = expectedVersion((request.headers as { 'if-match'?: string })['if-match'])
        await remove(request.principal, actorOf(request), (request.params as { id: string }).id, version)
        return reply.code(204).send(null)
      }
    )
  }
}
