import type { Db } from '../../db/database.ts'
import type { Principal } from '../access/roles.ts'
import { today } from '../findings/findings.service.ts'
import type { FINDING_KINDS, FINDING_STATUSES, PORTAL_STATUSES } from '../findings/findings.schemas.ts'
import { getGroup } from '../governance-groups/governance-groups.service.ts'
import { CATEGORIES } from '../inspections/inspections.schemas.ts'
import type { REVIEW_OUTCOMES } from '../progress/progress.schemas.ts'
import { registerForce } from '../shared/force-scope.ts'
import { CATEGORY_LABELS } from '../shared/labels.ts'
import * as repo from './reports.repository.ts'

type Kind = (typeof FINDING_KINDS)[number]
type Category = (typeof CATEGORIES)[number]

export const REGISTER_LABEL = 'Total on Force register'
export const PORTAL_LABEL = 'Total on HMIC monitoring portal'

const KIND_FIELDS = {
  cause_of_concern: 'causesOfConcern',
  recommendation: 'recommendations',
  area_for_improvement: 'areasForImprovement'
} as const satisfies Record<Kind, string>
type KindField = (typeof KIND_FIELDS)[Kind]

const dayOf = (at: Date) => at.toISOString().slice(0, 10)
const isOpen = (status: string) => (repo.OPEN_STATUSES as readonly string[]).includes(status)

// ---- summary

function noCounts(): Record<KindField, { total: number; notOnPortal: number }> {
  return {
    causesOfConcern: { total: 0, notOnPortal: 0 },
    recommendations: { total: 0, notOnPortal: 0 },
    areasForImprovement: { total: 0, notOnPortal: 0 }
  }
}

type Disagreement = 'registerOnly' | 'portalOnly' | 'closedOnPortalOnly'

/** Which list a finding whose states disagree belongs to; null when closed here and never on the portal (nothing open either side). */
function disagreement(row: repo.DisagreementRow): Disagreement | null {
  const open = isOpen(row.status)
  if (open && row.portal_status === 'not_on_portal') return 'registerOnly'
  if (open && row.portal_status === 'closed') return 'closedOnPortalOnly'
  if (!open && row.portal_status === 'open') return 'portalOnly'
  return null
}

export async function summary(db: Db, principal: Principal, query: { force?: string }) {
  const force = await registerForce(db, principal, query.force)
  const [counts, disagreeing] = await Promise.all([repo.summaryCounts(db, force), repo.disagreements(db, force)])

  const byCategory = new Map<string | null, ReturnType<typeof noCounts>>()
  const register = noCounts()
  const portal = { causesOfConcern: 0, recommendations: 0, areasForImprovement: 0 }
  for (const row of counts) {
    const field = KIND_FIELDS[row.kind as Kind]
    const line = byCategory.get(row.category) ?? noCounts()
    byCategory.set(row.category, line)
    for (const target of [line[field], register[field]]) {
      target.total += row.open
      target.notOnPortal += row.open_not_on_portal
    }
    portal[field] += row.on_portal
  }

  const discrepancies: Record<Disagreement, ReturnType<typeof toDiscrepancy>[]> = { registerOnly: [], portalOnly: [], closedOnPortalOnly: [] }
  for (const row of disagreeing) {
    const list = disagreement(row)
    if (list) discrepancies[list].push(toDiscrepancy(row))
  }

  return {
    force,
    generatedAt: new Date().toISOString(),
    rows: CATEGORIES.map((category) => ({ category, label: CATEGORY_LABELS[category], ...(byCategory.get(category) ?? noCounts()) })),
    uncategorised: byCategory.get(null) ?? noCounts(),
    register: { label: REGISTER_LABEL, ...register },
    portal: { label: PORTAL_LABEL, ...portal },
    discrepancies
  }
}
export type Summary = Awaited<ReturnType<typeof summary>>

function toDiscrepancy(row: repo.DisagreementRow) {
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind as Kind,
    category: row.category as Category | null,
    title: row.title,
    status: row.status as (typeof FINDING_STATUSES)[number],
    portalStatus: row.portal_status as (typeof PORTAL_STATUSES)[number],
    portalNote: row.portal_note
  }
}

// ---- overdue

const groupOf = (id: string | null, name: string | null) => (id !== null && name !== null ? { id, name } : null)

function toOverdueFinding(row: repo.OverdueFindingRow) {
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind as Kind,
    title: row.title,
    status: row.status as 'open' | 'closure_requested',
    category: row.category as Category | null,
    deadlineText: row.deadline_text,
    dueDate: row.due_date!,
    daysOverdue: row.days_overdue,
    forceLead: row.force_lead,
    deliveryLead: row.delivery_lead,
    governanceGroup: groupOf(row.governance_group_id, row.group_name)
  }
}

function toOverdueAction(row: repo.OverdueActionRow) {
  return {
    id: row.id,
    findingId: row.finding_id,
    reference: row.reference,
    findingKind: row.kind as Kind,
    findingTitle: row.title,
    category: row.category as Category | null,
    description: row.description,
    status: row.status as 'ongoing' | 'not_started',
    expectedCompletion: row.expected_completion!,
    daysOverdue: row.days_overdue,
    forceLead: row.force_lead,
    deliveryLead: row.delivery_lead,
    governanceGroup: groupOf(row.governance_group_id, row.group_name)
  }
}

