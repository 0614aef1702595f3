import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Db, Executor } from '../../db/database.ts'
import { LOCKS, advisoryXactLock } from '../../db/locks.ts'
import { PROJECT_ROOT } from '../../paths.ts'
import { referenceSets } from './reference-sets.ts'

export const REFERENCE_DIR = new URL('reference/', PROJECT_ROOT)

/** One file of reference/ and how to apply it. `apply` must be idempotent: it upserts. */
export interface ReferenceSet {
  name: string
  file: string
  /** Files whose change must re-apply this one too (the framework a grading table points into). */
  dependsOn?: string[]
  apply(trx: Executor, data: unknown): Promise<void>
}

export interface LoadReport {
  applied: string[]
  unchanged: string[]
}

/**
 * Applies every reference file whose content changed since it was last applied (by checksum), each
 * in its own transaction. Runs on every start: a new release with corrected data upgrades in place;
 * an unchanged file costs one read and one hash.
 */
export async function loadReferenceData(db: Db, sets: ReferenceSet[] = referenceSets): Promise<LoadReport> {
  const report: LoadReport = { applied: [], unchanged: [] }
  const files = await Promise.all(sets.map(async (set) => ({ set, ...(await readSet(set)) })))
  // A restart finds every checksum current: one read, no transaction, no lock.
  const stored = new Map((await db.selectFrom('reference_data').select(['name', 'checksum']).execute()).map((row) => [row.name, row.checksum]))
  for (const { set, text, checksum } of files) {
    const applied =
      stored.get(set.name) !== checksum &&
      (await db.transaction().execute(async (trx) => {
        await advisoryXactLock(trx, LOCKS.referenceData)
        const current = await trx
          .selectFrom('reference_data')
          .select('checksum')
          .where('name', '=', set.name)
          .executeTakeFirst()
        if (current?.checksum === checksum) return false
        await set.apply(trx, JSON.parse(text))
        await trx
          .insertInto('reference_data')
          .values({ name: set.name, checksum })
          .onConflict((oc) => oc.column('name').doUpdateSet({ checksum, loaded_at: new Date() }))
          .execute()
        return true
      }))
    ;(applied ? report.applied : report.unchanged).push(set.name)
  }
  return report
}

/** A reference file's text, and the checksum of it and the files it depends on. */
async function readSet(set: ReferenceSet): Promise<{ text: string; checksum: string }> {
  const text = await readFile(new URL(set.file, REFERENCE_DIR), 'utf8')
  const hash = createHash('sha256').update(text)
  for (const dependency of set.dependsOn ?? []) hash.update(await readFile(new URL(dependency, REFERENCE_DIR)))
  return { text, checksum: hash.digest('hex') }
}
