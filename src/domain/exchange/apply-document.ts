import { sql } from 'kysely'
import type { Db, Executor } from '../../db/database.ts'
import { LOCKS } from '../../db/locks.ts'
import { bumped } from '../../db/versioned.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import { sameJson as same } from '../shared/canonical-json.ts'
import { resolveDeadline } from '../findings/deadlines.ts'
import * as findingsRepo from '../findings/findings.repository.ts'
import { toAction, toFinding } from '../findings/findings.service.ts'
import * as forces from '../forces/forces.repository.ts'
import { type DocumentFinding, type DocumentProblem, MAX_PROBLEMS, type RegisterDocument, RegisterDocumentError } from './register-document.ts'

interface Tally {
  created: number
  updated: number
  unchanged: number
}
const tally = (): Tally => ({ created: 0, updated: 0, unchanged: 0 })

export interface ApplyReport {
  inspections: Tally
  governanceGroups: Tally
  findings: Tally
  updates: Tally
  ongoingActions: Tally
  reviews: Tally
}

const pick = <T extends object>(row: T, keys: string[]) => Object.fromEntries(keys.map((k) => [k, row[k as keyof T]]))
const byQuestion = (a: { framework: string; ref: string }, b: { framework: string; ref: string }) =>
  `${a.framework} ${a.ref}` < `${b.framework} ${b.ref}` ? -1 : 1

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
export async function applyDocument(db: Db, actor: Actor, doc: RegisterDocument, options: { dryRun?: boolean } = {}): Promise<ApplyReport> {
  return inTransaction(db, options.dryRun ?? false, async (trx) => {
    await lockRegister(trx, doc.force)
    return applyInTransaction(trx, actor, doc)
  })
}

/** The same, inside a transaction the caller holds (and has locked the register in). */
export async function applyInTransaction(trx: Executor, actor: Actor, doc: RegisterDocument, known: DocumentProblem[] = []): Promise<ApplyReport> {
  return new Application(trx, actor, doc, known).run()
}

class Application {
  private readonly report: ApplyReport = {
    inspections: tally(),
    governanceGroups: tally(),
    findings: tally(),
    updates: tally(),
    ongoingActions: tally(),
    reviews: tally()
  }
  private readonly problems: DocumentProblem[] = []
  private readonly groupIds = new Map<string, string>()
  private readonly inspectionIds = new Map<string, { id: string; publishedOn: string | null }>()
  private readonly findingIds = new Map<string, string>()
  private readonly force: string

