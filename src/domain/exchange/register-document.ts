import { type Static, type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import { CalendarDate, ForceCode, Timestamp } from '../../schemas/common.ts'
import { FreeText, MAX_ITEMS, MAX_LENGTH } from '../../schemas/limits.ts'
import { FINDING_KINDS, FINDING_STATUSES, PORTAL_STATUSES } from '../findings/findings.schemas.ts'
import { CATEGORIES, INSPECTION_KEY_PATTERN, INSPECTION_KINDS, MilestoneSchema, Year } from '../inspections/inspections.schemas.ts'
import { EvidenceSchema, REVIEW_OUTCOMES } from '../progress/progress.schemas.ts'

export const DOCUMENT_FORMAT = 'peel-register.register/v1'

const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) })
/**
 * Text as the API takes it for the same field (MAX_LENGTH), so that what an import stores is
 * bounded as the API's responses say; a document that an export gave always comes back in.
 */
const text = (max: number) => FreeText(max, { minLength: 1 })
const nullableText = (max: number) => Type.Union([text(max), Type.Null()])
const date = Type.Union([CalendarDate, Type.Null()])
const id = Type.String({ format: 'uuid', maxLength: MAX_LENGTH.uuid, description: 'Kept across exports and imports, so importing the same record twice changes nothing.' })
const timestamp = Timestamp
/** How a record names another: a finding by reference, an inspection by key, a group by name. */
const findingRef = nullableText(MAX_LENGTH.reference)
const groupRef = nullableText(MAX_LENGTH.name)

const OngoingActionEntry = strict({
  id,
  description: text(MAX_LENGTH.description),
  anticipatedImpact: Type.Optional(nullableText(MAX_LENGTH.description)),
  expectedCompletion: Type.Optional(date),
  status: Type.Enum(['ongoing', 'not_started', 'completed']),
  dates: Type.Optional(
    Type.Array(strict({ expectedCompletion: date, reason: nullableText(MAX_LENGTH.note), changedAt: timestamp }), {
      description: 'Every expected completion date the action has had, oldest first, with the reason it moved.'
    })
  )
})

const UpdateEntry = strict({
  id,
  createdAt: timestamp,
  position: text(MAX_LENGTH.text),
  activities: text(MAX_LENGTH.text),
  impact: Type.Optional(nullableText(MAX_LENGTH.text)),
  evidence: Type.Optional(Type.Array(EvidenceSchema, { maxItems: MAX_ITEMS.evidence })),
  ongoingActions: Type.Optional(Type.Array(OngoingActionEntry, { maxItems: MAX_ITEMS.ongoingActions }))
})

const ReviewEntry = strict({
  id,
  createdAt: timestamp,
  outcome: Type.Enum(REVIEW_OUTCOMES),
  rationale: text(MAX_LENGTH.text),
  governanceGroup: Type.Optional(groupRef)
})

/**
 * A whole register as one JSON document: the example register ships in it, exports produce it and
 * imports read it (spreadsheets are turned into it first). Records refer to each other by
 * inspection key, group name and finding reference, never by database id, so a document moves
 * between deployments; updates, ongoing actions and reviews keep their ids, which makes an
 * import of the same document a second time change nothing.
 */
export const RegisterDocument = Type.Object({
  format: Type.Literal(DOCUMENT_FORMAT),
  force: ForceCode,
  exportedAt: Type.Optional(timestamp),
  source: Type.Optional(FreeText(MAX_LENGTH.note, { description: 'Where the register came from; kept in the file, not in the register.' })),
  notes: Type.Optional(Type.Array(FreeText(MAX_LENGTH.description), { maxItems: 100, description: 'Notes on the file; not imported.' })),
  governanceGroups: Type.Array(
    strict({
      key: Type.Optional(FreeText(MAX_LENGTH.name, { description: 'Another name records of the document may call the group by.' })),
      name: text(MAX_LENGTH.name),
      chair: Type.Optional(nullableText(MAX_LENGTH.name)),
      meetingFrequency: Type.Optional(nullableText(MAX_LENGTH.name))
    })
  ),
  inspections: Type.Array(
    strict({
      key: Type.String({ pattern: INSPECTION_KEY_PATTERN, maxLength: MAX_LENGTH.importedInspectionKey }),
      title: text(MAX_LENGTH.title),
      label: Type.Optional(nullableText(MAX_LENGTH.label)),
      kind: Type.Enum(INSPECTION_KINDS),
      category: Type.Enum(CATEGORIES),
      scope: Type.Enum(['force', 'national']),
      year: Type.Union([Year, Type.Null()]),
      startedOn: Type.Optional(date),
      endedOn: Type.Optional(date),
      publishedOn: Type.Optional(date),
      framework: Type.Optional(Type.Union([Type.String({ pattern: '^peel-[0-9]{4}$', maxLength: MAX_LENGTH.frameworkKey }), Type.Null()])),
      milestones: Type.Optional(Type.Array(MilestoneSchema, { maxItems: MAX_ITEMS.milestones }))
    })
  ),
  findings: Type.Array(
    strict({
      reference: text(MAX_LENGTH.reference),
      kind: Type.Enum(FINDING_KINDS),
      parent: Type.Optional(findingRef),
      inspection: Type.Optional(nullableText(MAX_LENGTH.importedInspectionKey)),
      scope: Type.Enum(['force', 'national']),
      title: text(MAX_LENGTH.importedTitle),
      text: text(MAX_LENGTH.text),
      questions: Type.Optional(
        Type.Array(
          strict({
            framework: Type.String({ pattern: '^peel-[0-9]{4}$', maxLength: MAX_LENGTH.frameworkKey }),
            ref: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: MAX_LENGTH.questionRef })
          }),
          { maxItems: MAX_ITEMS.questionLinks }
        )
      ),
      deadlineText: Type.Optional(nullableText(MAX_LENGTH.name)),
      dueDate: Type.Optional(date),
      forceLead: Type.Optional(nullableText(MAX_LENGTH.name)),
      deliveryLead: Type.Optional(nullableText(MAX_LENGTH.name)),
      governanceGroup: Type.Optional(groupRef),
      status: Type.Enum(FINDING_STATUSES),
      statusNote: Type.Optional(nullableText(MAX_LENGTH.note)),
      portalStatus: Type.Enum(PORTAL_STATUSES),
      portalNote: Type.Optional(nullableText(MAX_LENGTH.note)),
      supersededBy: Type.Optional(findingRef),
      actions: Type.Optional(Type.Array(strict({ text: text(MAX_LENGTH.description), status: Type.Optional(Type.Enum(['open', 'done'])) }))),
      updates: Type.Optional(Type.Array(UpdateEntry, { description: 'Progress updates, oldest first.' })),
      reviews: Type.Optional(Type.Array(ReviewEntry, { description: 'Board reviews, oldest first.' }))
    })
  )
}, {
  $id: 'RegisterDocument',
  additionalProperties: false,
  description: 'A whole register: its governance groups, inspections and findings with their actions, progress updates (with ongoing actions) and reviews. What an export gives and an import takes.'
})
export type RegisterDocument = Static<typeof RegisterDocument>
export type DocumentFinding = RegisterDocument['findings'][number]

