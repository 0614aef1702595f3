import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import {
  ApiKeyListQuery,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
  RotateApiKeyBody
} from '../../../domain/api-keys/api-keys.schemas.ts'
import { createKey, getKey, listKeys, revokeKey, rotateKey } from '../../../domain/api-keys/api-keys.service.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { Page, Uuid, problem, ref } from '../../../schemas/common.ts'
import { BODY_OPTIONAL, sets } from '../../../schemas/http.ts'

const apiKeys: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      config: { allow: allow.admins },
      schema: {
        operationId: 'createApiKey',
        tags: ['api-keys'],
        summary: 'Create an API key; its secret is returned once',
        description:
          'A force admin creates keys for its own force only; a national admin for any force, or national keys. ' +
          'With `expiresAt` the key stops working at that moment (401).',
        body: CreateApiKeyBody,
        response: { 201: ref(CreatedApiKeySchema) },
        ...sets({ 201: ['Location', 'Cache-Control'] })
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
        description:
          'The keys an admin manages: a national admin sees every key (or one force\'s with `force`), a force admin its own force\'s. ' +
          'Each shows its name, role, force, the first characters of the secret (to tell keys apart), and when it was created, rotated, expires or was revoked. ' +
          'Revoked keys are left out unless `includeRevoked=true`.',
        querystring: ApiKeyListQuery,
        response: { 200: Page(ref(ApiKeySchema), 'A page of API keys, oldest first.') }
      }
    },
    async (request) => listKeys(app.db, request.principal, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:id',
    {
      config: { allow: allow.admins },
      schema: {
        operationId: 'getApiKey',
        tags: ['api-keys'],
        summary: 'One API key, without its secret',
        description:
          'The key a create answered with `Location`, as the list shows it: name, role, force, the first characters of the secret, and when it was created, rotated, expires or was revoked. ' +
          "A force admin sees its own force's keys only (404 for any other).",
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        response: { 200: ref(ApiKeySchema), 404: problem('No such key visible to this caller.') }
      }
    },
    async (request) => getKey(app.db, request.principal, request.params.id)
  )

  app.delete(
    '/:id',
    {
      config: { allow: allow.admins },
      schema: {
        operationId: 'revokeApiKey',
        tags: ['api-keys'],
        summary: 'Revoke an API key; it stops working at once',
        description:
          'The key is refused from the next request on (other instances of the service within 5 seconds) and stays listed with `includeRevoked=true`. ' +
          'Revoking twice answers the key as it is. The last national admin key that works cannot be revoked: create another first.',
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        response: {
          200: ref(ApiKeySchema),
          404: problem('No such key visible to this caller.'),
          409: problem('The last national admin key cannot be revoked.')
        }
      }
    },
    async (request) => revokeKey(app.db, request.principal, actorOf(request), request.params.id)
  )

  app.post(
    '/:id/rotate',
    {
      config: { allow: allow.admins },
      // The body is optional: no body is the same as {}.
      preValidation: async (request) => {
        request.body ??= {}
      },
      schema: {
        operationId: 'rotateApiKey',
        tags: ['api-keys'],
        summary: 'Give an API key a new secret; the old one stops working at once',
        description:
          'The key keeps its id, name, role and force; its new secret is returned once. Optionally sets a new `expiresAt`. ' +
          'Other instances of the service may accept the old secret for a few more seconds (their key cache).',
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        body: RotateApiKeyBody,
        [BODY_OPTIONAL]: true,
        response: {
          200: ref(CreatedApiKeySchema),
          404: problem('No such key visible to this caller.'),
          409: problem('The key is revoked.')
        },
        ...sets({ 200: ['Cache-Control'] })
      }
    },
    async (request, reply) => {
      const { view, secret } = await rotateKey(app.db, request.principal, actorOf(request), request.params.id, request.body)
      reply.header('cache-control', 'no-store')
      return { ...view, key: secret }
    }
  )
}

export default apiKeys
