import { sql } from 'kysely'
import type { Executor } from '../../db/database.ts'

export interface IdempotencyRecord {
  operation: string
  request_hash: string
  response_status: number | null
  response_body: unknown
}

/** How long a record answers retries; after that the same key is a new request. */
export const IDEMPOTENCY_TTL_HOURS = 24
/** How many expired records one write clears at most, so that the first write after a quiet spell stays quick. */
export const IDEMPOTENCY_PURGE_BATCH = 500

const expired = sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`

/** Claims the key for this caller; false when a record (live: expired ones are dropped first) holds it. */
export async function claim(db: Executor, keyId: string, key: string, operation: string, requestHash: string): Promise<boolean> {
  await db.deleteFrom('idempotency_keys').where('api_key_id', '=', keyId).where('key', '=', key).where('created_at', '<', expired).execute()
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ api_key_id: keyId, key, operation, request_hash: requestHash, response_status: null, response_body: null })
    .onConflict((oc) => oc.columns(['api_key_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst()
  return claimed !== undefined
}

export async function find(db: Executor, keyId: string, key: string): Promise<IdempotencyRecord> {
  return db
    .selectFrom('idempotency_keys')
    .select(['operation', 'request_hash', 'response_status', 'response_body'])
    .where('api_key_id', '=', keyId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
}

export async function storeResponse(db: Executor, keyId: string, key: string, status: number, body: unknown): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ response_status: status, response_body: JSON.stringify(body) })
    .where('api_key_id', '=', keyId)
    .where('key', '=', key)
    .execute()
}

/** Deletes up to a batch of records past their time, oldest first; returns how many went. */
export async function purgeExpired(db: Executor, batch = IDEMPOTENCY_PURGE_BATCH): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('api_key_id', 'key'),
        'in',
        selectFrom('idempotency_keys').select(['api_key_id', 'key']).where('created_at', '<', expired).orderBy('created_at').limit(batch).$asTuple('api_key_id', 'key')
      )
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
