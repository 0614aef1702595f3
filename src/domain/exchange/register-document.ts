import { type Static, Type } from 'typebox'
import { Value } from 'typebox/value'
import type { Db } from '../../db/database.ts'
import { bumped } from '../../db/versioned.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import * as findingsRepo from '../findings/findings.repository.ts'
import { resolveDeadline } from '../findings/deadlines.ts'
import { toAction, toFinding } from '../findings/findings.service.ts'
import { FINDING_KINDS, FINDING_STATUSES, PORTAL_STATUSES } from '../findings/findings.schemas.ts'
import { CATEGORIES, INSPECTION_KINDS } from '../inspections/inspections.schemas.ts'
import * as forces from '../forces/forces.repository.ts'

const nullableText = Type.Union([Type.String({ minLength: 1 }), Type.Null()])
const date = Type.Union([Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), Type.Null()])

/**
 * A whole register as one JSON document: the shape the example register ships in. Inspections,
 * groups and findings refer to each other by their keys, names and references, never by ids, so
 * a document moves between deployments.
 */
export const RegisterDocument = Type.Object({
  format: Type.Literal('peel-register.register/v1'),
  force: Type.String({ pattern: '^[a-z]+(-[a-z]+)*$' }),
  source: Type.Optional(Type.String()),
  notes: Type.Optional(Type.Array(Type.String())),
  governanceGroups: Type.Array(
    Type.Object({
      key: Type.Optional(Type.String()),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      chair: Type.Optional(nullableText),
      meetingFrequency: Type.Optional(nullableText)
    })
  ),
  inspections: Type.Array(
    Type.Object({
      key: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
      title: Type.String({ minLength: 1 }),
      label: Type.Optional(nullableText),
      kind: Type.Enum(INSPECTION_KINDS),
      category: Type.Enum(CATEGORIES),
      scope: Type.Enum(['force', 'national']),
      year: Type.Union([Type.Integer(), Type.Null()]),
      startedOn: Type.Optional(date),
      endedOn: Type.Optional(date),
      publishedOn: Type.Optional(date),
      framework: Type.Optional(Type.Union([Type.String(), Type.Null()]))
    })
  ),
  findings: Type.Array(
    Type.Object({
      reference: Type.String({ minLength: 1, maxLength: 60 }),
      kind: Type.Enum(FINDING_KINDS),
      parent: Type.Optional(nullableText),
      inspection: Type.Optional(nullableText),
      scope: Type.Enum(['force', 'national']),
      title: Type.String({ minLength: 1 }),
      text: Type.String({ minLength: 1 }),
      questions: Type.Optional(Type.Array(Type.Object({ framework: Type.String(), ref: Type.String() }))),
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
      actions: Type.Optional(Type.Array(Type.Object({ text: Type.String({ minLength: 1 }), status: Type.Optional(Type.Enum(['open', 'done'])) })))
    })
  )
})
export type RegisterDocument = Static<typeof RegisterDocument>

