import { createHash } from 'node:crypto'
import type { Db, Executor } from '../../db/database.ts'
import { unprocessable } from '../../problems.ts'
import type { Principal } from '../access/roles.ts'
import { canonical } from './canonical-json.ts'

export interface StoredResponse<T> {
  status: number
  body: T
  replayed: boolean
}

/**
 * Runs a create once per Idempotency-Key. The key is claimed inside the create's own transaction,
 * so a retry that arrives while the first attempt is still running waits for it and then replays
 * its response; a first attempt that fails releases the key with its rollback. The same key with
 * another body, or for another operation, is refused (422).
 */
export async function idempotent<T>(
  db: Db,
  principal: Principal,
  key: string | undefined,
  operation: string,
  request: unknown,
  create: (trx: Executor) => Promise<{ status: number; body: T }>
): Promise<StoredResponse<T>> {
  if (key === undefined) {
    const result = await db.transaction().execute(create)
    return { ...result, replayed: false }
  }
  const requestHash = createHash('sha256').update(operation).update('\n').update(canonical(request)).digest('hex')
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('idempotency_keys')
      .values({ api_key_id: principal.keyId, key, operation, request_hash: requestHash, response_status: null, response_body: null })
      .onConflict((oc) => oc.columns(['api_key_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst()
    if (!claimed) {
      const earlier = await trx
        .selectFrom('idempotency_keys')
        .select(['operation', 'request_hash', 'response_status', 'response_body'])
        .where('api_key_id', '=', principal.keyId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
      if (earlier.operation !== operation || earlier.request_hash !== requestHash) {
        throw unprocessable(
          'idempotency-key-reused',
          'Idempotency-Key reused',
          `Idempotency-Key ${key} was used for a different request. Use a new key for a new request.`
        )
      }
      return { status: earlier.response_status ?? 200, body: earlier.response_body as T, replayed: true }
    }
    const result = await create(trx)
    await trx
      .updateTable('idempotency_keys')
      .set({ response_status: result.status, response_body: JSON.stringify(result.body) })
      .where('api_key_id', '=', principal.keyId)
      .where('key', '=', key)
      .execute()
    return { ...result, replayed: false }
  })
}
