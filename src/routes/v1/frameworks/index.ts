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
import { REFERENCE } from '../../../schemas/limits.ts'

const frameworks: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'listFrameworks',
        tags: ['frameworks'],
        summary: 'The PEEL framework versions',
        description:
          'The versions of the PEEL assessment framework the inspectorate has used (peel-2018, peel-2021, peel-2023, peel-2025), each with its period and grading scale. Findings link to their questions.',
        response: { 200: Page(ref(FrameworkSchema), 'Every framework version, oldest first.', REFERENCE.frameworks) }
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
        description:
          'A framework version by its `key`, e.g. `peel-2021`: its title, period, grading scale and source.',
        params: Type.Object({ key: FrameworkKey }, { additionalProperties: false }),
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
        description:
          'The questions of a framework version as it numbers them (e.g. `1`, `1.1`), in the order the framework document lists them, with which ones are graded.',
        params: Type.Object({ key: FrameworkKey }, { additionalProperties: false }),
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
        description:
          'A question by its `ref` within the framework, e.g. `1.1` of `peel-2021`, with every criterion the inspectorate judges it by.',
        params: Type.Object({ key: FrameworkKey, ref: QuestionRef }, { additionalProperties: false }),
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
        params: Type.Object({ key: FrameworkKey, ref: QuestionRef }, { additionalProperties: false }),
        querystring: GapQuery,
        response: { 200: GapSchema, 404: problem('No such framework version, question or force.') }
      }
    },
    async (request) => gap(app.db, request.principal, request.params.key, request.params.ref, request.query)
  )
}

export default frameworks
