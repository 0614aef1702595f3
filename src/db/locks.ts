import { sql } from 'kysely'
import type { Executor } from './database.ts'

/** Advisory lock keys: one per start-up task that several instances might run at the same moment. */
export const LOCKS = {
  referenceData: 734_001,
  firstAdminKey: 734_002,
  /** With the force's hash as the second key: one import per register at a time. */
  registerImport: 734_003,
  /** Taken by audit_seal() in the database (migrations/2026-12-07T20-20-00-audit-seals.ts): one sealer at a time. */
  auditSeal: 734_004,
  /** Granting the service's role its privileges after migrating. */
  grants: 734_005
} as const

/** Holds the lock until the surrounding transaction ends. */
export async function advisoryXactLock(trx: Executor, key: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${key})`.execute(trx)
}
