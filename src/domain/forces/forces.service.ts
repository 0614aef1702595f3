import type { Db } from '../../db/database.ts'
import { notFound } from '../../problems.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import * as forces from './forces.repository.ts'

export async function listForces(db: Db, query: { limit: number; cursor?: string; country?: string }) {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['text'])
  const rows = await forces.list(db, { afterCode: after?.[0], limit: query.limit + 1, country: query.country })
  return toPage(rows, query.limit, (row) => row, (row) => [row.code])
}

export async function getForce(db: Db, code: string) {
  const force = await forces.findByCode(db, code)
  if (!force) throw notFound(`No force with code ${code}.`)
  return force
}
