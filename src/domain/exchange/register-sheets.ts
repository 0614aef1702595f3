import { createHash } from 'node:crypto'
import { MAX_LENGTH, clip } from '../../schemas/limits.ts'
import { resolveDeadline } from '../findings/deadlines.ts'
import { sameJson } from '../shared/canonical-json.ts'
import {
  ACTION_STATUS_LABELS,
  CATEGORY_LABELS,
  EVIDENCE_KIND_LABELS,
  FINDING_KIND_LABELS,
  FINDING_STATUS_LABELS,
  INSPECTION_KIND_LABELS,
  MILESTONE_KIND_LABELS,
  ONGOING_ACTION_STATUS_LABELS,
  PORTAL_STATUS_LABELS,
  REVIEW_OUTCOME_LABELS,
  SCOPE_LABELS
} from '../shared/labels.ts'
import { groupBy } from '../shared/group-by.ts'
import type { ColumnSpec, ParsedSheet, SheetSpec } from './sheets/layout.ts'
import { type Cell, formatCell } from './sheets/layout.ts'
import type { DeadlineValue } from './sheets/values.ts'
import type { FindingAside } from './export-document.ts'
import { DOCUMENT_FORMAT, type DocumentFinding, type RegisterDocument } from './register-document.ts'

/**
 * The register as spreadsheets: one sheet per kind of record (an XLSX workbook holds them all;
 * as CSV, one file each). The headers are ours when we export; on import the names people
 * actually use in their registers are accepted too (the aliases), in any order, below any title
 * rows. A workbook shows enum values as their labels (shared/labels.ts), CSV as their codes; an
 * import accepts either, and other spoken forms ("AFI", "Rec").
 *
 * Lists a record holds (an update's evidence, an inspection's milestones, an ongoing action's date
 * history) have sheets of their own, a row per item with its owner's key. Some columns are there
 * for a person only (a name beside a key, when a finding was created): export-only, recognised and
 * ignored by an import. The JSON columns those lists had before are still read (import-only).
 */

const words = (value: string) => value.replaceAll('_', ' ')
/** An enum column's values: each code is written as its label in a workbook, and read from its label, its code in words or a spoken form. */
const enumOf = (labels: Readonly<Record<string, string>>, spoken: Record<string, string[]> = {}): Pick<ColumnSpec, 'values' | 'labels'> => ({
  labels,
  values: Object.fromEntries(Object.entries(labels).map(([code, label]) => [code, [label, words(code), ...(spoken[code] ?? [])]]))
})

const FINDING_STATUS_VALUES = enumOf(FINDING_STATUS_LABELS, { closed: ['closed by HMICFRS', 'closed by the inspectorate'] })
const PORTAL_VALUES = enumOf(PORTAL_STATUS_LABELS, { not_on_portal: ['not on the portal', 'not on HMICFRS portal', 'not on monitoring portal'] })
const SCOPE_VALUES = enumOf(SCOPE_LABELS, { force: ['local', 'force specific'] })

const col = (key: string, header: string, type: ColumnSpec['type'], extra: Partial<ColumnSpec> = {}): ColumnSpec => ({ key, header, type, ...extra })

