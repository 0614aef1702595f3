import { Type } from 'typebox'
import { ForceCode, ref } from '../../schemas/common.ts'
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

const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() })

export const ImportProblemSchema = Type.Object(
  {
    sheet: Type.Union([Type.String(), Type.Null()], { description: 'The sheet (or CSV file) as named in the upload; null for a JSON document.' }),
    row: Type.Union([Type.Integer(), Type.Null()], { description: 'The row number as the spreadsheet shows it (header and title rows counted).' }),
    column: Type.Union([Type.String(), Type.Null()], { description: 'The column header as written in the file.' }),
    field: Type.Union([Type.String(), Type.Null()], { description: 'The field of the register it maps to.' }),
    path: Type.Union([Type.String(), Type.Null()], { description: 'A JSON pointer into the register document.' }),
    message: Type.String()
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
          reviews: Counts
        }),
        Type.Null()
      ],
      { description: 'What was (or, in a dry run, would be) created, updated and left unchanged.' }
    ),
    problems: Type.Array(ref(ImportProblemSchema), { description: 'Every problem found; empty when valid.' }),
    warnings: Type.Array(Type.String(), { description: 'What was ignored: unknown sheets and columns.' })
  },
  { $id: 'ImportResult', description: 'The outcome of an import or a dry run.' }
)
