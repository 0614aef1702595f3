import type { Executor } from '../../db/database.ts'

export interface Force {
  code: string
  name: string
  country: 'england' | 'wales'
}

/**
 * Forces known to exist, per database handle: forces come from reference data and are never
 * removed, so once seen a code need not be looked up again (most requests name a force).
 */
const known = new WeakMap<object, Set<string>>()

export async function exists(db: Executor, code: string): Promise<boolean> {
  const seen = known.get(db)
  if (seen?.has(code)) return true
  const row = await db.selectFrom('forces').select('code').where('code', '=', code).executeTakeFirst()
  if (row === undefined) return false
  if (seen) seen.add(code)
  else known.set(db, new Set([code]))
  return true
}

export async function findByCode(db: Executor, code: string): Promise<Force | undefined> {
  return db.selectFrom('forces').select(['code', 'name', 'country']).where('code', '=', code).executeTakeFirst()
}

export async function list(db: Executor, options: { afterCode?: string; limit: number; country?: string }): Promise<Force[]> {
  let query = db.selectFrom('forces').select(['code', 'name', 'country'])
  if (options.afterCode !== undefined) query = query.where('code', '>', options.afterCode)
  if (options.country !== undefined) query = query.where('country', '=', options.country as Force['country'])
  return query.orderBy('code').limit(options.limit).execute()
}

export async function upsertAll(db: Executor, forces: Force[]): Promise<void> {
  if (forces.length === 0) return
  await db
    .insertInto('forces')
    .values(forces)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), country: eb.ref('excluded.country') }))
    )
    .execute()
}