/** One thing wrong with a document: where (a JSON pointer into it) and what. */
export interface DocumentProblem {
  path: string
  message: string
}

export class RegisterDocumentError extends Error {
  constructor(readonly problems: DocumentProblem[]) {
    super(`The register document has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p.path || '(document)'} ${p.message}`).join('\n')}`)
    this.name = 'RegisterDocumentError'
  }
}

/** Up to this many problems are listed; past it the author has a systematic mistake to fix first. */
export const MAX_PROBLEMS = 500

/** What is wrong with the document's shape: types, formats, required and unknown fields. */
export function shapeProblems(data: unknown): DocumentProblem[] {
  if (Value.Check(RegisterDocument, data)) return []
  return [...Value.Errors(RegisterDocument, data)].slice(0, MAX_PROBLEMS).map((e) => ({ path: e.instancePath, message: e.message }))
}

/** Shape first, then every cross-reference inside the document, all problems at once. */
export function checkDocument(data: unknown): RegisterDocument {
  const shape = shapeProblems(data)
  if (shape.length > 0) throw new RegisterDocumentError(shape)
  const references = referenceProblems(data as RegisterDocument)
  if (references.length > 0) throw new RegisterDocumentError(references)
  return data as RegisterDocument
}

/** Within a well-shaped document: duplicates, and links to records the document does not hold. */
export function referenceProblems(doc: RegisterDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = []
  const problem = (path: string, message: string) => problems.push({ path, message })
  const inspections = new Set<string>()
  doc.inspections.forEach((i, n) => {
    if (inspections.has(i.key)) problem(`/inspections/${n}/key`, `${i.key} appears twice`)
    inspections.add(i.key)
  })
  const groups = new Set<string>()
  doc.governanceGroups.forEach((g, n) => {
    if (groups.has(g.name)) problem(`/governanceGroups/${n}/name`, `${g.name} appears twice`)
    for (const name of [g.name, ...(g.key ? [g.key] : [])]) groups.add(name)
  })
  const references = new Map<string, DocumentFinding>()
  doc.findings.forEach((f, i) => {
    if (references.has(f.reference)) problem(`/findings/${i}/reference`, `${f.reference} appears twice`)
    references.set(f.reference, f)
  })
  const ids = new Set<string>()
  const once = (path: string, value: string) => {
    if (ids.has(value)) problem(path, `${value} appears twice`)
    ids.add(value)
  }
  doc.findings.forEach((f, i) => {
    const at = `/findings/${i}`
    if (f.inspection && !inspections.has(f.inspection)) problem(`${at}/inspection`, `${f.inspection} is not an inspection of the document`)
    if (f.governanceGroup && !groups.has(f.governanceGroup)) problem(`${at}/governanceGroup`, `${f.governanceGroup} is not a group of the document`)
    if (f.parent) {
      const parent = references.get(f.parent)
      if (!parent) problem(`${at}/parent`, `${f.parent} is not a finding of the document`)
      else if (parent.kind !== 'cause_of_concern') problem(`${at}/parent`, `${f.parent} is not a cause of concern`)
      if (f.kind !== 'recommendation') problem(`${at}/parent`, 'only a recommendation has a parent')
    }
    if (f.supersededBy && !references.has(f.supersededBy)) problem(`${at}/supersededBy`, `${f.supersededBy} is not a finding of the document`)
    if ((f.status === 'superseded') !== Boolean(f.supersededBy)) problem(`${at}/status`, 'superseded goes with supersededBy, and only with it')
    f.updates?.forEach((u, j) => {
      once(`${at}/updates/${j}/id`, u.id)
      u.ongoingActions?.forEach((a, k) => once(`${at}/updates/${j}/ongoingActions/${k}/id`, a.id))
    })
    f.reviews?.forEach((r, j) => {
      once(`${at}/reviews/${j}/id`, r.id)
      if (r.governanceGroup && !groups.has(r.governanceGroup)) problem(`${at}/reviews/${j}/governanceGroup`, `${r.governanceGroup} is not a group of the document`)
    })
  })
  return problems.slice(0, MAX_PROBLEMS)
}
