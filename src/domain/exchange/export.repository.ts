import type { Executor } from '../../db/database.ts'
import { selectFindings } from '../findings/findings.repository.ts'

/** The export's reads: a force's whole register in a few statements, or its findings a page at a time. */

/** What a finding's ids are shown as: its groups' names, its inspections' keys and titles. */
export async function namesOfForce(db: Executor, force: string) {
  const [groups, inspections] = await Promise.all([
    db.selectFrom('governance_groups').select(['id', 'name']).where('force_code', '=', force).execute(),
    db.selectFrom('inspections').select(['id', 'key', 'title']).where('force_code', '=', force).execute()
  ])
  return { groups, inspections }
}

/** Up to `limit` findings of a force after the reference `after` (null: from the first), in reference order, with the references they link to. */
export async function findingsPage(db: Executor, force: string, after: string | null, limit: number) {
  let query = selectFindings(db)
    .leftJoin('findings as parent', 'parent.id', 'findings.parent_id')
    .leftJoin('findings as successor', 'successor.id', 'findings.superseded_by_id')
    .select(['parent.reference as parent_reference', 'successor.reference as successor_reference'])
    .where('findings.force_code', '=', force)
  if (after !== null) query = query.where('findings.reference', '>', after)
  return query.orderBy('findings.reference').limit(limit).execute()
}

/** Every record of a force's register, each kind in the order the document lists it. */
export async function registerOfForce(db: Executor, force: string) {
  const [groups, inspections, findings] = await Promise.all([
    db.selectFrom('governance_groups').selectAll().where('force_code', '=', force).orderBy('name').execute(),
    db.selectFrom('inspections').selectAll().where('force_code', '=', force).orderBy('key').execute(),
    selectFindings(db).where('findings.force_code', '=', force).orderBy('findings.reference').execute()
  ])
  const findingsOfForce = db.selectFrom('findings').select('id').where('force_code', '=', force)
  const [actions, updates, reviews, ongoing, dates] = await Promise.all([
    db.selectFrom('finding_actions').selectAll().where('finding_id', 'in', findingsOfForce).orderBy('position').execute(),
    db.selectFrom('progress_updates').selectAll().where('finding_id', 'in', findingsOfForce).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('reviews').selectAll().where('finding_id', 'in', findingsOfForce).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('ongoing_actions').selectAll().where('finding_id', 'in', findingsOfForce).orderBy('created_at').orderBy('id').execute(),
    db
      .selectFrom('ongoing_action_dates as d')
      .innerJoin('ongoing_actions as a', 'a.id', 'd.action_id')
      .innerJoin('findings as f', 'f.id', 'a.finding_id')
      .select(['d.id', 'd.action_id', 'd.expected_completion', 'd.reason', 'd.changed_at'])
      .where('f.force_code', '=', force)
      .orderBy('d.id')
      .execute()
  ])
  return { groups, inspections, findings, actions, updates, reviews, ongoing, dates }
}
