import type { Db } from '../../db/database.ts'
import { notFound } from '../../problems.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import * as repo from './frameworks.repository.ts'
import type { CriterionSchema, GRADES, PILLARS } from './frameworks.schemas.ts'
import type { Static } from 'typebox'

type FrameworkRow = Awaited<ReturnType<typeof repo.listFrameworks>>[number]
type QuestionRow = Awaited<ReturnType<typeof repo.listQuestions>>[number]

function toFramework(row: FrameworkRow) {
  return {
    key: row.key,
    title: row.title,
    period: row.period,
    gradingScale: row.grading_scale as Array<(typeof GRADES)[number]>,
    source: row.source,
    notes: row.notes
  }
}

function toQuestion(row: QuestionRow) {
  return {
    framework: row.framework_key,
    ref: row.ref,
    parentRef: row.parent_ref,
    title: row.title,
    graded: row.graded,
    pillar: row.pillar as (typeof PILLARS)[number] | null,
    note: row.note
  }
}

export async function listFrameworks(db: Db) {
  return { items: (await repo.listFrameworks(db)).map(toFramework), nextCursor: null }
}

export async function getFramework(db: Db, key: string) {
  const row = await repo.findFramework(db, key)
  if (!row) throw notFound(`No framework ${key}.`)
  return toFramework(row)
}

export async function listQuestions(
  db: Db,
  key: string,
  query: { limit: number; cursor?: string; parentRef?: string; graded?: boolean }
) {
  await getFramework(db, key)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['int4'])
  const rows = await repo.listQuestions(db, {
    framework: key,
    afterPosition: after?.[0],
    parentRef: query.parentRef === 'top' ? null : query.parentRef,
    graded: query.graded,
    limit: query.limit + 1
  })
  return toPage(rows, query.limit, toQuestion, (row) => [row.position])
}

export async function getQuestion(db: Db, key: string, ref: string) {
  const row = await repo.findQuestion(db, key, ref)
  if (!row) {
    await getFramework(db, key)
    throw notFound(`Framework ${key} has no question ${ref}.`)
  }
  return { ...toQuestion(row), criteria: row.criteria as Array<Static<typeof CriterionSchema>> }
}
