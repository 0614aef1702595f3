import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { PRACTICE_EXAMPLE_ID_PATTERN, PracticeExampleSchema, PracticeListQuery } from '../../../domain/practice/practice.schemas.ts'
import { getExample, listExamples } from '../../../domain/practice/practice.service.ts'
import { Page, problem, ref } from '../../../schemas/common.ts'

const practiceExamples: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listPracticeExamples',
        tags: ['practice'],
        summary: 'Search the catalogue of effective and innovative practice',
        description: 'Without `q`, in the order of the compendium; with `q`, best match first.',
        querystring: PracticeListQuery,
        response: { 200: Page(ref(PracticeExampleSchema), 'A page of practice examples.') }
      }
    },
    async (request) => listExamples(app.db, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:id',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getPracticeExample',
        tags: ['practice'],
        summary: 'One practice example',
        description:
          "A practice example by its `id`: the force, the framework question and practice area it was noted under, the force's grade there, and what the inspectorate said of it (objective, detail, outcome).",
        params: Type.Object({ id: Type.String({ pattern: PRACTICE_EXAMPLE_ID_PATTERN, maxLength: 20 }) }, { additionalProperties: false }),
        response: { 200: ref(PracticeExampleSchema), 404: problem('No such example.') }
      }
    },
    async (request) => getExample(app.db, request.params.id)
  )
}

export default practiceExamples
