import { createHash } from 'node:crypto'
import type { Executor } from '../../db/database.ts'
import { type SealRow, countAfter, firstUnsealedBefore, sealsAfter } from './audit.repository.ts'

/**
 * The audit log's hash chain, checked from outside the database: the encoding and the hashes are
 * computed here again, not trusted to the database's own function (whoever owns the tables could
 * replace it). The sealing side, and why sealing is a step apart from writing, is in
 * migrations/2026-12-07T20-20-00-audit-seals.ts; the two encodings must never drift apart.
 */
export const AUDIT_CHAIN_FIELDS = [
  'id',
  'txid',
  'occurred_at',
  'actor_key_id',
  'force_code',
  'entity_type',
  'entity_id',
  'root_id',
  'action',
  'before',
  'after',
  'request_id'
] as const

/** The hash before the first entry's. */
export const CHAIN_START = new Uint8Array(32)

/** How many seals are read at a time while verifying. */
export const VERIFY_PAGE = 2000

const sha256 = (...parts: Array<Uint8Array | string>) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** One field's encoding: `<bytes>:<text>`, or `-` for null. */
export function encodeField(value: string | null): string {
  return value === null ? '-' : `${Buffer.byteLength(value, 'utf8')}:${value}`
}

/** The chain's hash for an entry with these fields, after `previous`. */
export function chainHash(previous: Uint8Array, fields: ReadonlyArray<string | null>): Buffer {
  return sha256(previous, fields.map(encodeField).join(''))
}

/** The fields whose 8-byte digests differ from those the seal kept. */
function changedFields(fields: ReadonlyArray<string | null>, sealed: Uint8Array): string[] {
  return fields.flatMap((value, i) => {
    const digest = sha256(encodeField(value)).subarray(0, 8)
    return Buffer.compare(digest, Buffer.from(sealed).subarray(i * 8, i * 8 + 8)) === 0 ? [] : [AUDIT_CHAIN_FIELDS[i]!]
  })
}

export type BreakKind = 'changed' | 'deleted' | 'inserted' | 'seal-changed' | 'seal-missing'

/** The first link that does not hold: which entry, when it happened, and what is wrong. */
export interface ChainBreak {
  kind: BreakKind
  /** The entry's id in audit_log. */
  entryId: string
  /** When the entry happened, as it says now (null when it is gone). */
  occurredAt: string | null
  /** The seal's position in the chain (null for an entry that has none). */
  seq: string | null
  /** The fields that differ, for `changed`. */
  fields: string[]
  detail: string
}

export interface Verification {
  /** Entries whose seals were checked and hold, from the start of the chain up to any break. */
  verified: number
  /** The last link that verified: record it elsewhere to detect a chain rewritten whole later. */
  head: { seq: string; hash: string } | null
  /** Entries newer than the last seal, not sealed yet (the service seals every second). */
  unsealed: number
  broken: ChainBreak | null
}

/**
 * Walks the chain from its start and reports the first broken link, or that every sealed entry
 * verifies. An edit is found at the edited entry (a changed field, by name), a deletion at the
 * deleted entry's seal, and an entry added (or renumbered) among sealed ones at that entry.
 */
export async function verifyAuditChain(db: Executor, onProgress: (verified: number) => void = () => {}): Promise<Verification> {
  let previous: Uint8Array = CHAIN_START
  let last: SealRow | null = null
  let verified = 0
  let broken: ChainBreak | null = null
  let brokenAt: SealRow | null = null
  walk: for (;;) {
    const page = await sealsAfter(db, last?.seq ?? '0', VERIFY_PAGE)
    for (const seal of page) {
      broken = checkSeal(seal, previous, last)
      if (broken !== null) {
        brokenAt = seal
        break walk
      }
      previous = seal.hash
      last = seal
      verified++
    }
    onProgress(verified)
    if (page.length < VERIFY_PAGE) break
  }
  // Sealing takes every committed entry in order, so an entry with no seal before a sealed one was put there since.
  const bound = brokenAt ?? last
  const inserted = bound === null ? null : await firstUnsealedBefore(db, { txid: bound.txid, id: bound.auditId })
  if (inserted !== null) {
    broken = {
      kind: 'inserted',
      entryId: inserted.id,
      occurredAt: inserted.occurredAt,
      seq: null,
      fields: [],
      detail: `entry ${inserted.id} has no seal, yet entries after it were sealed: it was added, or its id or txid changed, after they were sealed`
    }
  }
  return {
    verified: inserted === null ? verified : await verifiedBefore(db, inserted),
    head: last === null ? null : { seq: last.seq, hash: Buffer.from(last.hash).toString('hex') },
    unsealed: await countAfter(db, last === null ? null : { txid: last.txid, id: last.auditId }),
    broken
  }
}

/** With an entry slipped in, the entries that verify are the sealed ones before it. */
async function verifiedBefore(db: Executor, inserted: { txid: string; id: string }): Promise<number> {
  let count = 0
  let seq = '0'
  for (;;) {
    const page = await sealsAfter(db, seq, VERIFY_PAGE)
    for (const seal of page) {
      if (BigInt(seal.txid) > BigInt(inserted.txid) || (seal.txid === inserted.txid && BigInt(seal.auditId) > BigInt(inserted.id))) return count
      count++
    }
    if (page.length < VERIFY_PAGE) return count
    seq = page.at(-1)!.seq
  }
}

function checkSeal(seal: SealRow, previous: Uint8Array, last: SealRow | null): ChainBreak | null {
  const expected = last === null ? 1n : BigInt(last.seq) + 1n
  const at = { entryId: seal.auditId, seq: seal.seq, fields: [] as string[] }
  if (BigInt(seal.seq) !== expected) {
    return { ...at, kind: 'seal-missing', occurredAt: seal.fields?.[2] ?? null, detail: `seals ${expected} to ${BigInt(seal.seq) - 1n} are missing before seal ${seal.seq}: the chain was cut` }
  }
  if (seal.fields === null) {
    return { ...at, kind: 'deleted', occurredAt: null, detail: `entry ${seal.auditId} was sealed (seal ${seal.seq}, ${seal.sealedAt.toISOString()}) and is no longer in the log: it was deleted or renumbered` }
  }
  if (Buffer.compare(chainHash(previous, seal.fields), Buffer.from(seal.hash)) === 0) return null
  const fields = changedFields(seal.fields, seal.fieldDigests)
  if (fields.length > 0) {
    return { ...at, fields, kind: 'changed', occurredAt: seal.fields[2] ?? null, detail: `entry ${seal.auditId} differs from what was sealed in ${fields.join(', ')}` }
  }
  return {
    ...at,
    kind: 'seal-changed',
    occurredAt: seal.fields[2] ?? null,
    detail: `entry ${seal.auditId} matches its field digests but not the chain: its seal, or the chain before it, was rewritten`
  }
}
