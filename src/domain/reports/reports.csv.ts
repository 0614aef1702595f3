import { type CsvColumn, toCsv } from '../shared/csv.ts'
import type { ByGroup, ByLead, Overdue, Summary } from './reports.service.ts'

/** The reports as an analyst's spreadsheet wants them: one table each, snake_case headers. */

/** What the rows for open findings without a lead, or in no group, say where JSON has null: a blank cell reads as a gap in the data. */
export const NO_LEAD = '(no lead)'
export const NO_GROUP = '(no group)'

type Counted = { total: number; notOnPortal: number }
interface SummaryLine {
  row: string
  label: string
  causesOfConcern: Counted | number
  recommendations: Counted | number
  areasForImprovement: Counted | number
}

const total = (c: Counted | number) => (typeof c === 'number' ? c : c.total)
// The portal line counts what is on the portal: "not on the portal" has no meaning there.
const notOnPortal = (c: Counted | number) => (typeof c === 'number' ? null : c.notOnPortal)

const SUMMARY_COLUMNS: CsvColumn<SummaryLine>[] = [
  { header: 'row', value: (l) => l.row },
  { header: 'label', value: (l) => l.label },
  { header: 'causes_of_concern', value: (l) => total(l.causesOfConcern) },
  { header: 'causes_of_concern_not_on_portal', value: (l) => notOnPortal(l.causesOfConcern) },
  { header: 'recommendations', value: (l) => total(l.recommendations) },
  { header: 'recommendations_not_on_portal', value: (l) => notOnPortal(l.recommendations) },
  { header: 'areas_for_improvement', value: (l) => total(l.areasForImprovement) },
  { header: 'areas_for_improvement_not_on_portal', value: (l) => notOnPortal(l.areasForImprovement) }
]

/** The table of 001 section 2.1: a line per row, the uncategorised line (so the columns add up), then the two totals. */
export function summaryCsv(report: Summary): string {
  const lines: SummaryLine[] = [
    ...report.rows.map(({ category, ...rest }) => ({ row: category, ...rest })),
    { row: 'uncategorised', label: 'No inspection recorded', ...report.uncategorised },
    { row: 'register_total', ...report.register },
    { row: 'portal_total', ...report.portal }
  ]
  return toCsv(lines, SUMMARY_COLUMNS)
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

type OverdueLine =
  | ({ type: 'finding' } & Overdue['findings'][number])
  | ({ type: 'ongoing_action' } & Overdue['ongoingActions'][number])

const OVERDUE_COLUMNS: CsvColumn<OverdueLine>[] = [
  { header: 'type', value: (l) => l.type },
  { header: 'reference', value: (l) => l.reference },
  { header: 'kind', value: (l) => (l.type === 'finding' ? l.kind : l.findingKind) },
  { header: 'category', value: (l) => l.category },
  { header: 'title', value: (l) => (l.type === 'finding' ? l.title : l.findingTitle) },
  { header: 'action', value: (l) => (l.type === 'ongoing_action' ? l.description : null) },
  { header: 'due_date', value: (l) => (l.type === 'finding' ? l.dueDate : l.expectedCompletion) },
  { header: 'days_overdue', value: (l) => l.daysOverdue },
  { header: 'status', value: (l) => l.status },
  { header: 'force_lead', value: (l) => l.forceLead },
  { header: 'delivery_lead', value: (l) => l.deliveryLead },
  { header: 'governance_group', value: (l) => l.governanceGroup?.name },
  { header: 'finding_id', value: (l) => (l.type === 'finding' ? l.id : l.findingId) },
  { header: 'ongoing_action_id', value: (l) => (l.type === 'ongoing_action' ? l.id : null) }
]

/** Findings and ongoing actions in one table, most overdue first, then by reference (a finding before its actions). */
export function overdueCsv(report: Overdue): string {
  const lines: OverdueLine[] = [
    ...report.findings.map((f) => ({ type: 'finding' as const, ...f })),
    ...report.ongoingActions.map((a) => ({ type: 'ongoing_action' as const, ...a }))
  ]
  const typeOrder = (l: OverdueLine) => (l.type === 'finding' ? 0 : 1)
  lines.sort((a, b) => b.daysOverdue - a.daysOverdue || compare(a.reference, b.reference) || typeOrder(a) - typeOrder(b))
  return toCsv(lines, OVERDUE_COLUMNS)
}

type Counts = ByLead['rows'][number] | ByGroup['rows'][number]

function countColumns<T extends Counts>(): CsvColumn<T>[] {
  return [
    { header: 'open', value: (r) => r.open },
    { header: 'closure_requested', value: (r) => r.closureRequested },
    { header: 'overdue', value: (r) => r.overdue },
    { header: 'ongoing_actions_overdue', value: (r) => r.ongoingActionsOverdue },
    { header: 'next_due_date', value: (r) => r.nextDueDate },
    { header: 'causes_of_concern', value: (r) => r.causesOfConcern },
    { header: 'recommendations', value: (r) => r.recommendations },
    { header: 'areas_for_improvement', value: (r) => r.areasForImprovement }
  ]
}

export function byLeadCsv(report: ByLead): string {
  return toCsv(report.rows, [{ header: 'lead', value: (r) => r.lead ?? NO_LEAD }, ...countColumns<ByLead['rows'][number]>()])
}

export function byGroupCsv(report: ByGroup): string {
  return toCsv(report.rows, [
    { header: 'governance_group_id', value: (r) => r.governanceGroup?.id },
    { header: 'governance_group', value: (r) => r.governanceGroup?.name ?? NO_GROUP },
    ...countColumns<ByGroup['rows'][number]>()
  ])
}
