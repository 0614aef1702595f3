import { Type } from 'typebox'
import { ForceCode, ref } from '../../schemas/common.ts'
import { Count, FreeText, INT32_MAX, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'
import { SHEET_SLUGS } from './register-sheets.ts'

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export const ExportQuery = Type.Object({
  force: Type.Optional(ForceCode),
  format: Type.Optional(Type.Enum(EXPORT_FORMATS, { default: 'json', description: 'json (the register document), xlsx (a workbook, one sheet per kind of record) or csv (one sheet: see `sheet`).' })),
  sheet: Type.Optional(Type.Enum(Object.keys(SHEET_SLUGS), { default: 'findings', description: 'For CSV: which sheet of the workbook to give.' }))
})

export const ImportQuery = Type.Object({
  force: Type.Optional(ForceCode),
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Check everything and report what would change, writing nothing.' }))
})

/** How many changed findings a report names: enough for any register a force keeps. */
export const CHANGED_FINDINGS_LISTED = 10_000

/** The fields of a finding an import can change, as the API names them (`changedFindings`). */
export const CHANGED_FIELDS = [
  'kind',
  'title',
  'text',
  'scope',
  'inspection',
  'parent',
  'deadlineText',
  'dueDate',
  'forceLead',
  'deliveryLead',
  'governanceGroup',
  'status',
  'closedVia',
  'statusNote',
  'portalStatus',
  'portalNote',
  'supersededBy',
  'questions',
  'actions'
] as const
const Counts = Type.Object(
{ created: Count(), updated: Count(), unchanged: Count() })

/** What an import result says at most: a name or a message quoting a file is cut short (exchange.service.ts). */
export const IMPORT_RESULT_LIMITS = { text: MAX_LENGTH.location, problems: MAX_ITEMS.problems, warnings: MAX_ITEMS.problems } as const
const diagnostic = (description?: string) => FreeText(IMPORT_RESULT_LIMITS.text, description ? { description } : {})

export const ImportProblemSchema = Type.Object(
  {
    sheet: Type.Union([diagnostic(), Type.Null()], { description: 'The sheet (or CSV file) as named in the upload; null for a JSON document.' }),
    row: Type.Union([Type.Integer({ format: 'int32', minimum: 1, maximum: INT32_MAX }), Type.Null()], {
      description: 'The row number as the spreadsheet shows it (header and title rows counted).'
    }),
    column: Type.Union([diagnostic(), Type.Null()], { description: 'The column header as written in the file.' }),
    field: Type.Union([diagnostic(), Type.Null()], { description: 'The field of the register it maps to.' }),
    path: Type.Union([diagnostic(), Type.Null()], { description: 'A JSON pointer into the register document.' }),
    message: diagnostic()
  },
  { $id: 'ImportProblem', description: 'One thing wrong with an import, where it is and what.' }
)

export const ImportResultSchema = Type.Object(
  {
    force: ForceCode,
    dryRun: Type.Boolean(),
    valid: Type.Boolean({ description: 'True when the import has (or would have) been applied.' }),
    changes: Type.Union(
      [
        Type.Object({
          governanceGroups: Counts,
          inspections: Counts,
          findings: Counts,
          updates: Counts,
          ongoingActions: Counts,
          reviews: Counts,
          changedFindings: Type.Array(
            Type.Object({
              reference: FreeText(MAX_LENGTH.reference),
              fields: Type.Array(Type.Enum(CHANGED_FIELDS, { description: 'A field of the finding as the API names it.' }), { maxItems: CHANGED_FIELDS.length })
            }),
            {
              maxItems: CHANGED_FINDINGS_LISTED,
              description: `Each finding already on record that the import changed (or would change), with the fields it changed; the first ${CHANGED_FINDINGS_LISTED.toLocaleString('en-GB')}.`
            }
          )
        }),
        Type.Null()
      ],
      { description: 'What was (or, in a dry run, would be) created, updated and left unchanged.' }
    ),
    problems: Type.Array(ref(ImportProblemSchema), {
      maxItems: IMPORT_RESULT_LIMITS.problems,
      description: `Every problem found (the first ${IMPORT_RESULT_LIMITS.problems}); empty when valid.`
    }),
    warnings: Type.Array(diagnostic(), {
      maxItems: IMPORT_RESULT_LIMITS.warnings,
      description: `What was ignored: unknown sheets and columns (the first ${IMPORT_RESULT_LIMITS.warnings}).`
    })
  },
  { $id: 'ImportResult', description: 'The outcome of an import or a dry run.' }
)