export class RegisterDocumentError extends Error {
  constructor(readonly problems: string[]) {
    super(`The register document has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'RegisterDocumentError'
  }
}

/** Shape first, then every cross-reference inside the document, all problems at once. */
export function checkDocument(data: unknown): RegisterDocument {
  if (!Value.Check(RegisterDocument, data)) {
    throw new RegisterDocumentError(Value.Errors(RegisterDocument, data).slice(0, 50).map((e) => `${e.instancePath || '(document)'} ${e.message}`))
  }
  const doc = data as RegisterDocument
  const problems: string[] = []
  const inspections = new Set(doc.inspections.map((i) => i.key))
  const groups = new Set(doc.governanceGroups.flatMap((g) => [g.name, ...(g.key ? [g.key] : [])]))
  const references = new Map<string, RegisterDocument['findings'][number]>()
  doc.findings.forEach((f, i) => {
    if (references.has(f.reference)) problems.push(`/findings/${i}/reference ${f.reference} appears twice`)
    references.set(f.reference, f)
  })
  doc.findings.forEach((f, i) => {
    const at = `/findings/${i}`
    if (f.inspection && !inspections.has(f.inspection)) problems.push(`${at}/inspection ${f.inspection} is not an inspection of the document`)
    if (f.governanceGroup && !groups.has(f.governanceGroup)) problems.push(`${at}/governanceGroup ${f.governanceGroup} is not a group of the document`)
    if (f.parent) {
      const parent = references.get(f.parent)
      if (!parent) problems.push(`${at}/parent ${f.parent} is not a finding of the document`)
      else if (parent.kind !== 'cause_of_concern') problems.push(`${at}/parent ${f.parent} is not a cause of concern`)
      if (f.kind !== 'recommendation') problems.push(`${at}/parent only a recommendation has a parent`)
    }
    if (f.supersededBy && !references.has(f.supersededBy)) problems.push(`${at}/supersededBy ${f.supersededBy} is not a finding of the document`)
    if ((f.status === 'superseded') !== Boolean(f.supersededBy)) problems.push(`${at}/status superseded goes with supersededBy, and only with it`)
  })
  if (problems.length > 0) throw new RegisterDocumentError(problems)
  return doc
}

export interface ApplyReport {
  inspections: { created: number; updated: number; unchanged: number }
  governanceGroups: { created: number; updated: number; unchanged: number }
  findings: { created: number; updated: number; unchanged: number }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Brings a force's register in line with a document, in one transaction: what is missing is
 * created, what differs is updated, what already matches is left alone, so applying the same
 * document twice changes nothing the second time. Every change goes through the audit log.
 */
export async function applyDocument(db: Db, actor: Actor, doc: RegisterDocument): Promise<ApplyReport> {
  return db.transaction().execute(async (trx) => {
    if (!(await forces.exists(trx, doc.force))) throw new RegisterDocumentError([`/force ${doc.force} is not a known force code`])
    const unknown = await findingsRepo.unknownQuestions(trx, doc.findings.flatMap((f) => f.questions ?? []))
    if (unknown.length > 0) {
      throw new RegisterDocumentError(unknown.map((q) => `questions: ${q.framework} ${q.ref} is not a framework question`))
    }
    const report: ApplyReport = {
      inspections: { created: 0, updated: 0, unchanged: 0 },
      governanceGroups: { created: 0, updated: 0, unchanged: 0 },
      findings: { created: 0, updated: 0, unchanged: 0 }
    }
    const force = doc.force
    const audit = (entityType: string, entityId: string, action: string, before: unknown, after: unknown, rootId?: string) =>
      recordAudit(trx, actor, { entityType, entityId, rootId, action, force, before: before ?? undefined, after: after ?? undefined })

    const groupIds = new Map<string, string>()
    for (const g of doc.governanceGroups) {
      const values = { name: g.name, chair: g.chair ?? null, meeting_frequency: g.meetingFrequency ?? null }
      const existing = await trx.selectFrom('governance_groups').selectAll().where('force_code', '=', force).where('name', '=', g.name).executeTakeFirst()
      let id: string
      if (!existing) {
        const row = await trx.insertInto('governance_groups').values({ force_code: force, ...values }).returningAll().executeTakeFirstOrThrow()
        id = row.id
        report.governanceGroups.created++
        await audit('governance_group', id, 'import', null, values)
      } else if (existing.chair !== values.chair || existing.meeting_frequency !== values.meeting_frequency) {
        id = existing.id
        await trx.updateTable('governance_groups').set(bumped(values)).where('id', '=', id).execute()
        report.governanceGroups.updated++
        await audit('governance_group', id, 'import', existing, values)
      } else {
        id = existing.id
        report.governanceGroups.unchanged++
      }
      groupIds.set(g.name, id)
      if (g.key) groupIds.set(g.key, id)
    }

    const inspectionIds = new Map<string, { id: string; publishedOn: string | null }>()
    for (const i of doc.inspections) {
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
        framework_key: i.framework ?? null
      }
      const existing = await trx.selectFrom('inspections').selectAll().where('force_code', '=', force).where('key', '=', i.key).executeTakeFirst()
      let id: string
      if (!existing) {
        const row = await trx
          .insertInto('inspections')
          .values({ force_code: force, key: i.key, ...values, milestones: '[]' })
          .returning('id')
          .executeTakeFirstOrThrow()
        id = row.id
        report.inspections.created++
        await audit('inspection', id, 'import', null, { key: i.key, ...values })
      } else {
        id = existing.id
        const current = Object.fromEntries(Object.keys(values).map((k) => [k, existing[k as keyof typeof existing]]))
        if (!same(current, values)) {
          await trx.updateTable('inspections').set(bumped(values)).where('id', '=', id).execute()
          report.inspections.updated++
          await audit('inspection', id, 'import', current, values)
        } else report.inspections.unchanged++
      }
      inspectionIds.set(i.key, { id, publishedOn: values.published_on })
    }

    // Two passes: every finding exists before any links to another.
    const findingIds = new Map<string, string>()
    const existingRows = new Map<string, findingsRepo.FindingRow>()
    for (const f of doc.findings) {
      const existing = await findingsRepo.findByReference(trx, force, f.reference)
      if (existing) {
        findingIds.set(f.reference, existing.id)
        existingRows.set(f.reference, existing)
      }
    }
    for (const f of doc.findings) {
      if (findingIds.has(f.reference)) continue
      const id = await findingsRepo.insert(trx, force, {
        reference: f.reference,
        kind: f.kind,
        title: f.title,
        text: f.text,
        scope: f.scope,
        status: 'open',
        portal_status: f.portalStatus
      })
      findingIds.set(f.reference, id)
    }

    for (const f of doc.findings) {
      const id = findingIds.get(f.reference)!
      const inspection = f.inspection ? inspectionIds.get(f.inspection)! : null
      const resolved = f.dueDate ? null : resolveDeadline(f.deadlineText, inspection?.publishedOn)
      const values = {
        kind: f.kind,
        title: f.title,
        text: f.text,
        scope: f.scope,
        inspection_id: inspection?.id ?? null,
        parent_id: f.parent ? findingIds.get(f.parent)! : null,
        deadline_text: f.deadlineText ?? null,
        due_date: f.dueDate ?? resolved,
        due_date_resolved: !f.dueDate && resolved !== null,
        force_lead: f.forceLead ?? null,
        delivery_lead: f.deliveryLead ?? null,
        governance_group_id: f.governanceGroup ? groupIds.get(f.governanceGroup)! : null,
        status: f.status,
        status_note: f.statusNote ?? null,
        portal_status: f.portalStatus,
        portal_note: f.portalNote ?? null,
        superseded_by_id: f.supersededBy ? findingIds.get(f.supersededBy)! : null
      }
      const questions = [...new Map((f.questions ?? []).map((q) => [`${q.framework} ${q.ref}`, q])).values()].sort((a, b) =>
        a.framework === b.framework ? (a.ref < b.ref ? -1 : 1) : a.framework < b.framework ? -1 : 1
      )
      const actions = (f.actions ?? []).map((a) => ({ text: a.text, status: a.status ?? 'open' }))

      const before = existingRows.get(f.reference)
      const currentActions = before ? (await findingsRepo.actionsOf(trx, id)).map((a) => ({ text: a.text, status: a.status })) : []
      const current = before && Object.fromEntries(Object.keys(values).map((k) => [k, before[k as keyof typeof before]]))
      const beforeQuestions = before ? [...before.questions].sort((a, b) => (`${a.framework} ${a.ref}` < `${b.framework} ${b.ref}` ? -1 : 1)) : []
      if (before && same(current, values) && same(beforeQuestions, questions) && same(currentActions, actions)) {
        report.findings.unchanged++
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
      await audit('finding', id, 'import', before ? toFinding(before) : null, view)
      if (before) report.findings.updated++
      else report.findings.created++
    }
    return report
  })
}
