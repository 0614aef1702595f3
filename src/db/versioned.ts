import { sql } from 'kysely'
import type { Executor } from './database.ts'

/** The register's tables whose rows carry a version for optimistic concurrency. */
export type VersionedTable = 'governance_groups' | 'inspections' | 'findings' | 'finding_actions'

/**
 * The values of an update guarded by the version the caller read, plus the bump: one statement,
 * so of two writers holding the same version exactly one matches.
 */
export function bumped<V extends object>(values: V) {
  return { ...values, version: sql<number>`version + 1`, updated_at: new Date() }
}

/** Deletes the row only at the version the caller read; undefined when it was not (or is gone). */
export async function deleteVersioned(db: Executor, table: VersionedTable, id: string, expectedVersion: number) {
  return db
    .deleteFrom(table)
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .returning('id')
    .executeTakeFirst()
}
