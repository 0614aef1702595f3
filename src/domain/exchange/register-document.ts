import { type Static, type TSchema, Type } from 'typebox'
import { Value } from 'typebox/value'
import { FINDING_KINDS, FINDING_STATUSES, PORTAL_STATUSES } from '../findings/findings.schemas.ts'
import { CATEGORIES, INSPECTION_KINDS, MilestoneSchema } from '../inspections/inspections.schemas.ts'
import { EvidenceSchema, REVIEW_OUTCOMES } from '../progress/progress.schemas.ts'

export const DOCUMENT_FORMAT = 'peel-register.register/v1'

const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) })
const nullableText = Type.Union([Type.String({ minLength: 1 }), Type.Null()])
const date = Type.Union([Type.String({ format: 'date' }), Type.Null()])
const id = Type.String({ format: 'uuid', description: 'Kept across exports and imports, so importing the same record twice changes nothing.' })
const timestamp = Type.String({ format: 'date-time' })

const OngoingActionEntry = strict({
  id,
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  anticipatedImpact: Type.Optional(nullableText),
  expectedCompletion: Type.Optional(date),
  status: Type.Enum(['ongoing', 'not_started', 'completed']),
  dates: Type.Optional(
    Type.Array(strict({ expectedCompletion: date, reason: nullableText, changedAt: timestamp }), {
      description: 'Every expected completion date the action has had, oldest first, with the reason it moved.'
    })
  )
})

const UpdateEntry = strict({
  id,
  createdAt: timestamp,
  position: Type.String({ minLength: 1, maxLength: 20_000 }),
  activities: Type.String({ minLength: 1, maxLength: 20_000 }),
  impact: Type.Optional(nullableText),
  evidence: Type.Optional(Type.Array(EvidenceSchema, { maxItems: 100 })),
  ongoingActions: Type.Optional(Type.Array(OngoingActionEntry, { maxItems: 100 }))
})

const ReviewEntry = strict({
  id,
  createdAt: timestamp,
  outcome: Type.Enum(REVIEW_OUTCOMES),
  rationale: Type.String({ minLength: 1, maxLength: 20_000 }),
  governanceGroup: Type.Optional(nullableText)
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
  force: Type.String({ pattern: '^[a-z]+(-[a-z]+)*$' }),
  exportedAt: Type.Optional(timestamp),
  source: Type.Optional(Type.String()),
  notes: Type.Optional(Type.Array(Type.String())),
  governanceGroups: Type.Array(
    strict({
      key: Type.Optional(Type.String()),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      chair: Type.Optional(nullableText),
      meetingFrequency: Type.Optional(nullableText)
    })
  ),
  inspections: Type.Array(
    strict({
      key: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 100 }),
      title: Type.String({ minLength: 1 }),
      label: Type.Optional(nullableText),
      kind: Type.Enum(INSPECTION_KINDS),
      category: Type.Enum(CATEGORIES),
      scope: Type.Enum(['force', 'national']),
      year: Type.Union([Type.Integer({ minimum: 1990, maximum: 2100 }), Type.Null()]),
      startedOn: Type.Optional(date),
      endedOn: Type.Optional(date),
      publishedOn: Type.Optional(date),
      framework: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      milestones: Type.Optional(Type.Array(MilestoneSchema, { maxItems: 50 }))
    })
  ),
  findings: Type.Array(
    strict({
      reference: Type.String({ minLength: 1, maxLength: 60 }),
      kind: Type.Enum(FINDING_KINDS),
      parent: Type.Optional(nullableText),
      inspection: Type.Optional(nullableText),
      scope: Type.Enum(['force', 'national']),
      title: Type.String({ minLength: 1, maxLength: 500 }),
      text: Type.String({ minLength: 1, maxLength: 20_000 }),
      questions: Type.Optional(Type.Array(strict({ framework: Type.String(), ref: Type.String() }))),
      deadlineText: Type.Optional(nullableText),
      dueDate: Type.Optional(date),
      forceLead: Type.Optional(nullableText),
      deliveryLead: Type.Optional(nullableText),
      governanceGroup: Type.Optional(nullableText),
      status: Type.Enum(FINDING_STATUSES),
      statusNote: Type.Optional(nullableText),
      portalStatus: Type.Enum(PORTAL_STATUSES),
      portalNote: Type.Optional(nullableText),
      supersededBy: Type.Optional(nullableText),
      actions: Type.Optional(Type.Array(strict({ text: Type.String({ minLength: 1 }), status: Type.Optional(Type.Enum(['open', 'done'])) }))),
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
