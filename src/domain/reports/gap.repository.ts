import { sql } from 'kysely'
import type { Executor } from '../../db/database.ts'
import { OPEN_STATUSES } from './reports.repository.ts'

export interface QuestionKey {
  framework: string
  ref: string
}

/** The refs of the questions under one (at any depth), e.g. 2.1 and 2.1.1 under 2. */
export async function questionsUnder(db: Executor, framework: string, ref: string): Promise<QuestionKey[]> {
  const rows = await db
    .selectFrom('framework_questions')
    .select(['framework_key', 'ref'])
    .where('framework_key', '=', framework)
    .where('ref', 'like', `${ref}.%`)
    .orderBy('position')
    .execute()
  return rows.map((r) => ({ framework: r.framework_key, ref: r.ref }))
}

/** A force's open findings linked to any of these questions, each with the ones it is linked through. */
export async function openFindingsLinkedTo(db: Executor, force: string, questions: QuestionKey[]) {
  if (questions.length === 0) return []
  return db
    .selectFrom('findings')
    .innerJoin('finding_questions', 'finding_questions.finding_id', 'findings.id')
    .select([
      'findings.id',
      'findings.reference',
      'findings.kind',
      'findings.title',
      'findings.status',
      sql<QuestionKey[]>`json_agg(json_build_object('framework', finding_questions.framework_key, 'ref', finding_questions.question_ref)
        order by finding_questions.framework_key, finding_questions.question_ref)`.as('linked')
    ])
    .where('findings.force_code', '=', force)
    .where('findings.status', 'in', OPEN_STATUSES)
    .where((eb) =>
      eb(eb.refTuple('finding_questions.framework_key', 'finding_questions.question_ref'), 'in', questions.map((q) => eb.tuple(q.framework, q.ref)))
    )
    .groupBy('findings.id')
    .orderBy('findings.reference')
    .execute()
}

/** The progress updates of several findings, oldest first. */
export async function updatesOf(db: Executor, findingIds: string[]) {
  if (findingIds.length === 0) return []
  return db
    .selectFrom('progress_updates')
    .select(['id', 'finding_id', 'position', 'evidence', 'created_at'])
    .where('finding_id', 'in', findingIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

/** A force's published grades in these areas, oldest version first, in the order of the published table. */
export async function gradesIn(db: Executor, force: string, questions: QuestionKey[]) {
  if (questions.length === 0) return []
  return db
    .selectFrom('gradings')
    .innerJoin('frameworks', 'frameworks.key', 'gradings.framework_key')
    .select(['gradings.framework_key', 'frameworks.period', 'gradings.question_ref', 'gradings.area', 'gradings.value'])
    .where('gradings.force_code', '=', force)
    .where((eb) => eb(eb.refTuple('gradings.framework_key', 'gradings.question_ref'), 'in', questions.map((q) => eb.tuple(q.framework, q.ref))))
    .orderBy('gradings.framework_key')
    .orderBy('gradings.position')
    .execute()
}
