import { createHash } from 'node:crypto'
import type { Db, Executor } from '../../db/database.ts'
import { unprocessable } from '../../problems.ts'
import type { Principal } from '../access/roles.ts'
import { canonical } from './canonical-json.ts'
import * as records from './idempotency.repository.ts'

export { IDEMPOTENCY_TTL_HOURS } from './idempotency.repository.ts'

export interface StoredResponse<T> {
  status: number
  body: T
  replayed: boolean
}

/**
 * A create whose response carries a secret (shown once): the field is never stored with the
 * response, and a replay answers with what `onReplay` throws instead of a response without it.
 */
export interface SecretInResponse {
  field: string
  onReplay: (stored: Record<string, unknown>) => Error
}

/**
 * Runs a create once per Idempotency-Key. The key is claimed inside the create's own transaction,
 * so a retry that arrives while the first attempt is still running waits for it and then replays
 * its response; a first attempt that fails releases the key with its rollback. The same key with
 * another body, or for another operation, is refused (422). A record answers retries for
 * IDEMPOTENCY_TTL_HOURS; after that the key is a new request, and every keyed write clears a batch
 * of records past their time.
 */
export async function idempotent<T>(
  db: Db,
  principal: Principal,
  key: string | undefined,
  operation: string,
  request: unknown,
  create: (trx: Executor) => Promise<{ status: number; body: T }>,
  secret?: SecretInResponse
): Promise<StoredResponse<T>> {
  if (key === undefined) {
    const result = await db.transaction().execute(create)
    return { ...result, replayed: false }
  }
  await records.purgeExpired(db)
  const requestHash = createHash('sha256').update(operation).update('\n').update(canonical(request)).digest('hex')
  return db.transaction().execute(async (trx) => {
    if (!(await records.claim(trx, principal.keyId, key, operation, requestHash))) {
      const earlier = await records.find(trx, principal.keyId, key)
      if (earlier.operation !== operation || earlier.request_hash !== requestHash) {
        throw unprocessable(
          'idempotency-key-reused',
          'Idempotency-Key reused',
          `Idempotency-Key ${key} was used for a different request. Use a new key for a new request.`
        )
      }
      if (secret) throw secret.onReplay((earlier.response_body ?? {}) as Record<string, unknown>)
      return { status: earlier.response_status ?? 200, body: earlier.response_body as T, replayed: true }
    }
    const result = await create(trx)
    const stored = secret ? withoutField(result.body, secret.field) : result.body
    await records.storeResponse(trx, principal.keyId, key, result.status, stored)
    return { ...result, replayed: false }
  })
}

function withoutField(body: unknown, field: string): unknown {
  if (body === null || typeof body !== 'object') return body
  const copy = { ...(body as Record<string, unknown>) }
  delete copy[field]
  return copy
}
