import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { ExportQuery, XLSX_TYPE } from '../../../domain/exchange/exchange.schemas.ts'
import * as exchange from '../../../domain/exchange/exchange.service.ts'
import { exportDocument } from '../../../domain/exchange/export-document.ts'
import { registerForce } from '../../../domain/shared/force-scope.ts'
import { RegisterDocument } from '../../../domain/exchange/register-document.ts'
import { SHEET_SLUGS } from '../../../domain/exchange/register-sheets.ts'
import { problem, ref } from '../../../schemas/common.ts'
import { sets } from '../../../schemas/http.ts'

const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/register',
    {
      config: { allow: allow.anyKey },
      schema: {
        operationId: 'exportRegister',
        tags: ['exchange'],
        summary: "A force's whole register, as JSON, an XLSX workbook or CSV",
        description:
          'Everything `POST /v1/imports` needs to rebuild the register: governance groups, inspections, findings with their actions, ' +
          'progress updates with their ongoing actions (and every expected date they have had), and reviews. Export and import ' +
          'again and nothing changes. `xlsx` has one sheet per kind of record, and one per list a record holds (evidence, ' +
          'milestones, date history), each with a filter on its frozen header row, dates and times as date cells (times in UTC), ' +
          'values as labels a person reads (`Area for improvement`) and names beside keys (the inspection\'s title); `csv` gives one ' +
          'of those sheets (`sheet`), with codes (`area_for_improvement`) and ISO times. Closure requests and the audit trail are ' +
          'not part of it; the statuses they set are.',
        querystring: Type.Object(ExportQuery.properties, { additionalProperties: false }),
        produces: ['application/json', 'text/csv', XLSX_TYPE],
        response: {
          200: {
            description: 'The register, as an attachment.',
            content: {
              'application/json': { schema: ref(RegisterDocument) },
              'text/csv': { schema: Type.String({ description: 'One sheet, RFC 4180, with a header row.' }) },
              [XLSX_TYPE]: { schema: Type.String({ format: 'binary', description: 'A workbook with one sheet per kind of record.' }) }
            }
          },
          400: problem('A national key must name the force.'),
          403: problem('A force key asked for another force.'),
          404: problem('No such force.')
        },
        ...sets({ 200: ['Content-Disposition'] })
      }
    },
    async (request, reply) => {
      const force = await registerForce(app.db, request.principal, request.query.force)
      const format = request.query.format ?? 'json'
      const stem = `register-${force}-${new Date().toISOString().slice(0, 10)}`
      if (format === 'xlsx') {
        const workbook = await exchange.exportWorkbook(app.db, force)
        return reply.type(XLSX_TYPE).header('content-disposition', `attachment; filename="${stem}.xlsx"`).send(workbook as unknown as string)
      }
      if (format === 'csv') {
        const slug = request.query.sheet ?? 'findings'
        const csv = Readable.from(exchange.exportCsv(app.db, force, SHEET_SLUGS[slug]!))
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${stem}-${slug}.csv"`).send(csv as unknown as string)
      }
      reply.header('content-disposition', `attachment; filename="${stem}.json"`)
      return exportDocument(app.db, force)
    }
  )
}

export default exportRoutes
