import { sql } from 'kysely'
import type { Executor } from '../../db/database.ts'
import { bumped } from '../../db/versioned.ts'

export async function findById(db: Executor, id: string) {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()
}
export type WebhookRow = NonNullable<Awaited<ReturnType<typeof findById>>>

export async function list(db: Executor, filter: { force?: string; after?: { createdAt: Date; id: string }; limit: number }) {
  let query = db.selectFrom('webhooks').selectAll()
  if (filter.force !== undefined) query = query.where('force_code', '=', filter.force)
  if (filter.after) {
    const { createdAt, id } = filter.after
    query = query.where((eb) => eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]))
  }
  return query.orderBy('created_at').orderBy('id').limit(filter.limit).execute()
}

export interface WebhookValues {
  url: string
  description: string | null
  event_types: string[]
  active: boolean
}

export async function insert(db: Executor, force: string, values: WebhookValues & { secret: string; created_by: string }) {
  return db.insertInto('webhooks').values({ force_code: force, ...values }).returningAll().executeTakeFirstOrThrow()
}

export async function update(db: Executor, id: string, version: number, values: Partial<WebhookValues & { secret: string }>) {
  return db.updateTable('webhooks').set(bumped(values)).where('id', '=', id).where('version', '=', version).returningAll().executeTakeFirst()
}

// ---- deliveries ----

export async function deliveryById(db: Executor, webhookId: string, id: string) {
  return db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('id', '=', id).executeTakeFirst()
}
export type DeliveryRow = NonNullable<Awaited<ReturnType<typeof deliveryById>>>

export async function deliveries(
  db: Executor,
  webhookId: string,
  filter: { status?: DeliveryRow['status']; after?: { createdAt: Date; id: string }; limit: number }
) {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId)
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.after) {
    const { createdAt, id } = filter.after
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]))
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()
}

export async function attemptsOf(db: Executor, deliveryIds: string[]) {
  if (deliveryIds.length === 0) return []
  return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('id').execute()
}
export type AttemptRow = Awaited<ReturnType<typeof attemptsOf>>[number]

/** Queues a delivery again from the start of its retry schedule. */
export async function requeue(db: Executor, id: string) {
  return db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql<Date>`now()`, locked_until: null, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}
