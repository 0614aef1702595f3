import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type TSchema, Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { byGroupCsv, byLeadCsv, overdueCsv, summaryCsv } from '../../../domain/reports/reports.csv.ts'
import {
  ByGroupQuery,
  ByGroupSchema,
  ByLeadQuery,
  ByLeadSchema,
  OverdueQuery,
  OverdueSchema,
  SummaryQuery,
  SummarySchema
} from '../../../domain/reports/reports.schemas.ts'
import * as reports from '../../../domain/reports/reports.service.ts'
import { problem } from '../../../schemas/common.ts'
import { sets, wantsCsv } from '../../../schemas/http.ts'

function answer<T>(request: FastifyRequest, reply: FastifyReply, format: string | undefined, report: T, csv: (report: T) => string, name: string) {
  if (!wantsCsv(request, format)) return reply.type('application/json; charset=utf-8').send(report)
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${name}.csv"`).send(csv(report))
}

/** A report's 200: JSON by its schema, or CSV. */
function jsonOrCsv(schema: TSchema, csvDescription: string) {
  return {
    description: 'The report.',
    content: {
      'application/json': { schema },
      'text/csv': { schema: Type.String({ description: csvDescription }) }
    }
  }
}

const scoping =
  'A force key reports on its own force (naming another `force` is 403); a national key must name the `force` (400 without it). ' +
  'An unknown force is 404. `Accept: text/csv` (or `format=csv`) returns the report as RFC 4180 CSV.'
const noForce = problem('No such force.')

/** Read-only reports over one force's register, for the audit committee, the board and analysts. */
const reportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/summary',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getSummaryReport',
        tags: ['reports'],
        summary: "The audit committee's summary table: open findings by source and kind, register against portal",
        description:
          "Reproduces the table of 001 section 2.1 from the register as it stands. Each row is an inspection category (always all six, in 001's order); " +
          'each column a kind of finding, counting those open in the register (open or closure requested) and, in `notOnPortal`, those of them not open ' +
          "on the inspectorate's portal. `register` is the \"Total on Force register\" line, `portal` the \"Total on HMIC monitoring portal\" line " +
          '(findings open on the portal whatever the register says), and `discrepancies` lists each finding where the two disagree. ' +
          'CSV: one line per row, then `uncategorised` (open findings with no inspection), `register_total` and `portal_total`.\n\n' +
          scoping,
        querystring: SummaryQuery,
        response: { 200: jsonOrCsv(SummarySchema, 'row,label, then the count and the not-on-portal count of each kind.'), 404: noForce },
        ...sets({ 200: ['Content-Disposition'] })
      }
    },
    async (request, reply) => answer(request, reply, request.query.format, await reports.summary(app.db, request.principal, request.query), summaryCsv, 'summary')
  )

  app.get(
    '/overdue',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getOverdueReport',
        tags: ['reports'],
        summary: 'What is overdue: findings past their due date and ongoing actions past their expected completion',
        description:
          'On `asOf` (today, UTC, by default): open findings (open or closure requested) whose due date is before it, as `GET /v1/findings?overdue=true` ' +
          'judges them, and the ongoing actions of open findings, not completed, expected before it. Each with how many days overdue, the leads and ' +
          'the governance group; most overdue first. Due dates are those the register holds, resolved from deadlines such as "Within three months" ' +
          'when the finding or its inspection was written. CSV: one table, `type` finding or ongoing_action.\n\n' +
          scoping,
        querystring: OverdueQuery,
        response: { 200: jsonOrCsv(OverdueSchema, 'type,reference,kind,category,title,action,due_date,days_overdue,status,force_lead,delivery_lead,governance_group,finding_id,ongoing_action_id (kind and category are the finding\'s, on an ongoing action\'s line too)'), 404: noForce },
        ...sets({ 200: ['Content-Disposition'] })
      }
    },
    async (request, reply) => answer(request, reply, request.query.format, await reports.overdue(app.db, request.principal, request.query), overdueCsv, 'overdue')
  )

  app.get(
    '/by-lead',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getByLeadReport',
        tags: ['reports'],
        summary: 'Open findings per lead: how many, awaiting closure, overdue, and what falls due next',
        description:
          'One row per force lead (`lead=force`, the default) or delivery lead (`lead=delivery`) with open findings, names grouped whatever their case, ' +
          'then a row for open findings with no lead (`lead` null; `(no lead)` in CSV). Overdue and next due are judged on `asOf` (today, UTC, by default).\n\n' +
          scoping,
        querystring: ByLeadQuery,
        response: { 200: jsonOrCsv(ByLeadSchema, 'lead,open,closure_requested,overdue,ongoing_actions_overdue,next_due_date,causes_of_concern,recommendations,areas_for_improvement'), 404: noForce },
        ...sets({ 200: ['Content-Disposition'] })
      }
    },
    async (request, reply) => answer(request, reply, request.query.format, await reports.byLead(app.db, request.principal, request.query), byLeadCsv, 'by-lead')
  )

  app.get(
    '/by-group',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'getByGroupReport',
        tags: ['reports'],
        summary: 'Open findings per governance group: how many, awaiting closure, overdue, and what falls due next',
        description:
          'One row per governance group of the force, including those monitoring nothing open, then a row for open findings assigned to no group (`governanceGroup` null; `(no group)` in CSV). ' +
          'Overdue and next due are judged on `asOf` (today, UTC, by default).\n\n' +
          scoping,
        querystring: ByGroupQuery,
        response: {
          200: jsonOrCsv(ByGroupSchema, 'governance_group_id,governance_group,open,closure_requested,overdue,ongoing_actions_overdue,next_due_date,causes_of_concern,recommendations,areas_for_improvement'),
          404: noForce
        },
        ...sets({ 200: ['Content-Disposition'] })
      }
    },
    async (request, reply) => answer(request, reply, request.query.format, await reports.byGroup(app.db, request.principal, request.query), byGroupCsv, 'by-group')
  )
}

export default reportRoutes
