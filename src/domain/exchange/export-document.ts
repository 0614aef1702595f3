import type { Executor } from '../../db/database.ts'
import type { FindingRow } from '../findings/findings.repository.ts'
import { groupBy } from '../shared/group-by.ts'
import * as exportRepo from './export.repository.ts'
import { DOCUMENT_FORMAT, type DocumentFinding, type RegisterDocument } from './register-document.ts'

type Update = NonNullable<DocumentFinding['updates']>[number]
type Review = NonNullable<DocumentFinding['reviews']>[number]

type Lookup = (id: string | null) => string | null

/**
 * What a spreadsheet shows beside a finding but the document leaves out: when it was created and last
 * changed (an import sets its own), and the due date worked out from its deadline's words (an import
 * works it out again, so the document carries only a date set by hand).
 */
export interface FindingAside {
  createdAt: string
  updatedAt: string
  dueDateWorkedOut: string | null
}

const asideOf = (f: FindingRow): FindingAside => ({
  createdAt: f.created_at.toISOString(),
  updatedAt: f.updated_at.toISOString(),
  dueDateWorkedOut: f.due_date_resolved ? f.due_date : null
})

/** A finding's own fields as the document holds them: links by reference, key and name, not by id. */
export function documentFinding(f: FindingRow, referenceOf: Lookup, inspectionKeyOf: Lookup, groupNameOf: Lookup) {
  return {
    reference: f.reference,
    kind: f.kind as DocumentFinding['kind'],
    parent: referenceOf(f.parent_id),
    inspection: inspectionKeyOf(f.inspection_id),
    scope: f.scope as 'force' | 'national',
    title: f.title,
    text: f.text,
    questions: f.questions,
    deadlineText: f.deadline_text,
    // A date worked out from the deadline text is worked out again on import: only a date set by hand travels.
    dueDate: f.due_date_resolved ? null : f.due_date,
    forceLead: f.force_lead,
    deliveryLead: f.delivery_lead,
    governanceGroup: groupNameOf(f.governance_group_id),
    status: f.status as DocumentFinding['status'],
    statusNote: f.status_note,
    portalStatus: f.portal_status as DocumentFinding['portalStatus'],
    portalNote: f.portal_note,
    supersededBy: referenceOf(f.superseded_by_id)
  }
}

/** Findings a page at a time, in reference order: an export that streams holds one page in memory. */
const STREAM_PAGE = 500

/**
 * The findings of a force as documentFinding gives them, with their inspection's title and their
 * times beside them, page by page: for the CSV export of the findings sheet, whose memory stays
 * flat whatever the register's size.
 */
export async function* streamFindings(
  db: Executor,
  force: string
): AsyncGenerator<Array<ReturnType<typeof documentFinding> & FindingAside & { inspectionTitle: string | null }>> {
  const { groups, inspections } = await exportRepo.namesOfForce(db, force)
  const groupName = new Map(groups.map((g) => [g.id, g.name]))
  const inspectionKey = new Map(inspections.map((i) => [i.id, i.key]))
  const inspectionTitle = new Map(inspections.map((i) => [i.id, i.title]))
  const from = (map: Map<string, string>): Lookup => (id) => (id === null ? null : (map.get(id) ?? null))
  let after: string | null = null
  for (;;) {
    const page = await exportRepo.findingsPage(db, force, after, STREAM_PAGE)
    if (page.length === 0) return
    yield page.map((f) => {
      const referenceOf: Lookup = (id) => (id === null ? null : id === f.parent_id ? f.parent_reference : f.successor_reference)
      return { ...documentFinding(f, referenceOf, from(inspectionKey), from(groupName)), inspectionTitle: from(inspectionTitle)(f.inspection_id), ...asideOf(f) }
    })
    if (page.length < STREAM_PAGE) return
    after = page.at(-1)!.reference
  }
}

