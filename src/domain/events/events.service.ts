import type { Static } from 'typebox'
import type { Executor } from '../../db/database.ts'
import type { Principal } from '../access/roles.ts'
import { forceForRead } from '../shared/force-scope.ts'
import { decodeCursor, encodeCursor } from '../shared/pagination.ts'
import type { EventListQuery } from './events.schemas.ts'
import * as repo from './events.repository.ts'

export interface EventView {
  id: string
  type: string
  entity: { type: string; id: string }
  rootId: string
  force: string | null
  occurredAt: string
  actorKeyId: string | null
  requestId: string | null
  data: unknown
  changes: Record<string, { from: unknown; to: unknown }>
}

export function eventTypeOf(row: Pick<repo.EventRow, 'entity_type' | 'action'>): string {
  return `${row.entity_type}.${row.action.replaceAll(':', '.')}`
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The fields that differ between two snapshots of an entity (updatedAt aside: it always does). */
export function changesBetween(before: unknown, after: unknown): Record<string, { from: unknown; to: unknown }> {
  if (!isRecord(before) || !isRecord(after)) return {}
  const changes: Record<string, { from: unknown; to: unknown }> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'updatedAt') continue
    const from = before[key] ?? null
    const to = after[key] ?? null
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to }
  }
  return changes
}

export function toEvent(row: repo.EventRow): EventView {
  return {
    id: String(row.id),
    type: eventTypeOf(row),
    entity: { type: row.entity_type, id: row.entity_id },
    rootId: row.root_id,
    force: row.force_code,
    occurredAt: row.occurred_at.toISOString(),
    actorKeyId: row.actor_key_id,
    requestId: row.request_id,
    data: row.after ?? row.before ?? null,
    changes: changesBetween(row.before, row.after)
  }
}

/** Splits type patterns into exact types and whole entities; null means every type. */
export function typeFilter(patterns: readonly string[] | undefined): Pick<repo.FeedFilter, 'types' | 'entities'> | null {
  if (patterns === undefined || patterns.length === 0 || patterns.includes('*')) return null
  const entities = patterns.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -2))
  const types = patterns.filter((p) => !p.endsWith('.*'))
  return { types, entities }
}

export function matchesTypes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))))
}

export function encodePosition(position: repo.FeedPosition): string {
  return encodeCursor([position.txid, position.id])
}

export function decodePosition(cursor: string): repo.FeedPosition {
  const [txid, id] = decodeCursor(cursor, ['xid8', 'int8'])
  return { txid, id }
}

type ListQuery = Static<typeof EventListQuery>

export async function list(db: Executor, principal: Principal, query: ListQuery) {
  const force = forceForRead(principal, query.force)
  const limit = query.limit ?? 100
  let position: repo.FeedPosition
  if (query.cursor !== undefined) position = decodePosition(query.cursor)
  else if (query.start === 'latest') return { items: [], nextCursor: encodePosition(await repo.head(db)), hasMore: false }
  else position = repo.FEED_START
  const rows = await repo.after(db, position, { force, ...typeFilter(query.types) }, limit + 1)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(toEvent),
    nextCursor: encodePosition(last ? { txid: last.txid, id: last.id } : position),
    hasMore: rows.length > limit
  }
}
