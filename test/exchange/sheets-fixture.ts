import type { Cell, SheetRow, SheetSpec } from '../../src/domain/exchange/sheets/layout.ts'

/** A findings sheet as an import might describe it: every column type, aliases people use, required columns. */
export const findingsSheet: SheetSpec = {
  name: 'Findings',
  aliases: ['Recommendations', 'Register'],
  columns: [
    { key: 'reference', header: 'Reference', aliases: ['Ref', 'Rec No.'], type: 'text', required: true, maxLength: 30 },
    {
      key: 'kind',
      header: 'Kind',
      aliases: ['Type', 'Finding type'],
      type: 'enum',
      required: true,
      values: {
        cause_of_concern: ['Cause of concern', 'CoC'],
        recommendation: ['Recommendation', 'Rec'],
        area_for_improvement: ['Area for improvement', 'AFI']
      }
    },
    { key: 'title', header: 'Title', type: 'text', required: true },
    { key: 'lead', header: 'Force lead', aliases: ['Lead', 'Owner'], type: 'text' },
    { key: 'status', header: 'Status', type: 'enum', values: { open: ['Live'], closed: ['Complete', 'Done'] } },
    { key: 'dueDate', header: 'Due date', aliases: ['Deadline date'], type: 'date' },
    { key: 'updatedAt', header: 'Updated at', aliases: ['Last updated'], type: 'timestamp' },
    { key: 'year', header: 'Year', type: 'integer' },
    { key: 'onPortal', header: 'On portal', type: 'boolean' },
    { key: 'questions', header: 'Questions', type: 'list' },
    { key: 'extra', header: 'Extra', type: 'json' }
  ]
}

export const actionsSheet: SheetSpec = {
  name: 'Actions',
  columns: [
    { key: 'finding', header: 'Finding', aliases: ['Reference'], type: 'text', required: true },
    { key: 'text', header: 'Action', type: 'text', required: true }
  ]
}

export const utcDate = (iso: string) => new Date(`${iso}T00:00:00.000Z`)

/** Rows as a person lays them out (row 1 first, column A first; null or '' for an empty cell), as a reader hands them on. */
export function sparse(rows: Cell[][]): SheetRow[] {
  return rows
    .map((cells, r) => ({ number: r + 1, cells: cells.flatMap((value, column) => (value === null || value === '' ? [] : [{ column, value }])) }))
    .filter((row) => row.cells.length > 0)
}

/** A reader's rows laid out as a person sees them: a gap where a row or cell is empty, nothing after the last value. */
export function dense(rows: SheetRow[]): Cell[][] {
  const out: Cell[][] = []
  for (const row of rows) {
    while (out.length < row.number - 1) out.push([])
    const cells: Cell[] = []
    for (const { column, value } of row.cells) {
      while (cells.length < column) cells.push(null)
      cells[column] = value
    }
    out.push(cells)
  }
  return out
}