/**
 * A force's whole register as a document: everything an import needs to rebuild it elsewhere
 * (see register-document.ts), every optional field written out, in a stable order, so exporting
 * twice gives the same document and an export that is imported and exported again comes back
 * identical. Closure requests and the audit trail stay with the deployment that holds them; the
 * findings' statuses they produced travel.
 */
export async function exportDocument(db: Executor, force: string): Promise<RegisterDocument> {
  return (await exportRegister(db, force)).doc
}

/** The document as exportDocument gives it, and each finding's times (by reference) for the workbook to show beside it. */
export async function exportRegister(db: Executor, force: string): Promise<{ doc: RegisterDocument; findingAside: Map<string, FindingAside> }> {
  const { groups, inspections, findings, actions, updates, reviews, ongoing, dates } = await exportRepo.registerOfForce(db, force)

  const groupName = new Map(groups.map((g) => [g.id, g.name]))
  const inspectionKey = new Map(inspections.map((i) => [i.id, i.key]))
  const reference = new Map(findings.map((f) => [f.id, f.reference]))
  const actionsOf = groupBy(actions, (a) => a.finding_id)
  const updatesOf = groupBy(updates, (u) => u.finding_id)
  const reviewsOf = groupBy(reviews, (r) => r.finding_id)
  const datesOf = groupBy(dates, (d) => d.action_id)
  // Actions reported in one update share its time; their first dates were recorded in the order reported.
  const reported = (id: string) => Number(datesOf.get(id)?.[0]?.id ?? 0)
  const ongoingOf = groupBy(
    [...ongoing].sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || reported(a.id) - reported(b.id)),
    (a) => a.update_id
  )
  const lookup = (map: Map<string, string>, id: string | null) => (id === null ? null : (map.get(id) ?? null))

  const doc: RegisterDocument = {
    format: DOCUMENT_FORMAT,
    force,
    exportedAt: new Date().toISOString(),
    governanceGroups: groups.map((g) => ({ name: g.name, chair: g.chair, meetingFrequency: g.meeting_frequency })),
    inspections: inspections.map((i) => ({
      key: i.key,
      title: i.title,
      label: i.label,
      kind: i.kind as RegisterDocument['inspections'][number]['kind'],
      category: i.category as RegisterDocument['inspections'][number]['category'],
      scope: i.scope as 'force' | 'national',
      year: i.year,
      startedOn: i.started_on,
      endedOn: i.ended_on,
      publishedOn: i.published_on,
      framework: i.framework_key,
      milestones: i.milestones as RegisterDocument['inspections'][number]['milestones']
    })),
    findings: findings.map((f) => ({
      ...documentFinding(f, (id) => lookup(reference, id), (id) => lookup(inspectionKey, id), (id) => lookup(groupName, id)),
      actions: (actionsOf.get(f.id) ?? []).map((a) => ({ text: a.text, status: a.status as 'open' | 'done' })),
      updates: (updatesOf.get(f.id) ?? []).map(
        (u): Update => ({
          id: u.id,
          createdAt: u.created_at.toISOString(),
          position: u.position,
          activities: u.activities,
          impact: u.impact,
          evidence: u.evidence as Update['evidence'],
          ongoingActions: (ongoingOf.get(u.id) ?? []).map((a) => ({
            id: a.id,
            description: a.description,
            anticipatedImpact: a.anticipated_impact,
            expectedCompletion: a.expected_completion,
            status: a.status as 'ongoing' | 'not_started' | 'completed',
            dates: (datesOf.get(a.id) ?? []).map((d) => ({ expectedCompletion: d.expected_completion, reason: d.reason, changedAt: d.changed_at.toISOString() }))
          }))
        })
      ),
      reviews: (reviewsOf.get(f.id) ?? []).map(
        (r): Review => ({
          id: r.id,
          createdAt: r.created_at.toISOString(),
          outcome: r.outcome as Review['outcome'],
          rationale: r.rationale,
          governanceGroup: lookup(groupName, r.governance_group_id)
        })
      )
    }))
  }
  return { doc, findingAside: new Map(findings.map((f) => [f.reference, asideOf(f)])) }
}