async function overdueLists(db: Db, scope: repo.Scope, asOf: string) {
  const [findings, actions] = await Promise.all([repo.overdueFindings(db, scope, asOf), repo.overdueActions(db, scope, asOf)])
  return { findings: findings.map(toOverdueFinding), ongoingActions: actions.map(toOverdueAction) }
}

export async function overdue(db: Db, principal: Principal, query: { force?: string; asOf?: string }) {
  const force = await registerForce(db, principal, query.force)
  const asOf = query.asOf ?? today()
  return { force, asOf, generatedAt: new Date().toISOString(), ...(await overdueLists(db, { force }, asOf)) }
}
export type Overdue = Awaited<ReturnType<typeof overdue>>

// ---- by lead, by group

function toCounts(row: repo.OpenCountRow | undefined) {
  return {
    open: row?.open ?? 0,
    closureRequested: row?.closure_requested ?? 0,
    overdue: row?.overdue ?? 0,
    ongoingActionsOverdue: row?.actions_overdue ?? 0,
    nextDueDate: row?.next_due_date ?? null,
    causesOfConcern: row?.causes_of_concern ?? 0,
    recommendations: row?.recommendations ?? 0,
    areasForImprovement: row?.areas_for_improvement ?? 0
  }
}

export async function byLead(db: Db, principal: Principal, query: { force?: string; asOf?: string; lead?: 'force' | 'delivery' }) {
  const force = await registerForce(db, principal, query.force)
  const asOf = query.asOf ?? today()
  const lead = query.lead ?? 'force'
  const rows = await repo.openCounts(db, force, asOf, lead === 'force' ? 'force_lead' : 'delivery_lead')
  // By name, whatever its case; findings with no lead last.
  rows.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return {
    force,
    asOf,
    lead,
    generatedAt: new Date().toISOString(),
    rows: rows.map((row) => ({ lead: row.label, ...toCounts(row) }))
  }
}
export type ByLead = Awaited<ReturnType<typeof byLead>>

export async function byGroup(db: Db, principal: Principal, query: { force?: string; asOf?: string }) {
  const force = await registerForce(db, principal, query.force)
  const asOf = query.asOf ?? today()
  const [groups, counts] = await Promise.all([repo.groupsOf(db, force), repo.openCounts(db, force, asOf, 'governance_group_id')])
  const byId = new Map(counts.map((row) => [row.key, row]))
  return {
    force,
    asOf,
    generatedAt: new Date().toISOString(),
    rows: [
      ...groups.map((group) => ({ governanceGroup: { id: group.id, name: group.name }, ...toCounts(byId.get(group.id)) })),
      { governanceGroup: null, ...toCounts(byId.get(null)) }
    ]
  }
}
export type ByGroup = Awaited<ReturnType<typeof byGroup>>

// ---- board pack

export async function boardPack(db: Db, principal: Principal, groupId: string, query: { asOf?: string; since?: string }) {
  const group = await getGroup(db, principal, groupId)
  const asOf = query.asOf ?? today()
  const lastReview = await repo.lastReviewBy(db, groupId)
  const lastMeeting = lastReview ? dayOf(lastReview) : null
  const since = query.since ?? lastMeeting
  const [due, awaiting, slips, late] = await Promise.all([
    repo.dueForReview(db, groupId),
    repo.awaitingBoard(db, groupId),
    repo.slippage(db, groupId, since),
    overdueLists(db, { force: group.force, groupId }, asOf)
  ])
  return {
    group,
    asOf,
    since,
    lastMeeting,
    generatedAt: new Date().toISOString(),
    dueForReview: due.map((row) => ({
      id: row.id,
      reference: row.reference,
      kind: row.kind as Kind,
      title: row.title,
      status: row.status as (typeof FINDING_STATUSES)[number],
      latestUpdate: { id: row.update_id, position: row.update_position, date: dayOf(row.update_at) },
      latestReview:
        row.review_id !== null && row.review_outcome !== null && row.review_at !== null
          ? { id: row.review_id, outcome: row.review_outcome as (typeof REVIEW_OUTCOMES)[number], date: dayOf(row.review_at) }
          : null
    })),
    awaitingBoard: awaiting.map((row) => ({
      id: row.id,
      findingId: row.finding_id,
      reference: row.reference,
      title: row.title,
      summary: row.summary,
      evidenceCount: row.evidence_count,
      submittedOn: dayOf(row.submitted_at!),
      version: row.version
    })),
    slippage: slips.map((row) => ({
      actionId: row.action_id,
      findingId: row.finding_id,
      reference: row.reference,
      description: row.description,
      from: row.from_date,
      to: row.to_date,
      daysSlipped: row.days_slipped,
      reason: row.reason,
      changedOn: dayOf(row.changed_at)
    })),
    overdue: late
  }
}
