import type { ApplyReport } from '../domain/exchange/apply-document.ts'
import type { SheetImportProblem } from '../domain/exchange/register-sheets.ts'
import { table } from './output.ts'

const RECORDS: Array<[Exclude<keyof ApplyReport, 'changedFindings'>, string]> = [
  ['inspections', 'inspections'],
  ['governanceGroups', 'governance groups'],
  ['findings', 'findings'],
  ['updates', 'progress updates'],
  ['ongoingActions', 'ongoing actions'],
  ['reviews', 'reviews']
]

/** What an import did (or would do), one line per kind of record. */
export function changesTable(report: ApplyReport): string {
  return table(
    ['', 'created', 'updated', 'unchanged'],
    RECORDS.map(([key, label]) => {
      const t = report[key]
      return [label, String(t.created).padStart(7), String(t.updated).padStart(7), String(t.unchanged).padStart(9)]
    })
  )
}

/** Which fields of each finding on record an import changed, a line each: `547: dueDate, forceLead`. */
export function changedFindingsLines(report: ApplyReport): string {
  if (report.changedFindings.length === 0) return ''
  const lines = report.changedFindings.map((c) => `  ${c.reference}: ${c.fields.join(', ')}\n`)
  const more = report.findings.updated - report.changedFindings.length
  return `Findings changed:\n${lines.join('')}${more > 0 ? `  and ${more} more\n` : ''}`
}

/** Where a problem is: `Findings row 12, column "Status"` for a spreadsheet, the JSON pointer for a document. */
export function problemLine(p: SheetImportProblem): string {
  const where: string[] = []
  if (p.sheet !== null) where.push(p.row !== null ? `${p.sheet} row ${p.row}` : p.sheet)
  if (p.column !== null) where.push(`column "${p.column}"`)
  else if (p.sheet !== null && p.field !== null) where.push(`field ${p.field}`)
  if (p.sheet === null && p.path !== null) where.push(p.path === '' ? '(document)' : p.path)
  if (where.length === 0 && p.field !== null) where.push(`field ${p.field}`)
  return where.length > 0 ? `${where.join(', ')}: ${p.message}` : p.message
}