  constructor(
    private readonly trx: Executor,
    private readonly actor: Actor,
    private readonly doc: RegisterDocument,
    known: DocumentProblem[] = []
  ) {
    this.force = doc.force
    this.problems.push(...known)
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message })
  }

  private audit(entityType: string, entityId: string, before: unknown, after: unknown, rootId?: string) {
    return recordAudit(this.trx, this.actor, {
      entityType,
      entityId,
      rootId,
      action: 'import',
      force: this.force,
      before: before ?? undefined,
      after: after ?? undefined
    })
  }

  async run(): Promise<ApplyReport> {
    if (!(await forces.exists(this.trx, this.force))) throw new RegisterDocumentError([{ path: '/force', message: `${this.force} is not a known force code` }])
    await this.checkQuestions()
    await this.checkClosuresUnderWay()
    if (this.problems.length > 0) throw new RegisterDocumentError(this.problems.slice(0, MAX_PROBLEMS))
    await this.groups()
    await this.inspections()
    await this.findings()
    await this.progress()
    if (this.problems.length > 0) throw new RegisterDocumentError(this.problems.slice(0, MAX_PROBLEMS))
    return this.report
  }

  private async checkQuestions(): Promise<void> {
    const unknown = await findingsRepo.unknownQuestions(this.trx, this.doc.findings.flatMap((f) => f.questions ?? []))
    const missing = new Set(unknown.map((q) => `${q.framework} ${q.ref}`))
    this.doc.findings.forEach((f, i) =>
      f.questions?.forEach((q, j) => {
        if (missing.has(`${q.framework} ${q.ref}`)) this.problem(`/findings/${i}/questions/${j}`, `${q.framework} ${q.ref} is not a framework question`)
      })
    )
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
      }
    })
  }

  private async groups(): Promise<void> {
    for (const g of this.doc.governanceGroups) {
      const values = { name: g.name, chair: g.chair ?? null, meeting_frequency: g.meetingFrequency ?? null }
      const existing = await this.trx.selectFrom('governance_groups').selectAll().where('force_code', '=', this.force).where('name', '=', g.name).executeTakeFirst()
      let id: string
      if (!existing) {
        id = (await this.trx.insertInto('governance_groups').values({ force_code: this.force, ...values }).returning('id').executeTakeFirstOrThrow()).id
        this.report.governanceGroups.created++
        await this.audit('governance_group', id, null, values)
      } else if (existing.chair !== values.chair || existing.meeting_frequency !== values.meeting_frequency) {
        id = existing.id
        await this.trx.updateTable('governance_groups').set(bumped(values)).where('id', '=', id).execute()
        this.report.governanceGroups.updated++
        await this.audit('governance_group', id, existing, values)
      } else {
        id = existing.id
        this.report.governanceGroups.unchanged++
      }
      this.groupIds.set(g.name, id)
      if (g.key) this.groupIds.set(g.key, id)
    }
  }

  private async inspections(): Promise<void> {
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
      const existing = await this.trx.selectFrom('inspections').selectAll().where('force_code', '=', this.force).where('key', '=', i.key).executeTakeFirst()
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
        await this.audit('inspection', id, null, { key: i.key, ...values })
      } else {
        id = existing.id
        const current = pick(existing, Object.keys(values))
        if (!same(current, values)) {
          await this.trx.updateTable('inspections').set(bumped(stored)).where('id', '=', id).execute()
          this.report.inspections.updated++
          await this.audit('inspection', id, current, values)
        } else this.report.inspections.unchanged++
      }
      this.inspectionIds.set(i.key, { id, publishedOn: values.published_on })
    }
  }

  private async findings(): Promise<void> {
    const { trx, force } = this
    // Two passes: every finding exists before any links to another.
    const existingRows = new Map<string, findingsRepo.FindingRow>()
    for (const f of this.doc.findings) {
      const existing = await findingsRepo.findByReference(trx, force, f.reference)
      if (existing) {
        this.findingIds.set(f.reference, existing.id)
        existingRows.set(f.reference, existing)
      }
    }
    for (const f of this.doc.findings) {
      if (this.findingIds.has(f.reference)) continue
      const id = await findingsRepo.insert(trx, force, { reference: f.reference, kind: f.kind, title: f.title, text: f.text, scope: f.scope, status: 'open', portal_status: f.portalStatus })
      this.findingIds.set(f.reference, id)
    }

    for (const f of this.doc.findings) {
      const id = this.findingIds.get(f.reference)!
      const values = this.findingValues(f)
      const questions = [...new Map((f.questions ?? []).map((q) => [`${q.framework} ${q.ref}`, q])).values()].sort(byQuestion)
      const actions = (f.actions ?? []).map((a) => ({ text: a.text, status: a.status ?? 'open' }))

      const before = existingRows.get(f.reference)
      const currentActions = before ? (await findingsRepo.actionsOf(trx, id)).map((a) => ({ text: a.text, status: a.status })) : []
      const current = before && pick(before, Object.keys(values))
      const beforeQuestions = before ? [...before.questions].sort(byQuestion) : []
      if (before && same(current, values) && same(beforeQuestions, questions) && same(currentActions, actions)) {
        this.report.findings.unchanged++
        continue
      }
      await trx
        .updateTable('findings')
        .set((eb) => ({ ...values, ...(before ? { version: eb('version', '+', 1) } : {}), updated_at: new Date() }))
        .where('id', '=', id)
        .execute()
      await findingsRepo.replaceQuestions(trx, id, questions)
      if (!same(currentActions, actions)) {
        await trx.deleteFrom('finding_actions').where('finding_id', '=', id).execute()
        await findingsRepo.insertActions(trx, id, actions)
      }
      const after = await findingsRepo.findById(trx, id)
      const view = { ...toFinding(after!), actions: (await findingsRepo.actionsOf(trx, id)).map(toAction) }
      await this.audit('finding', id, before ? toFinding(before) : null, view)
      if (before) this.report.findings.updated++
      else this.report.findings.created++
    }
  }

  private findingValues(f: DocumentFinding) {
    const inspection = f.inspection ? this.inspectionIds.get(f.inspection)! : null
    const resolved = f.dueDate ? null : resolveDeadline(f.deadlineText, inspection?.publishedOn)
    return {
      kind: f.kind,
      title: f.title,
      text: f.text,
      scope: f.scope,
      inspection_id: inspection?.id ?? null,
      parent_id: f.parent ? this.findingIds.get(f.parent)! : null,
      deadline_text: f.deadlineText ?? null,
      due_date: f.dueDate ?? resolved,
      due_date_resolved: !f.dueDate && resolved !== null,
      force_lead: f.forceLead ?? null,
      delivery_lead: f.deliveryLead ?? null,
      governance_group_id: f.governanceGroup ? this.groupIds.get(f.governanceGroup)! : null,
      status: f.status,
      status_note: f.statusNote ?? null,
      portal_status: f.portalStatus,
      portal_note: f.portalNote ?? null,
      superseded_by_id: f.supersededBy ? this.findingIds.get(f.supersededBy)! : null
    }
  }

  /** Updates, their ongoing actions and reviews: matched by id, created when new, never edited. */
  private async progress(): Promise<void> {
    const { trx } = this
    const updateIds = this.doc.findings.flatMap((f) => (f.updates ?? []).map((u) => u.id))
    const actionIds = this.doc.findings.flatMap((f) => (f.updates ?? []).flatMap((u) => (u.ongoingActions ?? []).map((a) => a.id)))
    const reviewIds = this.doc.findings.flatMap((f) => (f.reviews ?? []).map((r) => r.id))
    const storedUpdates = new Map((updateIds.length ? await trx.selectFrom('progress_updates').selectAll().where('id', 'in', updateIds).execute() : []).map((r) => [r.id, r]))
    const storedActions = new Map((actionIds.length ? await trx.selectFrom('ongoing_actions').selectAll().where('id', 'in', actionIds).execute() : []).map((r) => [r.id, r]))
    const storedReviews = new Map((reviewIds.length ? await trx.selectFrom('reviews').selectAll().where('id', 'in', reviewIds).execute() : []).map((r) => [r.id, r]))
    const storedDates = actionIds.length ? await trx.selectFrom('ongoing_action_dates').selectAll().where('action_id', 'in', actionIds).orderBy('id').execute() : []

    for (const [i, f] of this.doc.findings.entries()) {
      const findingId = this.findingIds.get(f.reference)!
      for (const [j, u] of (f.updates ?? []).entries()) {
        const at = `/findings/${i}/updates/${j}`
        const content = { position: u.position, activities: u.activities, impact: u.impact ?? null, evidence: u.evidence ?? [] }
        const stored = storedUpdates.get(u.id)
        if (stored) {
          if (stored.finding_id !== findingId) this.problem(`${at}/id`, `update ${u.id} belongs to another finding`)
          else if (!same(pick(stored, ['position', 'activities', 'impact', 'evidence']), content) || stored.created_at.toISOString() !== new Date(u.createdAt).toISOString()) {
            this.problem(at, `update ${u.id} differs from the one on record: updates are never edited (post a new one)`)
          } else this.report.updates.unchanged++
        } else {
          await trx
            .insertInto('progress_updates')
            .values({ id: u.id, finding_id: findingId, ...content, evidence: JSON.stringify(content.evidence), author_key_id: this.actor.keyId, created_at: new Date(u.createdAt) })
            .execute()
          this.report.updates.created++
          await this.audit('progress_update', u.id, null, { id: u.id, findingId, createdAt: u.createdAt, ...content }, findingId)
        }
        for (const [k, a] of (u.ongoingActions ?? []).entries()) {
          await this.ongoingAction(`${at}/ongoingActions/${k}`, findingId, u, a, storedActions.get(a.id), storedDates.filter((d) => d.action_id === a.id))
        }
      }
      for (const [j, r] of (f.reviews ?? []).entries()) {
        const at = `/findings/${i}/reviews/${j}`
        const content = { outcome: r.outcome, rationale: r.rationale, governance_group_id: r.governanceGroup ? this.groupIds.get(r.governanceGroup)! : null }
        const stored = storedReviews.get(r.id)
        if (stored) {
          if (stored.finding_id !== findingId) this.problem(`${at}/id`, `review ${r.id} belongs to another finding`)
          else if (!same(pick(stored, ['outcome', 'rationale', 'governance_group_id']), content) || stored.created_at.toISOString() !== new Date(r.createdAt).toISOString()) {
            this.problem(at, `review ${r.id} differs from the one on record: reviews are never edited`)
          } else this.report.reviews.unchanged++
        } else {
          await trx.insertInto('reviews').values({ id: r.id, finding_id: findingId, ...content, reviewer_key_id: this.actor.keyId, created_at: new Date(r.createdAt) }).execute()
          this.report.reviews.created++
          await this.audit('review', r.id, null, { id: r.id, findingId, createdAt: r.createdAt, outcome: r.outcome, rationale: r.rationale }, findingId)
        }
      }
    }
  }

  /**
   * An ongoing action's description is fixed; its status and expected date move, and every date
   * it has had is kept. The document's date history must therefore continue the stored one:
   * entries beyond it are appended, a history that rewrites the past is a problem.
   */
  private async ongoingAction(
    at: string,
    findingId: string,
    update: { id: string; createdAt: string },
    a: NonNullable<NonNullable<DocumentFinding['updates']>[number]['ongoingActions']>[number],
    stored: { id: string; update_id: string; description: string; anticipated_impact: string | null; expected_completion: string | null; status: string } | undefined,
    storedDates: Array<{ expected_completion: string | null; reason: string | null; changed_at: Date }>
  ): Promise<void> {
    const { trx } = this
    const dates = a.dates ?? [{ expectedCompletion: a.expectedCompletion ?? null, reason: null, changedAt: update.createdAt }]
    const state = { expected_completion: a.expectedCompletion ?? null, status: a.status }
    if (!stored) {
      await trx
        .insertInto('ongoing_actions')
        .values({
          id: a.id,
          finding_id: findingId,
          update_id: update.id,
          description: a.description,
          anticipated_impact: a.anticipatedImpact ?? null,
          ...state,
          created_at: new Date(update.createdAt)
        })
        .execute()
      await this.insertDates(a.id, dates)
      this.report.ongoingActions.created++
      await this.audit('ongoing_action', a.id, null, { id: a.id, findingId, description: a.description, ...state }, findingId)
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
    await this.insertDates(a.id, fresh)
    await trx.updateTable('ongoing_actions').set(bumped(state)).where('id', '=', a.id).execute()
    this.report.ongoingActions.updated++
    await this.audit('ongoing_action', a.id, pick(stored, ['expected_completion', 'status']), state, findingId)
  }

  private async insertDates(actionId: string, dates: Array<{ expectedCompletion: string | null; reason: string | null; changedAt: string }>) {
    if (dates.length === 0) return
    await this.trx
      .insertInto('ongoing_action_dates')
      .values(dates.map((d) => ({ action_id: actionId, expected_completion: d.expectedCompletion, reason: d.reason, changed_by: this.actor.keyId, changed_at: new Date(d.changedAt) })))
      .execute()
  }
}
