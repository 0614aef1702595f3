import { registerForce } from '../shared/force-scope.ts'
import type { Db } from '../../db/database.ts'
import type { Principal } from '../access/roles.ts'
import { crosswalk } from '../crosswalk/crosswalk.service.ts'
import type { FINDING_KINDS, FINDING_STATUSES } from '../findings/findings.schemas.ts'
import { GRADES } from '../frameworks/frameworks.schemas.ts'
import { getQuestion, listFrameworks } from '../frameworks/frameworks.service.ts'
import type { EVIDENCE_KINDS } from '../progress/progress.schemas.ts'
import * as repo from './gap.repository.ts'

const keyOf = (q: repo.QuestionKey) => `${q.framework} ${q.ref}`
const dayOf = (at: Date) => at.toISOString().slice(0, 10)

/** Document order of refs within a framework: 2 < 2.1 < 2.1.1 < 2.2 < 10. */
function byRef(a: string, b: string): number {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1
    if (y[i] === undefined) return 1
    if (x[i] !== y[i]) return x[i]! - y[i]!
  }
  return 0
}

/**
 * The questions of every other version that the crosswalk links to this one, chained and inverted
 * as GET /v1/crosswalk does, starting (like its `ref`) from the question and those under it.
 */
async function relatedQuestions(db: Db, framework: string, ref: string) {
  const others = (await listFrameworks(db)).items.map((f) => f.key).filter((key) => key !== framework)
  const walks = await Promise.all(others.map((to) => crosswalk(db, { from: framework, to, ref })))
  const related = new Map<string, { framework: string; ref: string; title: string }>()
  for (const item of walks.flatMap((walk) => walk.items)) related.set(keyOf(item.to), item.to)
  return [...related.values()].sort((a, b) => (a.framework === b.framework ? byRef(a.ref, b.ref) : a.framework < b.framework ? -1 : 1))
}

type Update = Awaited<ReturnType<typeof repo.updatesOf>>[number]

function progressOf(updates: Update[]) {
  const latest = updates.at(-1)
  return {
    latestUpdate: latest ? { id: latest.id, position: latest.position, date: dayOf(latest.created_at) } : null,
    evidence: updates.flatMap((update) =>
      update.evidence.map((e) => ({
        title: e.title,
        kind: e.kind as (typeof EVIDENCE_KINDS)[number],
        location: e.location,
        date: e.date,
        updateId: update.id,
        updateDate: dayOf(update.created_at)
      }))
    )
  }
}

const GRADES_SET: ReadonlySet<string> = new Set(GRADES)

/**
 * The gap view (001 section 4.5, "identification of any gaps against the new PAF"): for one
 * question, the open findings that bear on it through the crosswalk, whether they have evidence
 * yet, and how the force was graded in that ground.
 */
export async function gap(db: Db, principal: Principal, framework: string, ref: string, query: { force?: string }) {
  const force = await registerForce(db, principal, query.force)
  const question = await getQuestion(db, framework, ref)
  const [under, related] = await Promise.all([repo.questionsUnder(db, framework, ref), relatedQuestions(db, framework, ref)])
  const covered = [{ framework, ref }, ...under, ...related.map((q) => ({ framework: q.framework, ref: q.ref }))]

  const [findings, grades] = await Promise.all([repo.openFindingsLinkedTo(db, force, covered), repo.gradesIn(db, force, covered)])
  const updates = await repo.updatesOf(db, findings.map((f) => f.id))
  const views = findings.map((row) => ({
    id: row.id,
    reference: row.reference,
    kind: row.kind as (typeof FINDING_KINDS)[number],
    title: row.title,
    status: row.status as (typeof FINDING_STATUSES)[number],
    linkedThrough: row.linked,
    ...progressOf(updates.filter((u) => u.finding_id === row.id))
  }))

  return {
    force,
    question: { framework: question.framework, ref: question.ref, title: question.title },
    related,
    findings: views,
    withoutEvidence: views.filter((f) => f.evidence.length === 0).map((f) => f.reference),
    grades: grades.map((row) => ({
      framework: row.framework_key,
      period: row.period,
      questionRef: row.question_ref,
      area: row.area,
      grade: GRADES_SET.has(row.value) ? (row.value as (typeof GRADES)[number]) : null,
      assessment: GRADES_SET.has(row.value) ? ('graded' as const) : (row.value as 'not_applicable' | 'ungraded' | 'not_inspected')
    }))
  }
}
