import { sql } from 'kysely'
import type { ClosedVia, Db, Executor } from '../../db/database.ts'
import { LOCKS } from '../../db/locks.ts'
import { bumped } from '../../db/versioned.ts'
import { type Actor, type AuditEntry, recordAudits } from '../audit/audit.repository.ts'
import { sameJson as same } from '../shared/canonical-json.ts'
import { groupBy } from '../shared/group-by.ts'
import { resolveDeadline } from '../findings/deadlines.ts'
import { type FindingRow, unknownQuestions } from '../findings/findings.repository.ts'
import { toAction, toFinding } from '../findings/findings.service.ts'
import * as forces from '../forces/forces.repository.ts'
import * as frameworksRepository from '../frameworks/frameworks.repository.ts'
import { type CHANGED_FIELDS, CHANGED_FINDINGS_LISTED } from './exchange.schemas.ts'
import * as importRepo from './import.repository.ts'
import { type DocumentFinding, type DocumentProblem, MAX_PROBLEMS, type RegisterDocument, RegisterDocumentError } from './register-document.ts'

interface Tally {
  created: number
  updated: number
  unchanged: number
}
const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 })

/** A finding on record that the import changed, and which of its fields (as the API names them). */
export interface FindingChanged {
  reference: string
  fields: ChangedField[]
}

export interface ApplyReport {
  inspections: Tally
  governanceGroups: Tally
  findings: Tally
  updates: Tally
  ongoingActions: Tally
  reviews: Tally
  /** Every finding on record the import changed, in the document's order, up to CHANGED_FINDINGS_LISTED. */
  changedFindings: FindingChanged[]
}

type ChangedField = (typeof CHANGED_FIELDS)[number]

/** Each column an import writes, as the field the API shows it in; null for one that is no field of its own (whether the due date was worked out). */
const FIELD_OF_COLUMN: Record<keyof importRepo.FindingImportValues, ChangedField | null> = {
  kind: 'kind',
  title: 'title',
  text: 'text',
  scope: 'scope',
  inspection_id: 'inspection',
  parent_id: 'parent',
  deadline_text: 'deadlineText',
  due_date: 'dueDate',
  due_date_resolved: null,
  force_lead: 'forceLead',
  delivery_lead: 'deliveryLead',
  governance_group_id: 'governanceGroup',
  status: 'status',
  closed_via: 'closedVia',
  status_note: 'statusNote',
  portal_status: 'portalStatus',
  portal_note: 'portalNote',
  superseded_by_id: 'supersededBy'
}

const pick = <T extends object>(row: T, keys: string[]) => Object.fromEntries(keys.map((k) => [k, row[k as keyof T]]))
const byQuestion = (a: { framework: string; ref: string }, b: { framework: string; ref: string }) =>
  `${a.framework} ${a.ref}` < `${b.framework} ${b.ref}` ? -1 : 1

/** Findings are written, and progress reported, this many at a time. */
const FINDINGS_PER_STEP = 500

/** How many of a document's findings an import has written so far, of how many. */
export type ImportProgress = (done: number, total: number) => void

export interface ApplyOptions {
  dryRun?: boolean
  /**
   * Called as the findings are written: first with none done, then after each batch, and with all
   * of them done once everything (progress records and audit trail too) is written. A dry run
   * reports the same; an import that finds a problem stops short of the last call.
   */
  onProgress?: ImportProgress
}

/** Thrown inside the transaction to roll a dry run back once it has gone all the way through. */
class DryRunDone<T> extends Error {
  constructor(readonly result: T) {
    super('dry run')
  }
}

/**
 * Runs `work` in one transaction, committed unless it is a dry run: then everything is done,
 * every check made, and all of it rolled back.
 */
export async function inTransaction<T>(db: Db, dryRun: boolean, work: (trx: Executor) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(async (trx) => {
      const result = await work(trx)
      if (dryRun) throw new DryRunDone(result)
      return result
    })
  } catch (error) {
    if (error instanceof DryRunDone) return error.result as T
    throw error
  }
}

/**
 * Holds a force's register still while an import reads and rewrites it: imports one at a time,
 * and no API write to a record the import may change until it commits, so neither overwrites
 * the other unseen.
 */
