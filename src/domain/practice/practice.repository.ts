import { sql } from 'kysely'
import type { Executor } from '../../db/database.ts'
import { escapeLike } from '../gradings/gradings.repository.ts'

export interface PracticeFile {
  framework: string
  areas: Array<{ area: string; questionRef: string; summary: string; statedInnovativeCount: number | null }>
  examples: Array<{
    force: string | null
    area: string
    questionRef: string
    gradeAsPrinted: string | null
    grade: string | null
    innovative: boolean | null
    objective: string | null
    detail: string | null
    outcome: string | null
  }>
}

/** Stable while the file keeps its order: the framework and the example's place in 003. */
export function exampleId(framework: string, position: number): string {
  return `${framework}-${String(position + 1).padStart(3, '0')}`
}

export async function replacePractice(db: Executor, file: PracticeFile): Promise<void> {
  await db.deleteFrom('practice_examples').where('framework_key', '=', file.framework).execute()
  await db.deleteFrom('practice_areas').where('framework_key', '=', file.framework).execute()
  await db
    .insertInto('practice_areas')
    .values(
      file.areas.map((a, position) => ({
        framework_key: file.framework,
        question_ref: a.questionRef,
        position,
        area: a.area,
        summary: a.summary,
        stated_innovative_count: a.statedInnovativeCount
      }))
    )
    .execute()
  if (file.examples.length === 0) return
  await db
    .insertInto('practice_examples')
    .values(
      file.examples.map((e, position) => ({
        id: exampleId(file.framework, position),
        framework_key: file.framework,
        position,
        question_ref: e.questionRef,
        area: e.area,
        force_code: e.force,
        grade_as_printed: e.gradeAsPrinted,
        grade: e.grade,
        innovative: e.innovative,
        objective: e.objective,
        detail: e.detail,
        outcome: e.outcome
      }))
    )
    .execute()
}

const COLUMNS = [
  'id',
  'framework_key',
  'position',
  'question_ref',
  'area',
  'force_code',
  'grade_as_printed',
  'grade',
  'innovative',
  'objective',
  'detail',
  'outcome'
] as const

export interface PracticeFilter {
  framework?: string
  force?: string
  questionRef?: string
  area?: string
  grade?: string[]
  innovative?: boolean
  q?: string
  /** Without q: (framework, position). With q: (rank, id), best first. */
  after?: { framework: string; position: number } | { rank: string; id: string }
  limit: number
}

export async function listExamples(db: Executor, filter: PracticeFilter) {
  const query = websearch(filter.q)
  let select = db.selectFrom('practice_examples').select(COLUMNS)
  if (filter.framework !== undefined) select = select.where('framework_key', '=', filter.framework)
  if (filter.force !== undefined) select = select.where('force_code', '=', filter.force)
  if (filter.questionRef !== undefined) select = select.where('question_ref', '=', filter.questionRef)
  if (filter.area !== undefined) select = select.where('area', 'ilike', `%${escapeLike(filter.area)}%`)
  if (filter.grade !== undefined) select = select.where('grade', 'in', filter.grade)
  if (filter.innovative !== undefined) select = select.where('innovative', '=', filter.innovative)

  if (query === null) {
    const after = filter.after as { framework: string; position: number } | undefined
    if (after) {
      select = select.where((eb) => eb(eb.refTuple('framework_key', 'position'), '>', eb.tuple(after.framework, after.position)))
    }
    const rows = await select.orderBy('framework_key').orderBy('position').limit(filter.limit).execute()
    return rows.map((row) => ({ ...row, rank: null as string | null }))
  }

  // Rank rounded to a fixed-point number so that a page's last rank, sent back in the cursor,
  // compares exactly with the next page's.
  const rank = sql<string>`round(ts_rank_cd(search, ${query})::numeric, 6)`
  let ranked = select.select(rank.as('rank')).where(sql<boolean>`search @@ ${query}`)
  const after = filter.after as { rank: string; id: string } | undefined
  if (after) {
    ranked = ranked.where((eb) =>
      eb.or([eb(rank, '<', sql<string>`${after.rank}::numeric`), eb.and([eb(rank, '=', sql<string>`${after.rank}::numeric`), eb('id', '>', after.id)])])
    )
  }
  return ranked.orderBy(rank, 'desc').orderBy('id').limit(filter.limit).execute()
}

export async function findExample(db: Executor, id: string) {
  return db.selectFrom('practice_examples').select(COLUMNS).where('id', '=', id).executeTakeFirst()
}

export async function listAreas(db: Executor, framework?: string) {
  let query = db.selectFrom('practice_areas').selectAll()
  if (framework !== undefined) query = query.where('framework_key', '=', framework)
  const areas = await query.orderBy('framework_key').orderBy('position').execute()
  const counts = await db
    .selectFrom('practice_examples')
    .select(['framework_key', 'question_ref', sql<number>`count(*)::int`.as('n')])
    .groupBy(['framework_key', 'question_ref'])
    .execute()
  const count = new Map(counts.map((c) => [`${c.framework_key} ${c.question_ref}`, c.n]))
  return areas.map((a) => ({ ...a, examples: count.get(`${a.framework_key} ${a.question_ref}`) ?? 0 }))
}

/** Free text as a search engine reads it: words, "quoted phrases", -exclusions, or. */
function websearch(q: string | undefined) {
  if (q === undefined || q.trim() === '') return null
  return sql`websearch_to_tsquery('english', ${q})`
}
