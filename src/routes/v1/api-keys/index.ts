import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import {
  ApiKeyListQuery,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema
} from '../../../domain/api-keys/api-keys.schemas.ts'
import { createKey, listKeys, revokeKey } from '../../../domain/api-keys/api-keys.service.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { Page, Uuid, problem, ref } from '../../../schemas/common.ts'

const apiKeys: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { allow: allow.admins },
      schema: {
        operationId: 'createApiKey',
        tags: ['api-keys'],
        summary: 'Create an API key; its secret is returned once',
        description: 'A force admin creates keys for its own force only; a national admin for any force, or national keys.',
        body: CreateApiKeyBody,
        response: { 201: ref(CreatedApiKeySchema) }
      }
    },
    async (request, reply) => {
      const { view, secret } = await createKey(app.db, request.principal, actorOf(request), request.body)
      reply.code(201).header('location', `/v1/api-keys/${view.id}`).header('cache-control', 'no-store')
      return { ...view, key: secret }
    }
  )

  app.get(
    '/',
    {
      config: { allow: allow.admins },
      schema: {
        operationId: 'listApiKeys',
        tags: ['api-keys'],
        summary: 'List API keys, without their secrets',
        querystring: ApiKeyListQuery,
        response: { 200: Page(ref(ApiKeySchema), 'A page of API keys, oldest first.') }
      }
    },
    async (request) => listKeys(app.db, request.principal, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.delete(
    '/:id',
    {
      config: { allow: allow.admins },
      schema: {
        operationId: 'revokeApiKey',
        tags: ['api-keys'],
        summary: 'Revoke an API key; it stops working at once',
        params: Type.Object({ id: Uuid }),
        response: {
          200: ref(ApiKeySchema),
          404: problem('No such key visible to this caller.'),
          409: problem('The last national admin key cannot be revoked.')
        }
      }
    },
    async (request) => revokeKey(app.db, request.principal, actorOf(request), request.params.id)
  )
}

export default apiKeys
