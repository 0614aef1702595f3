import type { Executor } from '../../db/database.ts'

type Relation = 'same' | 'broader' | 'narrower' | 'overlaps'
interface QuestionKey {
  framework: string
  ref: string
}

export interface CrosswalkFile {
  links: Array<{ from: QuestionKey; to: QuestionKey; relation: Relation; rationale: string }>
  unmatched: Array<QuestionKey & { reason: string }>
}

export async function replaceCrosswalk(db: Executor, file: CrosswalkFile): Promise<void> {
  await db.deleteFrom('crosswalk_links').execute()
  await db.deleteFrom('crosswalk_unmatched').execute()
  if (file.links.length > 0) {
    await db
      .insertInto('crosswalk_links')
      .values(
        file.links.map((l) => ({
          from_framework: l.from.framework,
          from_ref: l.from.ref,
          to_framework: l.to.framework,
          to_ref: l.to.ref,
          relation: l.relation,
          rationale: l.rationale
        }))
      )
      .execute()
  }
  if (file.unmatched.length > 0) {
    await db
      .insertInto('crosswalk_unmatched')
      .values(file.unmatched.map((u) => ({ framework_key: u.framework, ref: u.ref, reason: u.reason })))
      .execute()
  }
}

/** The whole crosswalk is a few dozen rows: it is read whole and walked in memory. */
export async function allLinks(db: Executor) {
  return db.selectFrom('crosswalk_links').selectAll().execute()
}

export async function unmatchedIn(db: Executor, frameworks: string[]) {
  return db
    .selectFrom('crosswalk_unmatched')
    .innerJoin('framework_questions', (join) =>
      join.onRef('framework_questions.framework_key', '=', 'crosswalk_unmatched.framework_key').onRef('framework_questions.ref', '=', 'crosswalk_unmatched.ref')
    )
    .select(['crosswalk_unmatched.framework_key', 'crosswalk_unmatched.ref', 'crosswalk_unmatched.reason', 'framework_questions.title'])
    .where('crosswalk_unmatched.framework_key', 'in', frameworks)
    .orderBy('crosswalk_unmatched.framework_key')
    .orderBy('framework_questions.position')
    .execute()
}

export async function questionTitles(db: Executor, frameworks: string[]) {
  return db
    .selectFrom('framework_questions')
    .select(['framework_key', 'ref', 'title', 'parent_ref'])
    .where('framework_key', 'in', frameworks)
    .orderBy('framework_key')
    .orderBy('position')
    .execute()
}
