import type { Static } from 'typebox'
import type { Db, Executor } from '../../db/database.ts'
import { invalidField, notFound, secretNotReplayed } from '../../problems.ts'
import { type Principal, canSeeForce } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import { assertKnownForce } from '../governance-groups/governance-groups.service.ts'
import { staleOrMissing } from '../shared/concurrency.ts'
import { forceForRead, forceForWrite } from '../shared/force-scope.ts'
import { idempotent } from '../shared/idempotency.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'
import type { CreateWebhookBody, DeliveryListQuery, UpdateWebhookBody, WebhookListQuery } from './webhooks.schemas.ts'
import * as repo from './webhooks.repository.ts'
import { addressAllowed, literalAddress } from './outbound.ts'
import { newSecret } from './signing.ts'

const AUDIT = 'webhook'

export function toWebhook(row: repo.WebhookRow) {
  return {
    id: row.id,
    force: row.force_code,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString()
  }
}

function toDelivery(row: repo.DeliveryRow, attempts: repo.AttemptRow[]) {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: String(row.event_id),
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    history: attempts
      .filter((a) => a.delivery_id === row.id)
      .map((a) => ({
        attemptedAt: a.attempted_at.toISOString(),
        durationMs: a.duration_ms,
        responseStatus: a.response_status,
        responseBody: a.response_body,
        error: a.error,
        succeeded: a.succeeded
      }))
  }
}

/**
 * A URL with a user name or password in it would put a credential in our database and logs; one
 * at an address webhooks never reach (cloud metadata, link-local...) would only ever fail.
 */
function checkUrl(url: string | undefined): void {
  if (url === undefined) return
  const parsed = new URL(url)
  if (parsed.username || parsed.password) throw invalidField('body', 'url', 'must not carry a user name or password')
  const literal = literalAddress(parsed.hostname)
  if (literal !== null && !addressAllowed(literal, true)) throw invalidField('body', 'url', `points at ${literal}, an address webhooks never reach`)
}

async function visible(db: Executor, principal: Principal, id: string): Promise<repo.WebhookRow> {
  const row = await repo.findById(db, id)
  if (!row || !canSeeForce(principal, row.force_code)) throw notFound(`No webhook ${id}.`)
  return row
}

export async function listWebhooks(db: Db, principal: Principal, query: Static<typeof WebhookListQuery> & { limit: number }) {
  const force = forceForRead(principal, query.force)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['date', 'uuid'])
  const rows = await repo.list(db, { force, after: after && { createdAt: after[0], id: after[1] }, limit: query.limit + 1 })
  return toPage(rows, query.limit, toWebhook, (row) => [row.created_at, row.id])
}

export async function getWebhook(db: Db, principal: Principal, id: string) {
  return toWebhook(await visible(db, principal, id))
}

export async function createWebhook(db: Db, principal: Principal, actor: Actor, body: Static<typeof CreateWebhookBody>, idempotencyKey?: string) {
  const force = forceForWrite(principal, body.force)
  checkUrl(body.url)
  return idempotent(db, principal, idempotencyKey, 'createWebhook', body, async (trx) => {
    await assertKnownForce(trx, force)
    const row = await repo.insert(trx, force, {
      url: body.url,
      description: body.description ?? null,
      event_types: body.eventTypes,
      active: body.active ?? true,
      secret: newSecret(),
      created_by: principal.keyId
    })
    const view = toWebhook(row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: row.id, action: 'create', force, after: view })
    return { status: 201, body: { ...view, secret: row.secret } }
  }, { field: 'secret', onReplay: (stored) => secretNotReplayed(
    `Webhook ${String(stored.id)} was created by an earlier request with this Idempotency-Key. Its signing secret was in that response ` +
      `only and is not kept to be sent again: if it was lost, replace it with POST /v1/webhooks/${String(stored.id)}/secret.`,
    { webhookId: stored.id }
  ) })
}

export async function updateWebhook(db: Db, principal: Principal, actor: Actor, id: string, version: number, body: Static<typeof UpdateWebhookBody>) {
  checkUrl(body.url)
  return db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    const values: Partial<repo.WebhookValues> = {}
    if (body.url !== undefined) values.url = body.url
    if (body.eventTypes !== undefined) values.event_types = body.eventTypes
    if (body.description !== undefined) values.description = body.description
    if (body.active !== undefined) values.active = body.active
    const row = await repo.update(trx, id, version, values)
    if (!row) staleOrMissing(before, `webhook ${id}`)
    const view = toWebhook(row)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'update', force: row.force_code, before: toWebhook(before), after: view })
    return view
  })
}

/** A new secret, effective for the next attempt of every delivery; the old one stops working at once. */
export async function rotateSecret(db: Db, principal: Principal, actor: Actor, id: string, version: number) {
  return db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    const row = await repo.update(trx, id, version, { secret: newSecret() })
    if (!row) staleOrMissing(before, `webhook ${id}`)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'rotate_secret', force: row.force_code })
    return { ...toWebhook(row), secret: row.secret }
  })
}

export async function deleteWebhook(db: Db, principal: Principal, actor: Actor, id: string, version: number) {
  await db.transaction().execute(async (trx) => {
    const before = await visible(trx, principal, id)
    const removed = await trx.deleteFrom('webhooks').where('id', '=', id).where('version', '=', version).returning('id').executeTakeFirst()
    if (!removed) staleOrMissing(before, `webhook ${id}`)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: id, action: 'delete', force: before.force_code, before: toWebhook(before) })
  })
}

export async function listDeliveries(db: Db, principal: Principal, webhookId: string, query: Static<typeof DeliveryListQuery> & { limit: number }) {
  await visible(db, principal, webhookId)
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['date', 'uuid'])
  const rows = await repo.deliveries(db, webhookId, { status: query.status, after: after && { createdAt: after[0], id: after[1] }, limit: query.limit + 1 })
  const attempts = await repo.attemptsOf(db, rows.slice(0, query.limit).map((r) => r.id))
  return toPage(rows, query.limit, (row) => toDelivery(row, attempts), (row) => [row.created_at, row.id])
}

export async function getDelivery(db: Db, principal: Principal, webhookId: string, id: string) {
  await visible(db, principal, webhookId)
  const row = await repo.deliveryById(db, webhookId, id)
  if (!row) throw notFound(`Webhook ${webhookId} has no delivery ${id}.`)
  return toDelivery(row, await repo.attemptsOf(db, [id]))
}

/** Sends a delivery again, whatever became of it: a receiver that lost or mishandled one asks for it back. */
export async function redeliver(db: Db, principal: Principal, actor: Actor, webhookId: string, id: string) {
  return db.transaction().execute(async (trx) => {
    const hook = await visible(trx, principal, webhookId)
    const before = await repo.deliveryById(trx, webhookId, id)
    if (!before) throw notFound(`Webhook ${webhookId} has no delivery ${id}.`)
    const row = await repo.requeue(trx, id)
    await recordAudit(trx, actor, { entityType: AUDIT, entityId: webhookId, action: 'redeliver', force: hook.force_code, after: { deliveryId: id } })
    return toDelivery(row, await repo.attemptsOf(trx, [id]))
  })
}
