import { bumped, deleteVersioned } from '../../db/versioned.ts'
import type { Executor } from '../../db/database.ts'

export interface GroupValues {
  name: string
  chair: string | null
  meeting_frequency: string | null
}

const COLUMNS = ['id', 'force_code', 'name', 'chair', 'meeting_frequency', 'version', 'created_at', 'updated_at'] as const

export async function findById(db: Executor, id: string) {
  return db.selectFrom('governance_groups').select(COLUMNS).where('id', '=', id).executeTakeFirst()
}

export async function list(db: Executor, options: { force?: string; after?: { force: string; name: string; id: string }; limit: number }) {
  let query = db.selectFrom('governance_groups').select(COLUMNS)
  if (options.force !== undefined) query = query.where('force_code', '=', options.force)
  if (options.after) {
    const { force, name, id } = options.after
    query = query.where((eb) => eb(eb.refTuple('force_code', 'name', 'id'), '>', eb.tuple(force, name, id)))
  }
  return query.orderBy('force_code').orderBy('name').orderBy('id').limit(options.limit).execute()
}

export async function insert(db: Executor, force: string, values: GroupValues) {
  return db
    .insertInto('governance_groups')
    .values({ force_code: force, ...values })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
}

export async function update(db: Executor, id: string, expectedVersion: number, values: Partial<GroupValues>) {
  return db
    .updateTable('governance_groups')
    .set(bumped(values))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning(COLUMNS)
    .executeTakeFirst()
}

export async function remove(db: Executor, id: string, expectedVersion: number) {
  return deleteVersioned(db, 'governance_groups', id, expectedVersion)
}

