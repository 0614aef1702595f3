import { sql } from 'kysely'
import type { ApiKeyRow, Executor } from '../../db/database.ts'
import type { Role } from '../access/roles.ts'

export interface NewApiKey {
  name: string
  role: Role
  force: string | null
  keyHash: string
  keyPrefix: string
  createdBy: string | null
  expiresAt?: Date | null
}

/** The key with this hash, revoked or not, so that a refusal can say why. */
export async function findByHash(db: Executor, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst()
}

export async function findById(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insert(db: Executor, key: NewApiKey): Promise<ApiKeyRow> {
  return db
    .insertInto('api_keys')
    .values({
      name: key.name,
      role: key.role,
      force_code: key.force,
      key_hash: key.keyHash,
      key_prefix: key.keyPrefix,
      created_by: key.createdBy,
      secret_seen_by: key.createdBy,
      expires_at: key.expiresAt ?? null
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function revoke(db: Executor, id: string): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** A new secret for a key that is not revoked; undefined when it is (or does not exist). */
export async function replaceSecret(
  db: Executor,
  id: string,
  secret: { keyHash: string; keyPrefix: string; expiresAt: Date | null; seenBy: string | null }
): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_keys')
    .set({ key_hash: secret.keyHash, key_prefix: secret.keyPrefix, expires_at: secret.expiresAt, rotated_at: new Date(), secret_seen_by: secret.seenBy })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

export interface ListFilter {
  force?: string | null
  includeRevoked: boolean
  after?: { createdAt: Date; id: string }
  limit: number
}

/** Keyset pagination on (created_at, id): stable however many keys are added meanwhile. */
export async function list(db: Executor, filter: ListFilter): Promise<ApiKeyRow[]> {
  let query = db.selectFrom('api_keys').selectAll()
  if (filter.force !== undefined) {
    query = filter.force === null ? query.where('force_code', 'is', null) : query.where('force_code', '=', filter.force)
  }
  if (!filter.includeRevoked) query = query.where('revoked_at', 'is', null)
  if (filter.after) {
    const { createdAt, id } = filter.after
    query = query.where((eb) =>
      eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])])
    )
  }
  return query.orderBy('created_at').orderBy('id').limit(filter.limit).execute()
}

export async function countAll(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** National admin keys, other than `except`, that are not revoked and still work at `validAt`. */
export async function countNationalAdminsValidAt(db: Executor, validAt: Date, except: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('force_code', 'is', null)
    .where('revoked_at', 'is', null)
    .where('id', '<>', except)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', validAt)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Every key whose holder could act as the given key: the key itself, the key that saw its current
 * secret issued, that key's own such key, and so on up to a key the operator issued (`root`: no
 * `secret_seen_by`). `union` (not `union all`) ends the walk however the links run.
 */
export async function secretHolders(db: Executor, id: string): Promise<Array<{ id: string; root: boolean }>> {
  const { rows } = await sql<{ id: string; root: boolean }>`
    with recursive holders (id) as (
      select ${id}::uuid
      union
      select k.secret_seen_by from api_keys k join holders h on k.id = h.id where k.secret_seen_by is not null
    )
    select k.id, k.secret_seen_by is null as root from holders h join api_keys k on k.id = h.id
  `.execute(db)
  return rows
}
