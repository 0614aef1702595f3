import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import {
  FrameworkKey,
  FrameworkSchema,
  QuestionDetailSchema,
  QuestionListQuery,
  QuestionRef,
  QuestionSchema
} from '../../../domain/frameworks/frameworks.schemas.ts'
import { getFramework, getQuestion, listFrameworks, listQuestions } from '../../../domain/frameworks/frameworks.service.ts'
import { GapQuery, GapSchema } from '../../../domain/reports/reports.schemas.ts'
import { gap } from '../../../domain/reports/gap.service.ts'
import { Page, problem, ref } from '../../../schemas/common.ts'

const frameworks: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listFrameworks',
        tags: ['frameworks'],
        summary: 'The PEEL framework versions',
        response: { 200: Page(ref(FrameworkSchema), 'Every framework version, oldest first.') }
      }
    },
    async () => listFrameworks(app.db)
  )

  app.get(
    '/:key',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getFramework',
        tags: ['frameworks'],
        summary: 'One framework version',
        params: Type.Object({ key: FrameworkKey }),
        response: { 200: ref(FrameworkSchema), 404: problem('No such framework version.') }
      }
    },
    async (request) => getFramework(app.db, request.params.key)
  )

  app.get(
    '/:key/questions',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listFrameworkQuestions',
        tags: ['frameworks'],
        summary: "A framework version's questions, in document order",
        params: Type.Object({ key: FrameworkKey }),
        querystring: QuestionListQuery,
        response: { 200: Page(ref(QuestionSchema), 'A page of questions.'), 404: problem('No such framework version.') }
      }
    },
    async (request) => listQuestions(app.db, request.params.key, { ...request.query, limit: request.query.limit ?? 50 })
  )

  app.get(
    '/:key/questions/:ref',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getFrameworkQuestion',
        tags: ['frameworks'],
        summary: 'One question with all its criteria',
        params: Type.Object({ key: FrameworkKey, ref: QuestionRef }),
        response: { 200: ref(QuestionDetailSchema), 404: problem('No such framework version or question.') }
      }
    },
    async (request) => getQuestion(app.db, request.params.key, request.params.ref)
  )

  app.get(
    '/:key/questions/:ref/gap',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getQuestionGap',
        tags: ['reports'],
        summary: "A force's gap against a framework question: the open findings that bear on it, their evidence, and its grades",
        description:
          'For a question of any version (001 section 4.5: "identification of any gaps against the new PAF"): `related`, the questions of the other ' +
          'versions the crosswalk links to it, chained and inverted as GET /v1/crosswalk with `ref` (so from the questions under it too); `findings`, ' +
          "the force's open findings linked to the question, a question under it or a related question, each with its latest progress update and " +
          "every evidence item reported; `withoutEvidence`, those with none yet; `grades`, the force's published grades in those areas, oldest first.\n\n" +
          'A force key sees its own force (naming another `force` is 403); a national key must name the `force` (400 without it).',
        params: Type.Object({ key: FrameworkKey, ref: QuestionRef }),
        querystring: GapQuery,
        response: { 200: GapSchema, 404: problem('No such framework version, question or force.') }
      }
    },
    async (request) => gap(app.db, request.principal, request.params.key, request.params.ref, request.query)
  )
}

export default frameworks