export async function lockRegister(trx: Executor, force: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${LOCKS.registerImport}, hashtext(${force}))`.execute(trx)
  await importRepo.declareImportWriter(trx)
  await sql`select id from governance_groups where force_code = ${force} for update`.execute(trx)
  await sql`select id from inspections where force_code = ${force} for update`.execute(trx)
  await sql`select id from findings where force_code = ${force} for update`.execute(trx)
  await sql`select a.id from ongoing_actions a join findings f on f.id = a.finding_id where f.force_code = ${force} for update of a`.execute(trx)
}

/**
 * Brings a force's register in line with a document, in one transaction, all or nothing:
 * what is missing is created, what differs is updated, what already matches is left alone, so
 * applying the same document twice changes nothing the second time. Records the document does
 * not mention are left as they are. Progress updates and reviews are never edited, here as
 * through the API: one that differs from its stored self is a problem, not an update. Every
 * change goes through the audit log (and so the change feed). A dry run does all of it and
 * then rolls back, so it finds every problem the real import would.
 */
export async function applyDocument(db: Db, actor: Actor, doc: RegisterDocument, options: ApplyOptions = {}): Promise<ApplyReport> {
  return inTransaction(db, options.dryRun ?? false, async (trx) => {
    await lockRegister(trx, doc.force)
    return applyInTransaction(trx, actor, doc, [], options)
  })
}

/** The same, inside a transaction the caller holds (and has locked the register in). */
export async function applyInTransaction(
  trx: Executor,
  actor: Actor,
  doc: RegisterDocument,
  known: DocumentProblem[] = [],
  options: Pick<ApplyOptions, 'onProgress'> = {}
): Promise<ApplyReport> {
  return new Application(trx, actor, doc, known, options.onProgress).run()
}

type DocumentOngoingAction = NonNullable<NonNullable<DocumentFinding['updates']>[number]['ongoingActions']>[number]
type StoredOngoingAction = Awaited<ReturnType<typeof importRepo.ongoingActionsById>>[number]
type StoredDate = Awaited<ReturnType<typeof importRepo.ongoingActionDatesOf>>[number]

/** What is on record of the document's progress updates, ongoing actions and reviews, read once. */
interface StoredProgress {
  updates: Map<string, Awaited<ReturnType<typeof importRepo.progressUpdatesById>>[number]>
  actions: Map<string, StoredOngoingAction>
  dates: Map<string, StoredDate[]>
  reviews: Map<string, Awaited<ReturnType<typeof importRepo.reviewsById>>[number]>
}

/** The progress records one step of the import writes, gathered so that each table takes one statement. */
interface ProgressWrites {
  updates: importRepo.NewProgressUpdate[]
  actions: importRepo.NewOngoingAction[]
  dates: importRepo.NewOngoingActionDate[]
  states: Array<{ id: string; expected_completion: string | null; status: string }>
  reviews: importRepo.NewReview[]
}

/** A finding the import creates or changes: what it was (if anything) and what it becomes. */
interface FindingChange {
  id: string
  before: FindingRow | undefined
  values: importRepo.FindingImportValues
  questions: Array<{ framework: string; ref: string }>
  actions: Array<{ text: string; status: string }>
  actionsChanged: boolean
}

/** One document entry, where it sits in the document. */
interface Entry {
  f: DocumentFinding
  i: number
}

class Application {
  private readonly report: ApplyReport = {
    inspections: tally(),
    governanceGroups: tally(),
    findings: tally(),
    updates: tally(),
    ongoingActions: tally(),
    reviews: tally(),
    changedFindings: []
  }
  private readonly problems: DocumentProblem[] = []
  private readonly groupIds = new Map<string, string>()
  private readonly inspectionIds = new Map<string, { id: string; publishedOn: string | null }>()
  private readonly findingIds = new Map<string, string>()
  /** How each finding on record was closed, so a closed finding the import leaves closed keeps it. */
  private readonly storedClosedVia = new Map<string, ClosedVia | null>()
  private readonly force: string
  // The audit trail is written last, in the order the changes were made: the register's records
  // (groups, inspections, findings) first, then the progress records.
  private readonly recordAudits: AuditEntry[] = []
  private readonly progressAudits: AuditEntry[] = []

  constructor(
    private readonly trx: Executor,
    private readonly actor: Actor,
    private readonly doc: RegisterDocument,
    known: DocumentProblem[] = [],
    private readonly onProgress?: ImportProgress
  ) {
    this.force = doc.force
    this.problems.push(...known)
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message })
  }

  /** Progress records are audited under their finding (rootId); the register's records under themselves. */
  private audit(entityType: string, entityId: string, before: unknown, after: unknown, rootId?: string) {
    const into = rootId === undefined ? this.recordAudits : this.progressAudits
    into.push({ entityType, entityId, rootId, action: 'import', force: this.force, before: before ?? undefined, after: after ?? undefined })
  }

  async run(): Promise<ApplyReport> {
    if (!(await forces.exists(this.trx, this.force))) throw new RegisterDocumentError([{ path: '/force', message: `${this.force} is not a known force code` }])
    await this.checkQuestions()
    await this.checkFrameworks()
    await this.checkClosuresUnderWay()
    if (this.problems.length > 0) throw new RegisterDocumentError(this.problems.slice(0, MAX_PROBLEMS))
    const total = this.doc.findings.length
    this.onProgress?.(0, total)
    await this.groups()
    await this.inspections()
    await this.findings()
    if (this.problems.length > 0) throw new RegisterDocumentError(this.problems.slice(0, MAX_PROBLEMS))
    await recordAudits(this.trx, this.actor, [...this.recordAudits, ...this.progressAudits])
    if (total > 0) this.onProgress?.(total, total)
    return this.report
  }

  private async checkQuestions(): Promise<void> {
    const asked = new Map(this.doc.findings.flatMap((f) => f.questions ?? []).map((q) => [`${q.framework} ${q.ref}`, q]))
    const unknown = await unknownQuestions(this.trx, [...asked.values()])
    const missing = new Set(unknown.map((q) => `${q.framework} ${q.ref}`))
    this.doc.findings.forEach((f, i) =>
      f.questions?.forEach((q, j) => {
        if (missing.has(`${q.framework} ${q.ref}`)) this.problem(`/findings/${i}/questions/${j}`, `${q.framework} ${q.ref} is not a framework question`)
      })
    )
  }

  private async checkFrameworks(): Promise<void> {
    const named = [...new Set(this.doc.inspections.flatMap((i) => (i.framework ? [i.framework] : [])))]
    if (named.length === 0) return
    const known = new Set((await frameworksRepository.listFrameworks(this.trx)).map((f) => f.key))
    if (named.every((key) => known.has(key))) return
    this.doc.inspections.forEach((inspection, i) => {
      if (inspection.framework && !known.has(inspection.framework)) this.problem(`/inspections/${i}/framework`, `${inspection.framework} is not a framework version`)
    })
  }

  /** While a closure request is under way its transitions set the finding's status; an import may not. */
  private async checkClosuresUnderWay(): Promise<void> {
    const live = await this.trx
      .selectFrom('closure_requests as c')
      .innerJoin('findings as f', 'f.id', 'c.finding_id')
      .select(['f.reference', 'f.status', 'c.id'])
      .where('c.force_code', '=', this.force)
      .where('c.status', 'not in', ['closed', 'rejected', 'withdrawn'])
      .execute()
    const byReference = new Map(live.map((r) => [r.reference, r]))
    this.doc.findings.forEach((f, i) => {
      const request = byReference.get(f.reference)
      if (request && request.status !== f.status) {
        this.problem(`/findings/${i}/status`, `closure request ${request.id} is under way: its transitions set the status (now ${request.status})`)
      } else if (!request && f.status === 'closure_requested') {
        this.problem(`/findings/${i}/status`, 'closure_requested is set by a closure request (POST /v1/closure-requests), which an import cannot make')
      }
    })
  }

  private async groups(): Promise<void> {
    const stored = await this.trx.selectFrom('governance_groups').selectAll().where('force_code', '=', this.force).execute()
    const byName = new Map(stored.map((g) => [g.name, g]))
    for (const g of this.doc.governanceGroups) {
      const values = { name: g.name, chair: g.chair ?? null, meeting_frequency: g.meetingFrequency ?? null }
      const existing = byName.get(g.name)
      let id: string
      if (!existing) {
        id = (await this.trx.insertInto('governance_groups').values({ force_code: this.force, ...values }).returning('id').executeTakeFirstOrThrow()).id
        this.report.governanceGroups.created++
        this.audit('governance_group', id, null, values)
      } else if (existing.chair !== values.chair || existing.meeting_frequency !== values.meeting_frequency) {
        id = existing.id
        await this.trx.updateTable('governance_groups').set(bumped(values)).where('id', '=', id).execute()
        this.report.governanceGroups.updated++
        this.audit('governance_group', id, existing, values)
      } else {
        id = existing.id
        this.report.governanceGroups.unchanged++
      }
      this.groupIds.set(g.name, id)
      if (g.key) this.groupIds.set(g.key, id)
    }
  }

  private async inspections(): Promise<void> {
    const stored = await this.trx.selectFrom('inspections').selectAll().where('force_code', '=', this.force).execute()
    const byKey = new Map(stored.map((i) => [i.key, i]))
    for (const i of this.doc.inspections) {
      const values = {
        title: i.title,
        label: i.label ?? null,
        kind: i.kind,
        category: i.category,
        scope: i.scope,
        year: i.year,
        started_on: i.startedOn ?? null,
        ended_on: i.endedOn ?? null,
        published_on: i.publishedOn ?? null,
        framework_key: i.framework ?? null,
        // A document without milestones leaves those on record alone.
        ...(i.milestones === undefined ? {} : { milestones: i.milestones })
      }
      const existing = byKey.get(i.key)
      const stored = { ...values, milestones: values.milestones === undefined ? undefined : JSON.stringify(values.milestones) }
      let id: string
      if (!existing) {
        const row = await this.trx
          .insertInto('inspections')
          .values({ force_code: this.force, key: i.key, ...stored, milestones: stored.milestones ?? '[]' })
          .returning('id')
          .executeTakeFirstOrThrow()
        id = row.id
        this.report.inspections.created++
        this.audit('inspection', id, null, { key: i.key, ...values })
      } else {
        id = existing.id
        const current = pick(existing, Object.keys(values))
        if (!same(current, values)) {
          await this.trx.updateTable('inspections').set(bumped(stored)).where('id', '=', id).execute()
          this.report.inspections.updated++
          this.audit('inspection', id, current, values)
        } else this.report.inspections.unchanged++
      }
      this.inspectionIds.set(i.key, { id, publishedOn: values.published_on })
    }
  }

  /**
   * The findings, and then their progress records, a step of findings at a time. What is on
   * record is read once, up front; every finding the document adds is created before the first
   * step, so that any finding may link to any other.
   */
  private async findings(): Promise<void> {
    const { trx, force, doc } = this
    const existing = new Map((await importRepo.findingsByReference(trx, force, doc.findings.map((f) => f.reference))).map((row) => [row.reference, row]))
    for (const [reference, row] of existing) {
      this.findingIds.set(reference, row.id)
      this.storedClosedVia.set(reference, row.closed_via)
    }
    const storedActions = groupBy(await importRepo.actionsOfFindings(trx, [...existing.values()].map((row) => row.id)), (a) => a.finding_id)

    const fresh = new Map<string, DocumentFinding>()
    for (const f of doc.findings) if (!existing.has(f.reference) && !fresh.has(f.reference)) fresh.set(f.reference, f)
    const created = await importRepo.insertFindings(
      trx,
      force,
      [...fresh.values()].map((f) => ({ reference: f.reference, ...this.ownValues(f), parent_id: null, superseded_by_id: null })),
      new Date()
    )
    for (const row of created) this.findingIds.set(row.reference, row.id)

    const stored = await this.storedProgress()
    const total = doc.findings.length
    for (let start = 0; start < total; start += FINDINGS_PER_STEP) {
      const step = doc.findings.slice(start, start + FINDINGS_PER_STEP).map((f, k) => ({ f, i: start + k }))
      await this.findingStep(step, existing, storedActions)
      await this.progressStep(step, stored)
      const done = Math.min(start + FINDINGS_PER_STEP, total)
      if (done < total) this.onProgress?.(done, total)
    }
  }

  private async findingStep(step: Entry[], existing: Map<string, FindingRow>, storedActions: Map<string, Array<{ text: string; status: string }>>): Promise<void> {
    const { trx } = this
    const changes: FindingChange[] = []
    for (const { f } of step) {
      const id = this.findingIds.get(f.reference)!
      const values = this.findingValues(f)
      const questions = [...new Map((f.questions ?? []).map((q) => [`${q.framework} ${q.ref}`, q])).values()].sort(byQuestion)
      const actions = (f.actions ?? []).map((a) => ({ text: a.text, status: a.status ?? 'open' }))

      const before = existing.get(f.reference)
      const currentActions = before ? (storedActions.get(id) ?? []).map((a) => ({ text: a.text, status: a.status })) : []
      const current = before && pick(before, Object.keys(values))
      const beforeQuestions = before ? [...before.questions].sort(byQuestion) : []
      if (before && same(current, values) && same(beforeQuestions, questions) && same(currentActions, actions)) {
        this.report.findings.unchanged++
        continue
      }
      changes.push({ id, before, values, questions, actions, actionsChanged: !same(currentActions, actions) })
      if (before && this.report.changedFindings.length < CHANGED_FINDINGS_LISTED) {
        const columns = Object.keys(values) as Array<keyof importRepo.FindingImportValues>
        const fields = columns.filter((key) => !same(current![key], values[key])).flatMap((key) => FIELD_OF_COLUMN[key] ?? [])
        if (!same(beforeQuestions, questions)) fields.push('questions')
        if (!same(currentActions, actions)) fields.push('actions')
        this.report.changedFindings.push({ reference: f.reference, fields })
      }
    }
    if (changes.length === 0) return

    // Findings created before this step already hold their values; those on record take them now.
    await importRepo.updateFindings(trx, changes.filter((c) => c.before).map((c) => ({ id: c.id, ...c.values })), new Date())
    await importRepo.linkFindings(
      trx,
      changes.filter((c) => !c.before && (c.values.parent_id !== null || c.values.superseded_by_id !== null)).map((c) => ({ id: c.id, parent_id: c.values.parent_id, superseded_by_id: c.values.superseded_by_id }))
    )
    await importRepo.replaceQuestions(
      trx,
      changes.filter((c) => c.before).map((c) => c.id),
      changes.flatMap((c) => c.questions.map((q) => ({ finding_id: c.id, framework_key: q.framework, question_ref: q.ref })))
    )
    const newActions = changes.filter((c) => c.actionsChanged)
    await importRepo.replaceActions(
      trx,
      newActions.filter((c) => c.before).map((c) => c.id),
      newActions.flatMap((c) => c.actions.map((a, k) => ({ finding_id: c.id, position: k + 1, text: a.text, status: a.status })))
    )

    // The audit trail holds each finding as the database now has it.
    const ids = changes.map((c) => c.id)
    const after = new Map((await importRepo.findingsById(trx, ids)).map((row) => [row.id, row]))
    const afterActions = groupBy(await importRepo.actionsOfFindings(trx, ids), (a) => a.finding_id)
    for (const c of changes) {
      this.audit('finding', c.id, c.before ? toFinding(c.before) : null, { ...toFinding(after.get(c.id)!), actions: (afterActions.get(c.id) ?? []).map(toAction) })
      if (c.before) this.report.findings.updated++
      else this.report.findings.created++
    }
  }

  /** A finding's values but its links to other findings. */
  private ownValues(f: DocumentFinding) {
    const inspection = f.inspection ? this.inspectionIds.get(f.inspection)! : null
    const resolved = f.dueDate ? null : resolveDeadline(f.deadlineText, inspection?.publishedOn)
    return {
      kind: f.kind,
      title: f.title,
      text: f.text,
      scope: f.scope,
      inspection_id: inspection?.id ?? null,
      deadline_text: f.deadlineText ?? null,
      due_date: f.dueDate ?? resolved,
      due_date_resolved: !f.dueDate && resolved !== null,
      force_lead: f.forceLead ?? null,
      delivery_lead: f.deliveryLead ?? null,
      governance_group_id: f.governanceGroup ? this.groupIds.get(f.governanceGroup)! : null,
      status: f.status,
      closed_via: f.status !== 'closed' ? null : (this.storedClosedVia.get(f.reference) ?? 'import'),
      status_note: f.statusNote ?? null,
      portal_status: f.portalStatus,
      portal_note: f.portalNote ?? null
    }
  }

  private findingValues(f: DocumentFinding): importRepo.FindingImportValues {
    return {
      ...this.ownValues(f),
      parent_id: f.parent ? this.findingIds.get(f.parent)! : null,
      superseded_by_id: f.supersededBy ? this.findingIds.get(f.supersededBy)! : null
    }
  }

  private async storedProgress(): Promise<StoredProgress> {
    const { trx, doc } = this
    const updateIds = doc.findings.flatMap((f) => (f.updates ?? []).map((u) => u.id))
    const actionIds = doc.findings.flatMap((f) => (f.updates ?? []).flatMap((u) => (u.ongoingActions ?? []).map((a) => a.id)))
    const reviewIds = doc.findings.flatMap((f) => (f.reviews ?? []).map((r) => r.id))
    return {
      updates: new Map((await importRepo.progressUpdatesById(trx, updateIds)).map((r) => [r.id, r])),
      actions: new Map((await importRepo.ongoingActionsById(trx, actionIds)).map((r) => [r.id, r])),
      dates: groupBy(await importRepo.ongoingActionDatesOf(trx, actionIds), (d) => d.action_id),
      reviews: new Map((await importRepo.reviewsById(trx, reviewIds)).map((r) => [r.id, r]))
    }
  }

  /** Updates, their ongoing actions and reviews: matched by id, created when new, never edited. */
  private async progressStep(step: Entry[], stored: StoredProgress): Promise<void> {
    const { trx } = this
    const writes: ProgressWrites = { updates: [], actions: [], dates: [], states: [], reviews: [] }
    for (const { f, i } of step) {
      const findingId = this.findingIds.get(f.reference)!
      for (const [j, u] of (f.updates ?? []).entries()) {
        const at = `/findings/${i}/updates/${j}`
        const content = { position: u.position, activities: u.activities, impact: u.impact ?? null, evidence: u.evidence ?? [] }
        const storedUpdate = stored.updates.get(u.id)
        if (storedUpdate) {
          if (storedUpdate.finding_id !== findingId) this.problem(`${at}/id`, `update ${u.id} belongs to another finding`)
          else if (!same(pick(storedUpdate, ['position', 'activities', 'impact', 'evidence']), content) || storedUpdate.created_at.toISOString() !== new Date(u.createdAt).toISOString()) {
            this.problem(at, `update ${u.id} differs from the one on record: updates are never edited (post a new one)`)
          } else this.report.updates.unchanged++
        } else {
          writes.updates.push({ id: u.id, finding_id: findingId, ...content, evidence: JSON.stringify(content.evidence), author_key_id: this.actor.keyId, created_at: new Date(u.createdAt) })
          this.report.updates.created++
          this.audit('progress_update', u.id, null, { id: u.id, findingId, createdAt: u.createdAt, ...content }, findingId)
        }
        for (const [k, a] of (u.ongoingActions ?? []).entries()) {
          this.ongoingAction(`${at}/ongoingActions/${k}`, findingId, u, a, stored.actions.get(a.id), stored.dates.get(a.id) ?? [], writes)
        }
      }
      for (const [j, r] of (f.reviews ?? []).entries()) {
        const at = `/findings/${i}/reviews/${j}`
        const content = { outcome: r.outcome, rationale: r.rationale, governance_group_id: r.governanceGroup ? this.groupIds.get(r.governanceGroup)! : null }
        const storedReview = stored.reviews.get(r.id)
        if (storedReview) {
          if (storedReview.finding_id !== findingId) this.problem(`${at}/id`, `review ${r.id} belongs to another finding`)
          else if (!same(pick(storedReview, ['outcome', 'rationale', 'governance_group_id']), content) || storedReview.created_at.toISOString() !== new Date(r.createdAt).toISOString()) {
            this.problem(at, `review ${r.id} differs from the one on record: reviews are never edited`)
          } else this.report.reviews.unchanged++
        } else {
          writes.reviews.push({ id: r.id, finding_id: findingId, ...content, reviewer_key_id: this.actor.keyId, created_at: new Date(r.createdAt) })
          this.report.reviews.created++
          this.audit('review', r.id, null, { id: r.id, findingId, createdAt: r.createdAt, outcome: r.outcome, rationale: r.rationale }, findingId)
        }
      }
    }
    // Each table after those it refers to; dates in document order, the order their history is read in.
    await importRepo.insertProgressUpdates(trx, writes.updates)
    await importRepo.insertOngoingActions(trx, writes.actions)
    await importRepo.insertOngoingActionDates(trx, writes.dates)
    await importRepo.updateOngoingActions(trx, writes.states, new Date())
    await importRepo.insertReviews(trx, writes.reviews)
  }

  /**
   * An ongoing action's description is fixed; its status and expected date move, and every date
   * it has had is kept. The document's date history must therefore continue the stored one:
   * entries beyond it are appended, a history that rewrites the past is a problem.
   */
  private ongoingAction(
    at: string,
    findingId: string,
    update: { id: string; createdAt: string },
    a: DocumentOngoingAction,
    stored: StoredOngoingAction | undefined,
    storedDates: StoredDate[],
    writes: ProgressWrites
  ): void {
    const dates = a.dates ?? [{ expectedCompletion: a.expectedCompletion ?? null, reason: null, changedAt: update.createdAt }]
    const state = { expected_completion: a.expectedCompletion ?? null, status: a.status }
    if (!stored) {
      writes.actions.push({
        id: a.id,
        finding_id: findingId,
        update_id: update.id,
        description: a.description,
        anticipated_impact: a.anticipatedImpact ?? null,
        ...state,
        created_at: new Date(update.createdAt)
      })
      this.addDates(a.id, dates, writes)
      this.report.ongoingActions.created++
      this.audit('ongoing_action', a.id, null, { id: a.id, findingId, description: a.description, ...state }, findingId)
      return
    }
    if (stored.update_id !== update.id) return this.problem(`${at}/id`, `ongoing action ${a.id} belongs to another update`)
    if (stored.description !== a.description || stored.anticipated_impact !== (a.anticipatedImpact ?? null)) {
      return this.problem(at, `ongoing action ${a.id}: its description and anticipated impact are fixed once reported`)
    }
    const key = (d: { expectedCompletion: string | null; reason: string | null }) => `${d.expectedCompletion}|${d.reason}`
    const storedKeys = storedDates.map((d) => key({ expectedCompletion: d.expected_completion, reason: d.reason }))
    if (a.dates && !same(a.dates.slice(0, storedKeys.length).map(key), storedKeys)) {
      return this.problem(`${at}/dates`, `ongoing action ${a.id}: the date history does not continue the one on record`)
    }
    const fresh = a.dates ? a.dates.slice(storedKeys.length) : []
    if (fresh.length === 0 && same(pick(stored, ['expected_completion', 'status']), state)) {
      this.report.ongoingActions.unchanged++
      return
    }
    this.addDates(a.id, fresh, writes)
    writes.states.push({ id: a.id, ...state })
    this.report.ongoingActions.updated++
    this.audit('ongoing_action', a.id, pick(stored, ['expected_completion', 'status']), state, findingId)
  }

  private addDates(actionId: string, dates: Array<{ expectedCompletion: string | null; reason: string | null; changedAt: string }>, writes: ProgressWrites) {
    for (const d of dates) {
      writes.dates.push({ action_id: actionId, expected_completion: d.expectedCompletion, reason: d.reason, changed_by: this.actor.keyId, changed_at: new Date(d.changedAt) })
    }
  }
}
