import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { allow } from '../../../domain/access/roles.ts'
import { ImportQuery, ImportResultSchema } from '../../../domain/exchange/exchange.schemas.ts'
import * as exchange from '../../../domain/exchange/exchange.service.ts'
import { REGISTER_SHEETS, SHEET_SLUGS } from '../../../domain/exchange/register-sheets.ts'
import { actorOf } from '../../../plugins/app/auth.ts'
import { HttpProblem, badRequest } from '../../../problems.ts'
import { problem, ref } from '../../../schemas/common.ts'
import { HANDLER_VALIDATES } from '../../../schemas/validation.ts'

/** A whole register is bigger than any other request: up to this much, in one file or all of them together. */
export const IMPORT_LIMIT_BYTES = 25 * 1024 * 1024
const MAX_FILES = Object.keys(SHEET_SLUGS).length

/** A file of the upload: bytes, within the upload's limit. */
const upload = (description: string) => Type.String({ format: 'binary', maxLength: IMPORT_LIMIT_BYTES, description })

const sheetFields = Object.fromEntries(Object.keys(SHEET_SLUGS).map((slug) => [slug, upload(`A CSV file of the ${SHEET_SLUGS[slug]!.name} sheet.`)]))

/**
 * The multipart parser throws plain errors for a body it cannot read (no boundary, cut short, a
 * malformed part header): the client's mistake, answered 400. Its limit errors carry their own status.
 */
function malformedMultipart(error: unknown): unknown {
  if (error instanceof HttpProblem || (typeof error === 'object' && error !== null && 'statusCode' in error)) return error
  const noBoundary = error instanceof Error && /boundary/i.test(error.message)
  return new HttpProblem(
    400,
    'malformed-body',
    'Malformed request body',
    noBoundary ? 'The Content-Type multipart/form-data has no boundary parameter.' : 'The multipart/form-data body is cut short or malformed.'
  )
}

async function readFiles(request: FastifyRequest): Promise<exchange.UploadedFile[]> {
  const files: exchange.UploadedFile[] = []
  let total = 0
  try {
    for await (const part of request.files()) {
      const data = await part.toBuffer()
      total += data.length
      if (total > IMPORT_LIMIT_BYTES) throw new HttpProblem(413, 'body-too-large', 'Body too large', `The files come to more than ${IMPORT_LIMIT_BYTES} bytes.`)
      files.push({ field: part.fieldname, filename: part.filename, data })
    }
  } catch (error) {
    throw malformedMultipart(error)
  }
  if (files.length === 0) throw badRequest('Send the register as files in multipart/form-data: one XLSX workbook, or CSV files named after their sheets.')
  return files
}

/** The smallest useful register document: one new finding, laid over what the register holds. */
const DOCUMENT_EXAMPLE = {
  format: 'peel-register.register/v1',
  force: 'cleveland',
  governanceGroups: [],
  inspections: [],
  findings: [
    {
      reference: 'AFI-2022-02',
      kind: 'area_for_improvement',
      scope: 'force',
      title: 'Record crimes reported through the online portal within 24 hours',
      text: 'The force should make sure that crimes reported to it online are recorded within 24 hours of the report.',
      deadlineText: 'By June 2023',
      status: 'open',
      portalStatus: 'open'
    }
  ]
}

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, { limits: { fileSize: IMPORT_LIMIT_BYTES, files: MAX_FILES, fields: 0, parts: MAX_FILES } })

  app.post(
    '/',
    {
      config: { allow: allow.registrars },
      bodyLimit: IMPORT_LIMIT_BYTES,
      schema: {
        operationId: 'importRegister',
        tags: ['exchange'],
        summary: "Import a register (JSON, XLSX or CSV), all or nothing, with a dry run",
        description:
          'A JSON body is a register document as `GET /v1/exports/register` gives it. In `multipart/form-data`, send one XLSX workbook ' +
          `(its sheets named ${REGISTER_SHEETS.map((s) => `"${s.name}"`).join(', ')}), or CSV files, each in a field named after its sheet ` +
          '(`findings`, `actions`, ...); a single CSV file in any field is read as the findings. Spreadsheets are read forgivingly: title rows ' +
          'above the header, columns in any order and under the names registers use ("Ref", "Rec No", "Force lead", "AFI"...), dates as ' +
          'dd/mm/yyyy or date cells, unknown columns and sheets ignored (and listed in `warnings`). Rows are laid over the register: a row ' +
          "names its finding by reference, the sheet's columns replace the stored values and missing columns leave them alone; new " +
          'findings default to scope force, status open, portal status open. Data is checked strictly: every problem is listed by sheet, ' +
          'row and column, and nothing is written unless there are none. `dryRun=true` checks everything and reports what would change. ' +
          'An import takes the register for itself while it runs: other writes to it wait.',
        querystring: Type.Object(ImportQuery.properties, { additionalProperties: false }),
        consumes: ['application/json', 'multipart/form-data'],
        body: {
          content: {
            'application/json': { schema: { allOf: [{ $ref: 'RegisterDocument#' }], [HANDLER_VALIDATES]: true, examples: [DOCUMENT_EXAMPLE] } },
            'multipart/form-data': {
              schema: {
                type: 'object',
                [HANDLER_VALIDATES]: true,
                properties: { file: upload('An XLSX workbook, or a single CSV file of findings.'), ...sheetFields }
              }
            }
          }
        },
        response: {
          200: ref(ImportResultSchema),
          400: problem('A file that cannot be read (not a spreadsheet, a damaged zip, malformed multipart, JSON nested deeper than 64 levels), or a national key without `force`.'),
          403: problem('A force key importing into another force.'),
          404: problem('No such force.'),
          409: problem('The register changed under the import: try again.'),
          413: problem(
            'The upload is larger than 25 MiB, or a spreadsheet holds more than a reading takes: rows (200,000 a sheet), columns (1,000), values (1,000,000), shared strings (500,000; 30,000,000 characters), inflated size (100 MB), text in a cell (32,767) or memory (256 MB). `limit` and `max` name the limit.'
          ),
          415: problem('Neither JSON nor multipart/form-data.'),
          429: problem('An upload for this force is being read already (or a rate limit): retry after Retry-After seconds.'),
          503: problem('Every upload reader is busy, or the database is unreachable: retry after Retry-After seconds.'),
          422: {
            description:
              'The import has problems and wrote nothing: the problems are listed. Or a spreadsheet cannot be read within limits: a coordinate beyond Excel\'s grid (`limit: excelGrid`) or a reading longer than 30 s (`maxParseTime`).',
            content: { 'application/problem+json': { schema: Type.Unsafe({ $ref: 'Problem#' }) } }
          }
        }
      }
    },
    async (request, reply) => {
      const input: exchange.ImportInput = request.isMultipart() ? { kind: 'files', files: await readFiles(request) } : { kind: 'document', data: request.body }
      const result = await exchange.importRegister(app.db, request.principal, actorOf(request), request.query, input)
      if (!result.valid && !result.dryRun) {
        throw new HttpProblem(422, 'import-problems', 'The import has problems', `${result.problems.length} problem(s); nothing was written.`, {
          problems: result.problems,
          warnings: result.warnings
        })
      }
      return reply.send(result)
    }
  )
}

export default importRoutes