export const FINDINGS_SHEET: SheetSpec = {
  name: 'Findings',
  aliases: ['Register', 'Force register', 'Recommendations', 'Findings register', 'Recommendations and AFIs'],
  columns: [
    col('reference', 'Reference', 'text', { required: true, maxLength: MAX_LENGTH.reference, aliases: ['Ref', 'Ref no', 'Rec no', 'Recommendation number', 'Number', 'No', 'ID'] }),
    // Kind and text are needed for a new finding only (sheetsToDocument checks): a sheet that changes
    // the leads of existing findings need not repeat them.
    col('kind', 'Kind', 'enum', {
      aliases: ['Type', 'Finding type', 'Category of finding'],
      ...enumOf(FINDING_KIND_LABELS, {
        cause_of_concern: ['causes of concern', 'CoC'],
        recommendation: ['recommendations', 'rec', 'recs'],
        area_for_improvement: ['areas for improvement', 'AFI', 'AFIs', 'AfI']
      })
    }),
    col('title', 'Title', 'text', { maxLength: MAX_LENGTH.importedTitle, aliases: ['Short title', 'Heading', 'Subject'] }),
    col('text', 'Text', 'text', { maxLength: MAX_LENGTH.text, aliases: ['Recommendation', 'Description', 'Short description', 'Finding', 'Detail', 'Wording', 'Recommendation text', 'Improvement required', 'Area for improvement'] }),
    col('scope', 'Scope', 'enum', { ...SCOPE_VALUES, aliases: ['Local or national'] }),
    col('inspection', 'Inspection', 'text', { maxLength: MAX_LENGTH.importedInspectionKey, aliases: ['Inspection key', 'Source inspection', 'Originating inspection'] }),
    col('inspectionTitle', 'Inspection title', 'text', { exportOnly: true }),
    col('parent', 'Parent', 'text', { maxLength: MAX_LENGTH.reference, aliases: ['Parent reference', 'Cause of concern reference'] }),
    col('questions', 'Questions', 'list', { aliases: ['PEEL questions', 'Framework questions'] }),
    col('deadlineText', 'Deadline', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Deadline text', 'Timescale', 'Timescales'] }),
    // Registers write words where they have no date ("TBC", "By October 2018"): those become the deadline's words.
    col('dueDate', 'Due date', 'deadline', { maxLength: MAX_LENGTH.name, aliases: ['Due', 'Target date', 'Completion date', 'Due by', 'Target completion date', 'Target'] }),
    // The date an export works out from the deadline's words, for a person filtering by date; never read back.
    col('dueDateWorkedOut', 'Worked-out due date', 'date', { exportOnly: true }),
    col('forceLead', 'Force lead', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Chief officer lead', 'Strategic lead', 'Lead'] }),
    col('deliveryLead', 'Delivery lead', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Local delivery lead', 'Action owner', 'Owner'] }),
    col('governanceGroup', 'Governance group', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Board', 'Group', 'Governance board', 'Monitoring group', 'Governance'] }),
    col('status', 'Status', 'enum', { ...FINDING_STATUS_VALUES, aliases: ['Register status', 'Force status'] }),
    col('statusNote', 'Status note', 'text', { maxLength: MAX_LENGTH.note, aliases: ['Notes', 'Comments', 'Status comment'] }),
    col('portalStatus', 'Portal status', 'enum', { ...PORTAL_VALUES, aliases: ['HMICFRS portal', 'Monitoring portal status', 'Portal'] }),
    col('portalNote', 'Portal note', 'text', { maxLength: MAX_LENGTH.note, aliases: ['Portal comment'] }),
    col('supersededBy', 'Superseded by', 'text', { maxLength: MAX_LENGTH.reference }),
    // A register that lists a finding's actions on the rows under it (or on rows of its own with the
    // same reference, its cells merged down): read into the finding's actions. Exports use the Actions sheet.
    col('action', 'Action', 'text', {
      maxLength: MAX_LENGTH.description,
      importOnly: true,
      continues: true,
      aliases: ['Actions', 'Sub-action', 'Sub-actions', 'Action required', 'Actions required', 'Planned action', 'Planned actions', 'Action to be taken', 'Actions to be taken']
    }),
    col('actionStatus', 'Action status', 'enum', { importOnly: true, continues: true, ...enumOf(ACTION_STATUS_LABELS, { done: ['complete', 'completed'] }), aliases: ['Sub-action status'] }),
    col('createdAt', 'Created at (UTC)', 'timestamp', { exportOnly: true }),
    col('updatedAt', 'Updated at (UTC)', 'timestamp', { exportOnly: true })
  ]
}

export const ACTIONS_SHEET: SheetSpec = {
  name: 'Actions',
  aliases: ['Sub-actions', 'Finding actions'],
  columns: [
    col('finding', 'Finding', 'text', { required: true, maxLength: MAX_LENGTH.reference, aliases: ['Reference', 'Ref', 'Finding reference'] }),
    col('position', 'Position', 'integer', { aliases: ['Order', 'Number', 'No'] }),
    col('text', 'Action', 'text', { required: true, maxLength: MAX_LENGTH.description, aliases: ['Text', 'Sub-action', 'Description'] }),
    col('status', 'Status', 'enum', enumOf(ACTION_STATUS_LABELS, { done: ['complete', 'completed'] }))
  ]
}

export const INSPECTIONS_SHEET: SheetSpec = {
  name: 'Inspections',
  aliases: ['Reports', 'Inspection reports'],
  columns: [
    col('key', 'Key', 'text', { required: true, maxLength: MAX_LENGTH.importedInspectionKey, aliases: ['Inspection key', 'Inspection'] }),
    col('title', 'Title', 'text', { required: true, maxLength: MAX_LENGTH.title, aliases: ['Inspection title', 'Report title', 'Name'] }),
    col('label', 'Label', 'text', { maxLength: MAX_LENGTH.label }),
    col('kind', 'Kind', 'enum', { required: true, ...enumOf(INSPECTION_KIND_LABELS), aliases: ['Type'] }),
    col('category', 'Category', 'enum', {
      required: true,
      ...enumOf(CATEGORY_LABELS, {
        local_peel: ['Local PEEL'],
        national_peel: ['National PEEL'],
        national_da_peel_thematic: ['National DA PEEL Thematic', 'National domestic abuse PEEL thematic'],
        ncpi: ['National Child Protection Inspection', 'National Child Protection Inspection (NCPI)'],
        cdi: ['Crime Data Integrity', 'Crime Data Integrity (CDI)'],
        other_national_thematic: ['Other national thematic', 'Other national thematic inspections']
      }),
      aliases: ['Reporting category', 'Summary row']
    }),
    col('scope', 'Scope', 'enum', { required: true, ...SCOPE_VALUES }),
    col('year', 'Year', 'integer'),
    col('startedOn', 'Started on', 'date', { aliases: ['Start date', 'Started'] }),
    col('endedOn', 'Ended on', 'date', { aliases: ['End date', 'Ended'] }),
    col('publishedOn', 'Published on', 'date', { aliases: ['Published', 'Publication date', 'Date published'] }),
    col('framework', 'Framework', 'text', { aliases: ['PEEL framework', 'Framework version'] }),
    col('milestones', 'Milestones', 'json', { importOnly: true })
  ]
}

export const MILESTONES_SHEET: SheetSpec = {
  name: 'Milestones',
  aliases: ['Inspection milestones'],
  columns: [
    col('inspection', 'Inspection', 'text', { required: true, maxLength: MAX_LENGTH.importedInspectionKey, aliases: ['Inspection key', 'Key'] }),
    col('inspectionTitle', 'Inspection title', 'text', { exportOnly: true }),
    col('kind', 'Kind', 'enum', { required: true, ...enumOf(MILESTONE_KIND_LABELS), aliases: ['Type'] }),
    col('title', 'Title', 'text', { required: true, maxLength: MAX_LENGTH.title, aliases: ['Activity', 'Milestone'] }),
    col('date', 'Date', 'date', { aliases: ['Week commencing'] }),
    col('dateText', 'Date as published', 'text', { maxLength: MAX_LENGTH.label, aliases: ['Date text'] }),
    col('note', 'Note', 'text', { maxLength: MAX_LENGTH.note, aliases: ['Notes'] })
  ]
}

export const GROUPS_SHEET: SheetSpec = {
  name: 'Governance groups',
  aliases: ['Groups', 'Boards', 'Governance'],
  columns: [
    col('name', 'Name', 'text', { required: true, maxLength: MAX_LENGTH.name, aliases: ['Group', 'Board', 'Governance group'] }),
    col('chair', 'Chair', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Chaired by'] }),
    col('meetingFrequency', 'Meeting frequency', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Meets', 'Frequency'] })
  ]
}

export const UPDATES_SHEET: SheetSpec = {
  name: 'Updates',
  aliases: ['Progress updates', 'Progress'],
  columns: [
    col('finding', 'Finding', 'text', { required: true, maxLength: MAX_LENGTH.reference, aliases: ['Reference', 'Ref', 'Finding reference'] }),
    col('id', 'Id', 'text', { aliases: ['Update id'] }),
    col('createdAt', 'Created at (UTC)', 'timestamp', { required: true, aliases: ['Date', 'Update date', 'Updated on'] }),
    col('position', 'Position', 'text', { required: true, maxLength: MAX_LENGTH.text, aliases: ['Current position', 'Where we stand'] }),
    col('activities', 'Activities', 'text', { required: true, maxLength: MAX_LENGTH.text, aliases: ['What has been done', 'Activity'] }),
    col('impact', 'Impact', 'text', { maxLength: MAX_LENGTH.text, aliases: ['What difference it made'] }),
    col('evidence', 'Evidence', 'json', { importOnly: true })
  ]
}

export const EVIDENCE_SHEET: SheetSpec = {
  name: 'Evidence',
  aliases: ['Evidence items'],
  columns: [
    col('update', 'Update', 'text', { required: true, aliases: ['Update id'] }),
    col('finding', 'Finding', 'text', { exportOnly: true }),
    col('title', 'Title', 'text', { required: true, maxLength: MAX_LENGTH.title, aliases: ['Document', 'Evidence'] }),
    col('kind', 'Kind', 'enum', { required: true, ...enumOf(EVIDENCE_KIND_LABELS), aliases: ['Type'] }),
    col('location', 'Location', 'text', { maxLength: MAX_LENGTH.location, aliases: ['Where', 'Link'] }),
    col('date', 'Date', 'date', { aliases: ['Dated'] })
  ]
}

export const ONGOING_ACTIONS_SHEET: SheetSpec = {
  name: 'Ongoing actions',
  aliases: ['Ongoing', 'Actions ongoing'],
  columns: [
    col('update', 'Update', 'text', { required: true, aliases: ['Update id'] }),
    col('finding', 'Finding', 'text', { exportOnly: true }),
    col('id', 'Id', 'text', { aliases: ['Action id'] }),
    col('description', 'Description', 'text', { required: true, maxLength: MAX_LENGTH.description, aliases: ['Action'] }),
    col('anticipatedImpact', 'Anticipated impact', 'text', { maxLength: MAX_LENGTH.description }),
    col('expectedCompletion', 'Expected completion', 'date', { aliases: ['Expected completion date', 'Due'] }),
    col('status', 'Status', 'enum', enumOf(ONGOING_ACTION_STATUS_LABELS, { completed: ['complete', 'done'] })),
    col('dates', 'Date history', 'json', { importOnly: true })
  ]
}

export const DATE_HISTORY_SHEET: SheetSpec = {
  name: 'Date history',
  aliases: ['Expected date history'],
  columns: [
    col('ongoingAction', 'Ongoing action', 'text', { required: true, aliases: ['Ongoing action id', 'Action id'] }),
    col('finding', 'Finding', 'text', { exportOnly: true }),
    col('description', 'Action', 'text', { exportOnly: true }),
    col('expectedCompletion', 'Expected completion', 'date', { aliases: ['Expected completion date', 'Expected date'] }),
    col('reason', 'Reason', 'text', { maxLength: MAX_LENGTH.note, aliases: ['Why it moved'] }),
    col('changedAt', 'Changed at (UTC)', 'timestamp', { required: true, aliases: ['Changed on', 'Date changed'] })
  ]
}

export const REVIEWS_SHEET: SheetSpec = {
  name: 'Reviews',
  aliases: ['Board reviews'],
  columns: [
    col('finding', 'Finding', 'text', { required: true, maxLength: MAX_LENGTH.reference, aliases: ['Reference', 'Ref', 'Finding reference'] }),
    col('id', 'Id', 'text', { aliases: ['Review id'] }),
    col('createdAt', 'Created at (UTC)', 'timestamp', { required: true, aliases: ['Date', 'Review date', 'Reviewed on'] }),
    col('outcome', 'Outcome', 'enum', {
      required: true,
      ...enumOf(REVIEW_OUTCOME_LABELS, { request_closure: ['closure'], embed_and_sustain: ['embed', 'embed and sustain', 'further work needed to embed and sustain'], remedial_action: ['remedial'] })
    }),
    col('rationale', 'Rationale', 'text', { required: true, maxLength: MAX_LENGTH.text, aliases: ['Reason', 'Reasons'] }),
    col('governanceGroup', 'Governance group', 'text', { maxLength: MAX_LENGTH.name, aliases: ['Board', 'Group'] })
  ]
}

/** Every sheet, in the order a workbook holds them: a list's sheet after its owner's. */
export const REGISTER_SHEETS = [
  FINDINGS_SHEET,
  ACTIONS_SHEET,
  INSPECTIONS_SHEET,
  MILESTONES_SHEET,
  GROUPS_SHEET,
  UPDATES_SHEET,
  EVIDENCE_SHEET,
  ONGOING_ACTIONS_SHEET,
  DATE_HISTORY_SHEET,
  REVIEWS_SHEET
]

/** How a CSV export (`sheet=`) and a CSV upload's form fields name each sheet; new sheets go at the end, the contract only grows. */
export const SHEET_SLUGS: Record<string, SheetSpec> = {
  findings: FINDINGS_SHEET,
  actions: ACTIONS_SHEET,
  inspections: INSPECTIONS_SHEET,
  'governance-groups': GROUPS_SHEET,
  updates: UPDATES_SHEET,
  'ongoing-actions': ONGOING_ACTIONS_SHEET,
  reviews: REVIEWS_SHEET,
  evidence: EVIDENCE_SHEET,
  milestones: MILESTONES_SHEET,
  'date-history': DATE_HISTORY_SHEET
}

type Row = Record<string, unknown>

/** A finding as a row of the Findings sheet: its questions as framework:ref, one a line. */
export function findingSheetRow(f: Omit<DocumentFinding, 'actions' | 'updates' | 'reviews'>): Row {
  return { ...f, questions: (f.questions ?? []).map((q) => `${q.framework}:${q.ref}`) }
}

/**
 * The document as rows of each sheet, keyed by column key, with the export-only columns filled in:
 * names beside keys from the document itself, and when each finding was created and last updated
 * and the due date worked out from the deadline from `findingAside` (by reference; the document does not carry them).
 */
export function documentRows(doc: RegisterDocument, findingAside: ReadonlyMap<string, FindingAside> = new Map()): Map<SheetSpec, Row[]> {
  const findings = doc.findings
  const inspectionTitle = new Map(doc.inspections.map((i) => [i.key, i.title]))
  const updates = findings.flatMap((f) => (f.updates ?? []).map((u) => ({ finding: f.reference, update: u })))
  const ongoing = updates.flatMap(({ finding, update }) => (update.ongoingActions ?? []).map((action) => ({ finding, update, action })))
  return new Map<SheetSpec, Row[]>([
    [FINDINGS_SHEET, findings.map((f) => ({ ...findingSheetRow(f), inspectionTitle: f.inspection ? (inspectionTitle.get(f.inspection) ?? null) : null, ...findingAside.get(f.reference) }))],
    [ACTIONS_SHEET, findings.flatMap((f) => (f.actions ?? []).map((a, i) => ({ finding: f.reference, position: i + 1, text: a.text, status: a.status ?? 'open' })))],
    [INSPECTIONS_SHEET, doc.inspections],
    [MILESTONES_SHEET, doc.inspections.flatMap((i) => (i.milestones ?? []).map((m) => ({ ...m, inspection: i.key, inspectionTitle: i.title })))],
    [GROUPS_SHEET, doc.governanceGroups],
    [UPDATES_SHEET, updates.map(({ finding, update }) => ({ ...update, finding }))],
    [EVIDENCE_SHEET, updates.flatMap(({ finding, update }) => (update.evidence ?? []).map((e) => ({ ...e, update: update.id, finding })))],
    [ONGOING_ACTIONS_SHEET, ongoing.map(({ finding, update, action }) => ({ ...action, update: update.id, finding }))],
    [DATE_HISTORY_SHEET, ongoing.flatMap(({ finding, action }) => (action.dates ?? []).map((d) => ({ ...d, ongoingAction: action.id, finding, description: action.description })))],
    [REVIEWS_SHEET, findings.flatMap((f) => (f.reviews ?? []).map((r) => ({ ...r, finding: f.reference })))]
  ])
}

/** A sheet's columns as files get them: every column but those only read from older files. */
export const writtenColumns = (spec: SheetSpec): ColumnSpec[] => spec.columns.filter((c) => !c.importOnly)

/**
 * One sheet's rows as cells, ready for a workbook or a CSV file. A workbook shows an enum's label
 * and a timestamp as a date-time cell; CSV keeps the code and the ISO text, for scripts.
 */
export function sheetCells(spec: SheetSpec, rows: Row[], target: 'xlsx' | 'csv'): { columns: Array<{ header: string; dateTime: boolean }>; cells: Cell[][] } {
  const columns = writtenColumns(spec)
  const shown = (c: ColumnSpec, value: unknown) => (target === 'xlsx' && c.labels && typeof value === 'string' ? (c.labels[value] ?? value) : value)
  return {
    columns: columns.map((c) => ({ header: c.header, dateTime: c.type === 'timestamp' })),
    cells: rows.map((row) => columns.map((c) => formatCell(c.type, shown(c, row[c.key]), target)))
  }
}

// ---- from sheets to a document ----

/** Where a part of the document came from, so a problem found later names the row and column. */
export interface Origin {
  sheet: string
  row: number
  /** Column key -> header as written in that sheet. */
  headers: Record<string, string>
}

export interface SheetImportProblem {
  sheet: string | null
  row: number | null
  column: string | null
  field: string | null
  path: string | null
  message: string
}

/** A stable UUID (name-based, version 5) for a record a spreadsheet gives no id: the same row imports as the same record. */
export function derivedId(...parts: string[]): string {
  const namespace = Buffer.from('6f1f5d3e4b8a4c1e9a7d2b3c4d5e6f70', 'hex')
  const hash = createHash('sha1').update(namespace).update(parts.join('\u0000')).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A title for a finding a spreadsheet gives only the text of: its first sentence, shortened. */
export function titleFrom(text: string): string {
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text
  return sentence.length <= 120 ? sentence : `${sentence.slice(0, 119).trimEnd()}…`
}

const has = (values: Row, key: string) => Object.hasOwn(values, key)

/** The header a row's sheet gives a column, or ours. */
const header = (origin: Origin, key: string) => origin.headers[key] ?? FINDINGS_SHEET.columns.find((c) => c.key === key)?.header ?? key

/** Statuses a finding is closed in, on the register's side: the portal follows unless told otherwise. */
const CLOSING_STATUSES: ReadonlySet<string> = new Set(['closed', 'superseded'])

/** Columns that say which finding a row is about: two rows with one reference that differ in one of them are two findings. */
const IDENTITY_COLUMNS = ['kind', 'title', 'text', 'scope', 'inspection', 'parent'] as const
/** Columns of the finding an action row may give for its action alone (its owner, its date): kept in the action's words. */
const ACTION_DETAIL_COLUMNS = ['forceLead', 'deliveryLead', 'dueDate', 'deadlineText', 'governanceGroup', 'status', 'statusNote', 'portalStatus', 'portalNote', 'supersededBy', 'questions'] as const

/** Kinds of finding as a sentence names several. */
const KIND_PLURALS: Record<DocumentFinding['kind'], string> = { cause_of_concern: 'causes of concern', recommendation: 'recommendations', area_for_improvement: 'areas for improvement' }

/**
 * The kind of finding a table's title names ("Areas for improvement", "AFIs"), if it names one: a
 * cause of concern's recommendations ("Cause of concern 2: recommendations") are recommendations,
 * and a title naming other kinds together says nothing.
 */
export function kindOfTitle(title: string): DocumentFinding['kind'] | null {
  const words = title.toLowerCase().replace(/[^a-z]+/g, ' ')
  const named = new Set<DocumentFinding['kind']>()
  if (/\bcauses? of concern\b|\bcocs?\b/.test(words)) named.add('cause_of_concern')
  if (/\bareas? for improvement\b|\bafis?\b/.test(words)) named.add('area_for_improvement')
  if (/\brecommendations?\b|\brecs?\b/.test(words)) named.add('recommendation')
  if (named.size === 1) return [...named][0]!
  return named.size === 2 && !named.has('area_for_improvement') ? 'recommendation' : null
}

/** A value read from a cell as a person would write it. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ')
  if (value !== null && typeof value === 'object' && 'words' in value) {
    const deadline = value as DeadlineValue
    return deadline.date ?? deadline.words
  }
  return String(value)
}

type ActionRow = { action: { text: string; status: 'open' | 'done' }; warning: string | null } | { problem: string; field: string }

/**
 * A row that repeats a reference (or continues the row above): one of the finding's actions when it
 * gives one and says nothing else of the finding's identity; a problem naming both rows otherwise.
 */
function actionOfRow(values: Row, first: { values: Row; origin: Origin }, origin: Origin, continues: number | undefined, takesActions: boolean): ActionRow {
  const reference = values.reference as string
  const rows = `rows ${first.origin.row} and ${origin.row}`
  const differs = IDENTITY_COLUMNS.find((key) => values[key] != null && !sameJson(values[key], first.values[key]))
  if (differs) {
    const column = header(origin, differs)
    return {
      field: 'reference',
      problem:
        `${reference} is on ${rows} with a different ${column} ("${clip(shown(first.values[differs]), 40)}" and "${clip(shown(values[differs]), 40)}"): ` +
        'a reference names one finding. Give one of them a reference of its own (a register that restarts at "Rec 1" for each report can prefix the report, as in "PEEL 2021 Rec 1").'
    }
  }
  if (!values.action) {
    if (continues !== undefined) return { field: 'action', problem: `Row ${origin.row} gives an ${header(origin, 'actionStatus')} but no ${header(origin, 'action')}` }
    const how = takesActions ? `if row ${origin.row} is one of its actions, write it in the ${header(origin, 'action')} column` : 'list its actions in an "Action" column or on the Actions sheet'
    return { field: 'reference', problem: `${reference} is on ${rows}: a reference names one finding, and one row would silently replace the other. Remove one, give it a reference of its own, or ${how}.` }
  }
  const details = ACTION_DETAIL_COLUMNS.filter((key) => values[key] != null && !sameJson(values[key], first.values[key])).map((key) => `${header(origin, key)}: ${shown(values[key])}`)
  const text = values.action as string
  const status = (values.actionStatus as 'open' | 'done' | null) ?? 'open'
  if (details.length === 0) return { action: { text, status }, warning: null }
  const which = details.map((d) => d.split(':')[0]).join(', ')
  const withDetails = `${text} (${details.join('; ')})`
  if (withDetails.length > MAX_LENGTH.description) {
    return { field: 'action', problem: `The action of row ${origin.row} gives its own ${which}, which with its text are more than the ${MAX_LENGTH.description.toLocaleString('en-GB')} characters an action holds: shorten the action` }
  }
  return {
    action: { text: withDetails, status },
    warning: `Sheet "${origin.sheet}", row ${origin.row}: an action of ${reference} whose ${which} differ from the finding's; kept in the action's text.`
  }
}

/**
 * A due-date cell: a date is the due date; words ("TBC", "By October 2018") are the deadline's words,
 * and the due date is worked out from them when the import writes, as for a deadline given as words
 * anywhere (so it follows the inspection's publication date if that is corrected). Returns the
 * warning naming the row, with the date the words resolve to.
 */
function readDueDate(finding: DocumentFinding, values: Row, origin: Origin, publishedOn: Map<string, string | null>): string | null {
  const due = values.dueDate as DeadlineValue | null
  finding.dueDate = due?.date ?? null
  if (due === null || due.date !== null) return null
  const at = `Sheet "${origin.sheet}", row ${origin.row}: ${header(origin, 'dueDate')} "${due.words}" is not a date`
  if (values.deadlineText != null && values.deadlineText !== due.words) {
    return `${at}, and the ${header(origin, 'deadlineText')} column gives the deadline already: the due date follows that.`
  }
  finding.deadlineText = due.words
  const resolved = resolveDeadline(due.words, finding.inspection ? publishedOn.get(finding.inspection) : null)
  return resolved === null
    ? `${at}: kept as the deadline's words, with no due date (none can be worked out from them).`
    : `${at}: kept as the deadline's words, due ${resolved}.`
}

/**
 * Lays parsed sheets over the register as it stands (`base`, an export of it): a row names a
 * record by its reference, key or name; the columns the sheet has replace the stored values, the
 * columns it lacks leave them alone; a new record takes the documented defaults (scope force,
 * status open, portal status open, title from the text). Actions listed for a finding replace
 * its actions; updates and reviews are added to those on record. Returns the document to apply
 * and where each of its records came from.
 */
export function sheetsToDocument(
  base: RegisterDocument,
  sheets: Map<SheetSpec, ParsedSheet>
): { doc: RegisterDocument; origins: Map<string, Origin>; problems: SheetImportProblem[]; warnings: string[] } {
  const problems: SheetImportProblem[] = []
  const warnings: string[] = []
  const origins = new Map<string, Origin>()
  // A cell whose value was refused already has its problem: no second one for the value missing.
  const refused = new Set([...sheets.values()].flatMap((parsed) => parsed.problems.map((p) => `${p.sheet}|${p.row}|${p.field}`)))
  const fail = (origin: Origin, column: string | null, field: string | null, message: string) => {
    if (!refused.has(`${origin.sheet}|${origin.row}|${field}`)) problems.push({ sheet: origin.sheet, row: origin.row, column, field, path: null, message })
  }
  const records = (spec: SheetSpec) => {
    const parsed = sheets.get(spec)
    if (!parsed) return []
    // The title of the table each row is in: tables are in row order, and so are records.
    let table = -1
    return parsed.records.map((r) => {
      while (table + 1 < parsed.tables.length && parsed.tables[table + 1]!.headerRow < r.row) table++
      const section = parsed.tables[table]?.title ?? undefined
      return { values: r.values, continues: r.continues, section, origin: { sheet: parsed.sheet, row: r.row, headers: parsed.headers } }
    })
  }
  const set = <T extends object>(target: T, values: Row, keys: string[]) => {
    for (const key of keys) if (has(values, key)) (target as Row)[key] = values[key]
  }

  // Every lookup below is by key, never a search of a list: a sheet may have a couple of hundred thousand rows.
  const groups = base.governanceGroups.map((g) => ({ ...g }))
  const groupAt = new Map(groups.map((g, i) => [g.name, i]))
  for (const { values, origin } of records(GROUPS_SHEET)) {
    const name = values.name as string
    if (!groupAt.has(name)) groupAt.set(name, groups.push({ name, chair: null, meetingFrequency: null }) - 1)
    const index = groupAt.get(name)!
    set(groups[index]!, values, ['chair', 'meetingFrequency'])
    origins.set(`/governanceGroups/${index}`, origin)
  }

  const inspections = base.inspections.map((i) => ({ ...i }))
  const inspectionAt = new Map(inspections.map((inspection, i) => [inspection.key, i]))
  for (const { values, origin } of records(INSPECTIONS_SHEET)) {
    const key = values.key as string
    if (!inspectionAt.has(key)) inspectionAt.set(key, inspections.push({ key, title: '', kind: 'other', category: 'other_national_thematic', scope: 'force', year: null }) - 1)
    const index = inspectionAt.get(key)!
    set(inspections[index]!, values, ['title', 'label', 'kind', 'category', 'scope', 'year', 'startedOn', 'endedOn', 'publishedOn', 'framework', 'milestones'])
    origins.set(`/inspections/${index}`, origin)
  }

  const findings: DocumentFinding[] = base.findings.map((f) => ({ ...f, actions: [...(f.actions ?? [])], updates: [...(f.updates ?? [])], reviews: [...(f.reviews ?? [])] }))
  const byReference = new Map(findings.map((f) => [f.reference, f]))
  const findingAt = new Map(findings.map((f, i) => [f, i]))
  const at = (f: DocumentFinding) => `/findings/${findingAt.get(f)}`
  /** Puts `item` in `list` in place of the one with its id, or at the end; `ids` indexes the list by id and is kept up to date. */
  const place = <T extends { id: string }>(list: T[], ids: Map<string, number>, item: T): number => {
    const index = ids.get(item.id) ?? list.length
    list[index] = item
    ids.set(item.id, index)
    return index
  }
  const idsOf = new Map<object[], Map<string, number>>()
  const ids = (list: Array<{ id: string }>) => {
    let index = idsOf.get(list)
    if (!index) idsOf.set(list, (index = new Map(list.map((item, i) => [item.id, i]))))
    return index
  }
  // A reference names one finding. Rows that repeat it are its actions when they say the same of the
  // finding (or nothing) and give an action; any other repetition is a problem naming both rows.
  const firstRows = new Map<string, { values: Row; origin: Origin }>()
  const sheetActions = new Map<DocumentFinding, Array<{ text: string; status: 'open' | 'done' }>>()
  const takesActions = has(sheets.get(FINDINGS_SHEET)?.headers ?? {}, 'action')
  const publishedOn = new Map(inspections.map((i) => [i.key, i.publishedOn ?? null]))
  const baseStatus = new Map(base.findings.map((f) => [f.reference, f.status]))
  const titled = new Set<string>()
  for (const { values, origin, continues, section } of records(FINDINGS_SHEET)) {
    const reference = values.reference as string
    const first = firstRows.get(reference)
    if (first) {
      const finding = byReference.get(reference)
      const action = actionOfRow(values, first, origin, continues, takesActions)
      if ('problem' in action) fail(origin, header(origin, action.field), action.field, action.problem)
      else if (finding) {
        sheetActions.get(finding)!.push(action.action)
        if (action.warning) warnings.push(action.warning)
      }
      continue
    }
    firstRows.set(reference, { values, origin })
    // A table titled "Areas for improvement" says the kind of the new findings in it that do not.
    if (!values.kind && section !== undefined && !byReference.has(reference)) {
      const kind = kindOfTitle(section)
      if (kind) {
        values.kind = kind
        const key = `${origin.sheet}\u0000${section}`
        if (!titled.has(key)) warnings.push(`Sheet "${origin.sheet}": findings of the table titled "${clip(section, 60)}" that give no kind are read as ${KIND_PLURALS[kind]}.`)
        titled.add(key)
      }
    }
    let finding = byReference.get(reference)
    if (!finding) {
      const missing = (['kind', 'text'] as const).filter((key) => !values[key])
      for (const key of missing) fail(origin, header(origin, key), key, `${reference} is a new finding: its ${header(origin, key)} is needed`)
      if (missing.length > 0) continue
      const text = values.text as string
      finding = { reference, kind: 'recommendation', scope: 'force', title: titleFrom(text), text, status: 'open', portalStatus: 'open', actions: [], updates: [], reviews: [] }
      findingAt.set(finding, findings.push(finding) - 1)
      byReference.set(reference, finding)
    }
    const statusBefore = baseStatus.get(reference)
    set(finding, values, ['kind', 'text', 'inspection', 'parent', 'deadlineText', 'forceLead', 'deliveryLead', 'governanceGroup', 'statusNote', 'portalNote', 'supersededBy'])
    // An empty cell where a value has a default takes the default, not null.
    if (values.title) finding.title = values.title as string
    if (values.scope) finding.scope = values.scope as DocumentFinding['scope']
    if (values.status) finding.status = values.status as DocumentFinding['status']
    if (values.portalStatus) finding.portalStatus = values.portalStatus as DocumentFinding['portalStatus']
    // Closed in the register and open on the portal is a discrepancy the sheet never had: a finding
    // the sheet closes is closed on the portal too, unless the sheet gives its portal status.
    else if (values.status && values.status !== statusBefore && CLOSING_STATUSES.has(finding.status) && finding.portalStatus === 'open') finding.portalStatus = 'closed'
    if (values.status && values.status !== statusBefore && statusBefore !== undefined && CLOSING_STATUSES.has(finding.status)) {
      warnings.push(`Sheet "${origin.sheet}", row ${origin.row}: ${reference} is ${finding.status} by this import (it was ${statusBefore.replaceAll('_', ' ')}).`)
    }
    if (has(values, 'dueDate')) {
      const warning = readDueDate(finding, values, origin, publishedOn)
      if (warning) warnings.push(warning)
    }
    if (has(values, 'questions')) {
      finding.questions = []
      for (const item of (values.questions as string[] | null) ?? []) {
        const match = /^([a-z0-9-]+)[: ]\s*(\S+)$/.exec(item.trim())
        if (match) finding.questions.push({ framework: match[1]!, ref: match[2]! })
        else fail(origin, 'Questions', 'questions', `Questions "${item}" is not framework:ref, e.g. peel-2018:2.1`)
      }
    }
    if (takesActions) sheetActions.set(finding, values.action ? [{ text: values.action as string, status: (values.actionStatus as 'open' | 'done' | null) ?? 'open' }] : [])

    origins.set(at(finding), origin)
  }
  // Actions given replace the finding's; a finding whose rows give none keeps those on record.
  for (const [finding, actions] of sheetActions) if (actions.length > 0) finding.actions = actions

  const actionRows = records(ACTIONS_SHEET)
  const listed = new Map<DocumentFinding, Array<{ position: number; text: string; status: 'open' | 'done' }>>()
  for (const { values, origin } of actionRows) {
    const finding = byReference.get(values.finding as string)
    if (!finding) {
      fail(origin, 'Finding', 'finding', `Finding ${String(values.finding)} is not in the register or the Findings sheet`)
      continue
    }
    if ((sheetActions.get(finding) ?? []).length > 0) {
      const given = firstRows.get(finding.reference)!.origin
      fail(origin, header(origin, 'finding'), 'finding', `${finding.reference} has its actions on the ${given.sheet} sheet (row ${given.row} and below) as well as here: keep them in one place`)
      continue
    }
    const list = listed.get(finding) ?? []
    list.push({ position: (values.position as number | null) ?? list.length + 1, text: values.text as string, status: (values.status as 'open' | 'done' | null) ?? 'open' })
    listed.set(finding, list)
  }
  for (const [finding, list] of listed) finding.actions = list.sort((a, b) => a.position - b.position).map(({ text, status }) => ({ text, status }))

  const updatesById = new Map<string, NonNullable<DocumentFinding['updates']>[number]>()
  const updateOwner = new Map<object, { finding: DocumentFinding; index: number }>()
  for (const f of findings) {
    f.updates!.forEach((u, index) => {
      updatesById.set(u.id, u)
      updateOwner.set(u, { finding: f, index })
    })
  }
  for (const { values, origin } of records(UPDATES_SHEET)) {
    const finding = byReference.get(values.finding as string)
    if (!finding) {
      fail(origin, 'Finding', 'finding', `Finding ${String(values.finding)} is not in the register or the Findings sheet`)
      continue
    }
    const id = (values.id as string | null) ?? derivedId('update', base.force, finding.reference, String(values.createdAt), String(values.position))
    // Evidence has a sheet of its own (layEvidence); an update row keeps what is on record unless it has the old JSON column.
    const evidence = has(values, 'evidence') ? ((values.evidence as never) ?? []) : (updatesById.get(id)?.evidence ?? [])
    const update = { id, createdAt: values.createdAt as string, position: values.position as string, activities: values.activities as string, impact: (values.impact as string | null) ?? null, evidence, ongoingActions: updatesById.get(id)?.ongoingActions ?? [] }
    const index = place(finding.updates!, ids(finding.updates!), update)
    updatesById.set(id, update)
    updateOwner.set(update, { finding, index })
    origins.set(`${at(finding)}/updates/${index}`, origin)
  }

  for (const { values, origin } of records(ONGOING_ACTIONS_SHEET)) {
    const update = updatesById.get(values.update as string)
    if (!update) {
      fail(origin, 'Update', 'update', `Update ${String(values.update)} is not on record or in the Updates sheet`)
      continue
    }
    const id = (values.id as string | null) ?? derivedId('ongoing-action', update.id, String(values.description))
    const action = {
      id,
      description: values.description as string,
      anticipatedImpact: (values.anticipatedImpact as string | null) ?? null,
      expectedCompletion: (values.expectedCompletion as string | null) ?? null,
      status: (values.status as 'ongoing' | 'not_started' | 'completed' | null) ?? 'ongoing',
      ...(values.dates ? { dates: values.dates as never } : {})
    }
    const list = (update.ongoingActions ??= [])
    const index = place(list, ids(list), action)
    const owner = updateOwner.get(update)!
    origins.set(`${at(owner.finding)}/updates/${owner.index}/ongoingActions/${index}`, origin)
  }

  for (const { values, origin } of records(REVIEWS_SHEET)) {
    const finding = byReference.get(values.finding as string)
    if (!finding) {
      fail(origin, 'Finding', 'finding', `Finding ${String(values.finding)} is not in the register or the Findings sheet`)
      continue
    }
    const id = (values.id as string | null) ?? derivedId('review', base.force, finding.reference, String(values.createdAt), String(values.outcome))
    const review = { id, createdAt: values.createdAt as string, outcome: values.outcome as never, rationale: values.rationale as string, governanceGroup: (values.governanceGroup as string | null) ?? null }
    const index = place(finding.reviews!, ids(finding.reviews!), review)
    origins.set(`${at(finding)}/reviews/${index}`, origin)
  }

  const lists = { origins, fail }
  layMilestones(records(MILESTONES_SHEET), inspections, inspectionAt, lists)
  layEvidence(records(EVIDENCE_SHEET), findings, lists)
  layDateHistory(records(DATE_HISTORY_SHEET), findings, lists)

  return { doc: { format: DOCUMENT_FORMAT, force: base.force, governanceGroups: groups, inspections, findings }, origins, problems, warnings }
}

// ---- the sheets of lists: a row per item, with its owner's key ----

type SheetRecord = { values: Row; origin: Origin }
interface ListContext {
  origins: Map<string, Origin>
  fail: (origin: Origin, column: string | null, field: string | null, message: string) => void
}
type Inspection = RegisterDocument['inspections'][number]
type Milestone = NonNullable<Inspection['milestones']>[number]
type Update = NonNullable<DocumentFinding['updates']>[number]
type Evidence = NonNullable<Update['evidence']>[number]
type OngoingAction = NonNullable<Update['ongoingActions']>[number]
type DateEntry = NonNullable<OngoingAction['dates']>[number]

/**
 * Gives each owner a sheet names its items in the sheet's order, in place of those it had (an owner
 * the sheet does not name keeps its own), and records where each item came from; the owner, if no
 * sheet of its own named it, is located at its first item's row. `find` gives the owner's place in
 * the document, or undefined for a key neither on record nor in the file.
 */
function layList<T>(
  rows: SheetRecord[],
  ownerKey: string,
  find: (key: string) => { path: string; set: (items: T[]) => void } | undefined,
  item: (values: Row) => T,
  listName: string,
  missing: (key: string) => string,
  { origins, fail }: ListContext
): void {
  for (const [key, owned] of groupBy(rows, (row) => row.values[ownerKey] as string)) {
    const owner = find(key)
    if (!owner) {
      for (const { origin } of owned) fail(origin, origin.headers[ownerKey] ?? null, ownerKey, missing(key))
      continue
    }
    owner.set(owned.map(({ values }) => item(values)))
    owned.forEach(({ origin }, i) => origins.set(`${owner.path}/${listName}/${i}`, origin))
    if (!origins.has(owner.path)) origins.set(owner.path, owned[0]!.origin)
  }
}

/** The Milestones sheet: an inspection's milestones, by its key. */
function layMilestones(rows: SheetRecord[], inspections: Inspection[], inspectionAt: Map<string, number>, context: ListContext): void {
  layList<Milestone>(
    rows,
    'inspection',
    (key) => {
      const index = inspectionAt.get(key)
      if (index === undefined) return undefined
      return { path: `/inspections/${index}`, set: (milestones) => (inspections[index] = { ...inspections[index]!, milestones }) }
    },
    (values) => ({
      kind: values.kind as Milestone['kind'],
      title: values.title as string,
      date: (values.date as string | null) ?? null,
      dateText: (values.dateText as string | null) ?? null,
      note: (values.note as string | null) ?? null
    }),
    'milestones',
    (key) => `Inspection ${key} is not in the register or the Inspections sheet`,
    context
  )
}

/** Where each update sits in the document, by id. */
function updatesIn(findings: DocumentFinding[]): Map<string, { updates: Update[]; index: number; path: string }> {
  const places = new Map<string, { updates: Update[]; index: number; path: string }>()
  findings.forEach((f, i) => f.updates?.forEach((u, j) => places.set(u.id, { updates: f.updates!, index: j, path: `/findings/${i}/updates/${j}` })))
  return places
}

/** The Evidence sheet: an update's evidence, by the update's id. */
function layEvidence(rows: SheetRecord[], findings: DocumentFinding[], context: ListContext): void {
  if (rows.length === 0) return
  const updates = updatesIn(findings)
  layList<Evidence>(
    rows,
    'update',
    (id) => {
      const place = updates.get(id)
      if (!place) return undefined
      return { path: place.path, set: (evidence) => (place.updates[place.index] = { ...place.updates[place.index]!, evidence }) }
    },
    (values) => ({
      title: values.title as string,
      kind: values.kind as Evidence['kind'],
      location: (values.location as string | null) ?? null,
      date: (values.date as string | null) ?? null
    }),
    'evidence',
    (id) => `Update ${id} is not on record or in the Updates sheet`,
    context
  )
}

/** The Date history sheet: every expected date an ongoing action has had, oldest first, by the action's id. */
function layDateHistory(rows: SheetRecord[], findings: DocumentFinding[], context: ListContext): void {
  if (rows.length === 0) return
  const actions = new Map<string, { list: OngoingAction[]; index: number; path: string }>()
  for (const { updates, index, path } of updatesIn(findings).values()) {
    updates[index]!.ongoingActions?.forEach((a, k, list) => actions.set(a.id, { list, index: k, path: `${path}/ongoingActions/${k}` }))
  }
  layList<DateEntry>(
    rows,
    'ongoingAction',
    (id) => {
      const place = actions.get(id)
      if (!place) return undefined
      return { path: place.path, set: (dates) => (place.list[place.index] = { ...place.list[place.index]!, dates }) }
    },
    (values) => ({
      expectedCompletion: (values.expectedCompletion as string | null) ?? null,
      reason: (values.reason as string | null) ?? null,
      changedAt: values.changedAt as string
    }),
    'dates',
    (id) => `Ongoing action ${id} is not on record or in the Ongoing actions sheet`,
    context
  )
}

const SHEET_OF_PATH: Array<[RegExp, SheetSpec]> = [
  [/^\/findings\/\d+\/updates\/\d+\/ongoingActions\/\d+\/dates\/\d+/, DATE_HISTORY_SHEET],
  [/^\/findings\/\d+\/updates\/\d+\/ongoingActions\/\d+/, ONGOING_ACTIONS_SHEET],
  [/^\/findings\/\d+\/updates\/\d+\/evidence\/\d+/, EVIDENCE_SHEET],
  [/^\/findings\/\d+\/updates\/\d+/, UPDATES_SHEET],
  [/^\/findings\/\d+\/reviews\/\d+/, REVIEWS_SHEET],
  [/^\/findings\/\d+\/actions/, ACTIONS_SHEET],
  [/^\/findings\/\d+/, FINDINGS_SHEET],
  [/^\/inspections\/\d+\/milestones\/\d+/, MILESTONES_SHEET],
  [/^\/inspections\/\d+/, INSPECTIONS_SHEET],
  [/^\/governanceGroups\/\d+/, GROUPS_SHEET]
]

/**
 * A problem found in the document, told in the spreadsheet's terms: sheet, row and column. The
 * innermost record the file gave names it: an evidence item read from an update's old JSON column
 * has no row of its own, so the update's row does.
 */
export function locate(path: string, message: string, origins: Map<string, Origin>): SheetImportProblem {
  const matches = SHEET_OF_PATH.flatMap(([pattern, spec]) => {
    const match = pattern.exec(path)
    return match ? [{ at: match[0], spec, origin: origins.get(match[0].replace(/\/actions$/, '')) }] : []
  })
  const found = matches.find((m) => m.origin) ?? matches[0]
  if (!found) return { sheet: null, row: null, column: null, field: null, path, message }
  const { at, spec, origin } = found
  const key = path.slice(at.length).split('/').filter(Boolean)[0] ?? null
  const column = key === null ? undefined : (origin?.headers[key] ?? spec.columns.find((c) => c.key === key)?.header)
  return {
    sheet: origin?.sheet ?? spec.name,
    row: origin?.row ?? null,
    column: column ?? null,
    field: key,
    path,
    message: origin ? message : `${message} (a record already on the register, not in this file)`
  }
}
