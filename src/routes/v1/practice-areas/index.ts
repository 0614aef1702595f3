import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { FrameworkKey } from '../../../domain/frameworks/frameworks.schemas.ts'
import { PracticeAreaSchema } from '../../../domain/practice/practice.schemas.ts'
import { listAreas } from '../../../domain/practice/practice.service.ts'
import { Page, ref } from '../../../schemas/common.ts'
import { REFERENCE } from '../../../schemas/limits.ts'

const practiceAreas: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listPracticeAreas',
        tags: ['practice'],
        summary: "The compendium's practice areas with their introductions and example counts",
        description:
          'The areas the compendium of effective and innovative practice is organised by, each with its introduction and how many examples it holds; filter `GET /v1/practice-examples` by area.',
        querystring: Type.Object({ framework: Type.Optional(FrameworkKey) }, { additionalProperties: false }),
        response: { 200: Page(ref(PracticeAreaSchema), 'Every practice area, in the order of the compendium.', REFERENCE.listItems * REFERENCE.frameworks) }
      }
    },
    async (request) => listAreas(app.db, request.query.framework)
  )
}

export default practiceAreas
