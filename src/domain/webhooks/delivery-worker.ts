import { sql } from 'kysely'
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../../db/database.ts'
import * as events from '../events/events.repository.ts'
import { eventTypeOf, matchesTypes, toEvent } from '../events/events.service.ts'
import { BlockedAddressError, post } from './outbound.ts'
import { signedHeaders } from './signing.ts'
import { KEPT_RESPONSE_CHARS } from './webhooks.schemas.ts'
import { clip } from '../../schemas/limits.ts'

export interface WebhookSettings {
  enabled: boolean
  pollMs: number
  timeoutMs: number
  /** The wait before each retry, in ms. */
  retrySchedule: number[]
  /** Whether receivers on loopback and private addresses may be reached (see outbound.ts). */
  allowPrivateNetworks: boolean
}

/** Events taken from the feed in one fan-out, and deliveries attempted in one round. */
const FAN_OUT_BATCH = 500
const DELIVERY_BATCH = 20

interface Claimed {
  id: string
  event_id: number
  attempts: number
  url: string
  secret: string
}

interface Outcome {
  durationMs: number
  status: number | null
  body: string | null
  error: string | null
  succeeded: boolean
}

/**
 * Moves events from the change feed into the delivery queue, and the queue out to receivers.
 * Everything it knows lives in PostgreSQL (where the fan-out has got to, each delivery's state,
 * every attempt), so a restart, or several instances at once, lose and repeat nothing: the
 * fan-out position is one locked row, and a delivery is claimed with SKIP LOCKED and a lease.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> | null = null
  private stopped = true
  private failing = false

  constructor(
    private readonly db: Db,
    private readonly settings: WebhookSettings,
    private readonly log: FastifyBaseLogger
  ) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    // The first poll after one interval, not at once: a starting instance answers its readiness
    // probe first (on the embedded database the two would queue for its one connection).
    this.schedule(this.settings.pollMs)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }

  private schedule(delay: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(({ attempted }) => {
          if (this.failing) this.log.info('webhook delivery: database reachable again')
          this.failing = false
          // A full batch means more is waiting: carry on at once.
          this.schedule(attempted === DELIVERY_BATCH ? 0 : this.settings.pollMs)
        })
        .catch((error: unknown) => {
          // Once per outage, not once per poll.
          if (!this.failing) this.log.warn({ err: error }, 'webhook delivery paused: the database is not answering')
          this.failing = true
          this.schedule(Math.max(this.settings.pollMs, 1000))
        })
    }, delay)
    this.timer.unref()
  }

  /** One round: queue what the feed has gained, then attempt what is due. */
  async runOnce(): Promise<{ queued: number; attempted: number }> {
    let queued = 0
    let batch: number
    do {
      batch = await this.fanOut()
      queued += batch
    } while (batch === FAN_OUT_BATCH)
    const attempted = await this.deliverDue()
    return { queued, attempted }
  }

  private async fanOut(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const state = await sql<{ txid: string; event_id: number }>`
        select txid::text as txid, event_id from webhook_dispatch where id = 1 for update skip locked
      `.execute(trx)
      const at = state.rows[0]
      if (!at) return 0 // another instance is fanning out
      const rows = await events.after(trx, { txid: at.txid, id: Number(at.event_id) }, {}, FAN_OUT_BATCH)
      if (rows.length === 0) return 0
      const forces = [...new Set(rows.map((r) => r.force_code).filter((f): f is string => f !== null))]
      const hooks =
        forces.length === 0
          ? []
          : await trx.selectFrom('webhooks').select(['id', 'force_code', 'event_types', 'created_at']).where('active', '=', true).where('force_code', 'in', forces).execute()
      const deliveries = rows.flatMap((row) => {
        const type = eventTypeOf(row)
        return hooks
          .filter((h) => h.force_code === row.force_code && h.created_at <= row.occurred_at && matchesTypes(h.event_types, type))
          .map((h) => ({ webhook_id: h.id, event_id: row.id, event_type: type, status: 'pending' as const, next_attempt_at: sql<Date>`now()` }))
      })
      if (deliveries.length > 0) {
        await trx.insertInto('webhook_deliveries').values(deliveries).onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing()).execute()
      }
      const last = rows.at(-1)!
      await sql`update webhook_dispatch set txid = ${last.txid}::xid8, event_id = ${last.id} where id = 1`.execute(trx)
      return rows.length
    })
  }

  /** Claims due deliveries for a lease a little longer than one attempt can take, then attempts them side by side. */
  private async deliverDue(): Promise<number> {
    const lease = `${Math.ceil(this.settings.timeoutMs / 1000) + 30} seconds`
    const claimed = await sql<Claimed>`
      update webhook_deliveries d
      set locked_until = now() + ${lease}::interval
      from webhooks w
      where w.id = d.webhook_id
        and d.id in (
          select d2.id from webhook_deliveries d2
          join webhooks w2 on w2.id = d2.webhook_id and w2.active
          where d2.status = 'pending' and d2.next_attempt_at <= now()
            and (d2.locked_until is null or d2.locked_until < now())
          order by d2.next_attempt_at
          limit ${DELIVERY_BATCH}
          for update of d2 skip locked
        )
      returning d.id, d.event_id, d.attempts, w.url, w.secret
    `.execute(this.db)
    if (claimed.rows.length === 0) return 0
    const ids = claimed.rows.map((c) => String(c.event_id))
    const eventRows = await this.db
      .selectFrom('audit_log')
      .select(['id', sql<string>`txid::text`.as('txid'), 'occurred_at', 'actor_key_id', 'force_code', 'entity_type', 'entity_id', 'root_id', 'action', 'before', 'after', 'request_id'])
      .where('id', 'in', ids)
      .execute()
    const byId = new Map(eventRows.map((r) => [Number(r.id), toEvent({ ...r, id: Number(r.id) })]))
    await Promise.all(
      claimed.rows.map(async (delivery) => {
        const event = byId.get(Number(delivery.event_id))!
        const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event })
        await this.record(delivery, await this.attempt(delivery, body))
      })
    )
    return claimed.rows.length
  }

  private async attempt(delivery: Claimed, body: string): Promise<Outcome> {
    const started = performance.now()
    const elapsed = () => Math.round(performance.now() - started)
    const headers = { 'content-type': 'application/json', 'user-agent': 'peel-register-webhooks/1', ...signedHeaders(delivery.secret, delivery.id, body) }
    try {
      // Redirects are not followed: that would send the signed event somewhere the subscriber never named.
      const response = await post(delivery.url, headers, body, {
        timeoutMs: this.settings.timeoutMs,
        allowPrivate: this.settings.allowPrivateNetworks,
        keepChars: KEPT_RESPONSE_CHARS
      })
      const succeeded = response.status >= 200 && response.status < 300
      return { durationMs: elapsed(), status: response.status, body: response.body, error: null, succeeded }
    } catch (error) {
      return { durationMs: elapsed(), status: null, body: null, error: clip(describe(error, this.settings.timeoutMs), KEPT_RESPONSE_CHARS), succeeded: false }
    }
  }

  private async record(delivery: Claimed, outcome: Outcome): Promise<void> {
    const attempts = delivery.attempts + 1
    const wait = this.settings.retrySchedule[attempts - 1]
    const status = outcome.succeeded ? 'delivered' : wait === undefined ? 'failed' : 'pending'
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: delivery.id,
          attempted_at: new Date(Date.now() - outcome.durationMs),
          duration_ms: outcome.durationMs,
          response_status: outcome.status,
          response_body: outcome.body,
          error: outcome.error,
          succeeded: outcome.succeeded
        })
        .execute()
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status,
          attempts,
          next_attempt_at: status === 'pending' ? sql<Date>`now() + ${`${wait} milliseconds`}::interval` : null,
          locked_until: null,
          updated_at: new Date()
        })
        .where('id', '=', delivery.id)
        .execute()
    })
    if (status === 'failed') this.log.warn({ deliveryId: delivery.id, attempts }, 'webhook delivery failed for good: every retry used')
  }
}

function describe(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: { name?: string } }
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return `no response within ${timeoutMs} ms`
  if (e instanceof BlockedAddressError) return e.message
  return e.code ?? e.message ?? 'request failed'
}
