import type { Updateable } from 'kysely'
import { bumped, deleteVersioned } from '../../db/versioned.ts'
import type { Executor, InspectionsTable } from '../../db/database.ts'

const COLUMNS = [
  'id',
  'force_code',
  'key',
  'title',
  'label',
  'kind',
  'category',
  'scope',
  'year',
  'started_on',
  'ended_on',
  'published_on',
  'framework_key',
  'milestones',
  'version',
  'created_at',
  'updated_at'
] as const

export type InspectionValues = Omit<Updateable<InspectionsTable>, 'id' | 'force_code' | 'version' | 'created_at' | 'updated_at'>

export async function findById(db: Executor, id: string) {
  return db.selectFrom('inspections').select(COLUMNS).where('id', '=', id).executeTakeFirst()
}

export async function findByKey(db: Executor, force: string, key: string) {
  return db.selectFrom('inspections').select(COLUMNS).where('force_code', '=', force).where('key', '=', key).executeTakeFirst()
}

export interface InspectionFilter {
  force?: string
  category?: string
  kind?: string
  scope?: string
  year?: number
  after?: { force: string; key: string }
  limit: number
}

/** By force and key: keys are short and stable, and read in order ('effectiveness-2017', 'ipa-2019' ...). */
export async function list(db: Executor, filter: InspectionFilter) {
  let query = db.selectFrom('inspections').select(COLUMNS)
  if (filter.force !== undefined) query = query.where('force_code', '=', filter.force)
  if (filter.category !== undefined) query = query.where('category', '=', filter.category)
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind)
  if (filter.scope !== undefined) query = query.where('scope', '=', filter.scope)
  if (filter.year !== undefined) query = query.where('year', '=', filter.year)
  if (filter.after) {
    const { force, key } = filter.after
    query = query.where((eb) => eb(eb.refTuple('force_code', 'key'), '>', eb.tuple(force, key)))
  }
  return query.orderBy('force_code').orderBy('key').limit(filter.limit).execute()
}

export async function insert(
  db: Executor,
  force: string,
  values: InspectionValues & { key: string; title: string; kind: string; category: string; scope: string; year: number | null; milestones: string }
) {
  return db
    .insertInto('inspections')
    .values({ force_code: force, ...values })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
}

export async function update(db: Executor, id: string, expectedVersion: number, values: InspectionValues) {
  return db
    .updateTable('inspections')
    .set(bumped(values))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning(COLUMNS)
    .executeTakeFirst()
}

export async function remove(db: Executor, id: string, expectedVersion: number) {
  return deleteVersioned(db, 'inspections', id, expectedVersion)
}

