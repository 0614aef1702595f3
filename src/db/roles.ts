import { sql } from 'kysely'
import type { Db } from './database.ts'
import { LOCKS, advisoryXactLock } from './locks.ts'

/**
 * Least privilege in the database. The role that runs the migrations owns every table, and an owner
 * can do anything to its tables: disable the audit log's triggers, drop them, truncate the log. So
 * the service's requests run as another role, which owns nothing and is granted only this:
 * read and write the register's tables; read and add to the history (APPEND_ONLY_TABLES), never
 * change it; read the migrator's tables. Owning nothing, it can alter, drop or truncate no table.
 *
 * The grants are made again after every migration run (each start, and `peel-register migrate`),
 * so a table a later migration adds is granted the same way with no step to remember.
 */
export const APPEND_ONLY_TABLES = ['audit_log', 'audit_seals'] as const
/** The migrator's bookkeeping: the service reads which migrations ran (the command line checks it). */
export const READ_ONLY_TABLES = ['kysely_migration', 'kysely_migration_lock'] as const

/** Grants `role` what the service needs on every table there is now. Run as the tables' owner. */
export async function grantServicePrivileges(owner: Db, role: string): Promise<void> {
  const grantee = sql.id(role)
  await owner.transaction().execute(async (trx) => {
    // Two instances granting at once would trip over each other's catalog updates ("tuple concurrently updated").
    await advisoryXactLock(trx, LOCKS.grants)
    await sql`grant usage on schema public to ${grantee}`.execute(trx)
    await sql`grant select, insert, update, delete on all tables in schema public to ${grantee}`.execute(trx)
    await sql`grant usage, select on all sequences in schema public to ${grantee}`.execute(trx)
    const existing = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = any(${[...APPEND_ONLY_TABLES, ...READ_ONLY_TABLES]}::text[])
    `.execute(trx)
    for (const { name } of existing.rows) {
      const table = sql.id(name)
      await sql`revoke all on table ${table} from ${grantee}`.execute(trx)
      const append = (APPEND_ONLY_TABLES as readonly string[]).includes(name)
      await sql`grant ${append ? sql`select, insert` : sql`select`} on table ${table} to ${grantee}`.execute(trx)
    }
  })
}

/** The role a connection's statements run as (after any SET ROLE). */
export async function currentRole(db: Db): Promise<{ name: string; superuser: boolean }> {
  const { rows } = await sql<{ name: string; superuser: boolean }>`
    select current_user as name, rolsuper as superuser from pg_roles where rolname = current_user
  `.execute(db)
  return rows[0]!
}

const DUPLICATE = new Set(['42710', '23505'])
const REFUSED = new Set(['42501'])

/**
 * With one connection for both (DATABASE_URL alone, or the embedded database): makes sure the
 * role without login that the service's sessions switch to exists and that the connection's user
 * may switch to it. Resolves to null when it may, or to why not: an owner without CREATEROLE
 * cannot make it, and the service then runs as the owner, as before.
 */
export async function ensureServiceRole(owner: Db, role: string): Promise<string | null> {
  const exists = async () =>
    (await sql<{ found: boolean }>`select exists (select 1 from pg_roles where rolname = ${role}) as found`.execute(owner)).rows[0]!.found
  if (!(await exists())) {
    try {
      await sql`create role ${sql.id(role)} nologin`.execute(owner)
    } catch (error) {
      const code = (error as { code?: string }).code ?? ''
      if (REFUSED.has(code)) return `the role ${role} does not exist and ${(await currentRole(owner)).name} may not create it (CREATEROLE)`
      // Another instance made it at the same moment.
      if (!DUPLICATE.has(code) || !(await exists())) throw error
    }
  }
  const { rows } = await sql<{ member: boolean; superuser: boolean; owner: boolean }>`
    select pg_has_role(session_user, ${role}, 'member') as member, rolsuper as superuser, rolname = current_user as owner
    from pg_roles where rolname = ${role}
  `.execute(owner)
  if (rows[0]!.superuser) return `the role ${role} is a superuser`
  if (rows[0]!.owner) return `the role ${role} is the owner itself`
  if (rows[0]!.member) return null
  try {
    await sql`grant ${sql.id(role)} to session_user`.execute(owner)
    return null
  } catch (error) {
    if (REFUSED.has((error as { code?: string }).code ?? '')) return `${(await currentRole(owner)).name} may not switch to the role ${role}, nor grant itself that`
    throw error
  }
}
