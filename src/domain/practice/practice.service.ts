import type { Db } from '../../db/database.ts'
import { notFound } from '../../problems.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import * as repo from './practice.repository.ts'

type Row = Awaited<ReturnType<typeof repo.listExamples>>[number]
type Grade = 'outstanding' | 'good' | 'adequate' | 'requires_improvement' | 'inadequate'

function toExample(row: Omit<Row, 'rank'> & { rank?: string | null }) {
  return {
    id: row.id,
    framework: row.framework_key,
    questionRef: row.question_ref,
    area: row.area,
    force: row.force_code,
    grade: row.grade as Grade | null,
    gradeAsPrinted: row.grade_as_printed,
    innovative: row.innovative,
    objective: row.objective,
    detail: row.detail,
    outcome: row.outcome,
    ...(row.rank === null || row.rank === undefined ? {} : { rank: Number(row.rank) })
  }
}

export async function listExamples(
  db: Db,
  query: {
    limit: number
    cursor?: string
    framework?: string
    force?: string
    questionRef?: string
    area?: string
    grade?: string[]
    innovative?: boolean
    q?: string
  }
) {
  const searching = query.q !== undefined && query.q.trim() !== ''
  let after: repo.PracticeFilter['after']
  if (query.cursor !== undefined) {
    if (searching) {
      const [rank, id] = decodeCursor(query.cursor, ['decimal', 'uuid'])
      after = { rank, id }
    } else {
      const [framework, position] = decodeCursor(query.cursor, ['text', 'int4'])
      after = { framework, position }
    }
  }
  const rows = await repo.listExamples(db, { ...query, after, limit: query.limit + 1 })
  return toPage(rows, query.limit, toExample, (row) =>
    searching ? [row.rank ?? '0', row.id] : [row.framework_key, row.position]
  )
}

export async function getExample(db: Db, id: string) {
  const row = await repo.findExample(db, id)
  if (!row) throw notFound(`No practice example ${id}.`)
  return toExample(row)
}

export async function listAreas(db: Db, framework?: string) {
  const rows = await repo.listAreas(db, framework)
  return {
    items: rows.map((a) => ({
      framework: a.framework_key,
      questionRef: a.question_ref,
      area: a.area,
      summary: a.summary,
      statedInnovativeCount: a.stated_innovative_count,
      examples: a.examples
    })),
    nextCursor: null
  }
}
