import { createHash, randomBytes } from 'node:crypto'
import type { ApiKeyRow, Db, Executor } from '../../db/database.ts'
import { LOCKS, advisoryXactLock } from '../../db/locks.ts'
import { conflict, forbidden, invalidField, notFound } from '../../problems.ts'
import { type Principal, type Role, canSeeForce, isNational } from '../access/roles.ts'
import { type Actor, recordAudit } from '../audit/audit.repository.ts'
import * as forces from '../forces/forces.repository.ts'
import * as keys from './api-keys.repository.ts'
import { cachedPrincipal, forgetPrincipals, rememberPrincipal } from './key-cache.ts'
import { decodeCursor, toPage } from '../shared/pagination.ts'

const KEY_PREFIX = 'prk_'

/** Keys carry 256 random bits, so one SHA-256 is enough: there is nothing to brute-force. */
export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function generateSecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url')
}

/** What may be shown of a key: the first characters identify it without revealing it. */
function displayPrefix(secret: string): string {
  return secret.slice(0, KEY_PREFIX.length + 6)
}

/**
 * What a log may say of a secret someone sent: the display prefix of one of our keys, which the
 * key list shows anyway; of anything else, nothing (it may be a mistyped password).
 */
export function loggablePrefix(secret: string): string | null {
  return secret.startsWith(KEY_PREFIX) && secret.length > KEY_PREFIX.length + 6 ? displayPrefix(secret) : null
}

export interface ApiKeyView {
  id: string
  name: string
  role: Role
  force: string | null
  prefix: string
  createdAt: string
  createdBy: string | null
  revokedAt: string | null
  expiresAt: string | null
  rotatedAt: string | null
}

export function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    force: row.force_code,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    rotatedAt: row.rotated_at?.toISOString() ?? null
  }
}

/** Why a key was refused: for the log, and for the caller when it holds the (expired) secret itself. */
export type KeyCheck =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'unknown' | 'revoked' }
  | { ok: false; reason: 'expired'; expiredAt: Date }

export async function checkKey(db: Db, secret: string, now = new Date()): Promise<KeyCheck> {
  if (!secret.startsWith(KEY_PREFIX) && secret.length < 32) return { ok: false, reason: 'unknown' }
  const hash = hashKey(secret)
  const cached = cachedPrincipal(db, hash, now.getTime())
  if (cached) return { ok: true, principal: cached }
  const row = await keys.findByHash(db, hash)
  if (!row) return { ok: false, reason: 'unknown' }
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' }
  if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: 'expired', expiredAt: row.expires_at }
  const principal: Principal = { keyId: row.id, name: row.name, role: row.role as Role, force: row.force_code }
  rememberPrincipal(db, hash, principal, now.getTime(), row.expires_at)
  return { ok: true, principal }
}

export async function authenticate(db: Db, secret: string): Promise<Principal | null> {
  const check = await checkKey(db, secret)
  return check.ok ? check.principal : null
}

export interface CreateKeyInput {
  name: string
  role: Role
  force: string | null
  /** ISO 8601; null or absent: the key does not expire. */
  expiresAt?: string | null
}

/** A requested expiry as a Date, refused unless it is in the future. */
function futureExpiry(expiresAt: string | null | undefined, now: Date): Date | null {
  if (expiresAt === undefined || expiresAt === null) return null
  const date = new Date(expiresAt)
  if (Number.isNaN(date.getTime())) throw invalidField('body', 'expiresAt', 'must be a date-time such as 2027-03-31T23:59:59Z')
  if (date <= now) throw invalidField('body', 'expiresAt', 'must be in the future')
  return date
}

export async function createKey(
  db: Db,
  principal: Principal,
  actor: Actor,
  input: CreateKeyInput
): Promise<{ view: ApiKeyView; secret: string }> {
  if (!isNational(principal)) {
    if (input.force === null) throw forbidden('A force admin key cannot create a national key.')
    if (input.force !== principal.force) {
      throw forbidden(`This key manages keys of force ${principal.force} only.`)
    }
  }
  if (input.force !== null && !(await forces.exists(db, input.force))) {
    throw invalidField('body', 'force', `is not a known force code: ${input.force}`)
  }
  const expiresAt = futureExpiry(input.expiresAt, new Date())
  const secret = generateSecret()
  return db.transaction().execute(async (trx) => {
    const row = await keys.insert(trx, {
      name: input.name,
      role: input.role,
      force: input.force,
      keyHash: hashKey(secret),
      keyPrefix: displayPrefix(secret),
      createdBy: principal.keyId,
      expiresAt
    })
    const view = toView(row)
    await recordAudit(trx, actor, { entityType: 'api_key', entityId: row.id, action: 'create', force: row.force_code, after: view })
    return { view, secret }
  })
}

/** One key, without its secret: any key for a national admin, its own force's for a force admin. */
export async function getKey(db: Db, principal: Principal, id: string): Promise<ApiKeyView> {
  const row = await keys.findById(db, id)
  if (!row || !canSeeForce(principal, row.force_code)) throw notFound(`No API key ${id}.`)
  return toView(row)
}

/**
 * How long a national admin key must still work to count as one the deployment can rely on: long
 * enough for someone to notice and make another before it lapses.
 */
export const WORKING_ADMIN_MARGIN_HOURS = 24

function workingUntil(now: Date): Date {
  return new Date(now.getTime() + WORKING_ADMIN_MARGIN_HOURS * 3_600_000)
}

/** What a change leaves of a key: revoked, or working until its (new) expiry, null for never. */
type KeyAfter = { revoked: true } | { revoked: false; expiresAt: Date | null }

/**
 * Refuses (409) a change that would leave the deployment with no working national admin key: one
 * not revoked and not expiring within WORKING_ADMIN_MARGIN_HOURS. Serialised by the first-admin
 * lock, so that two such changes at once cannot both pass.
 */
async function keepAWorkingAdmin(trx: Executor, key: ApiKeyRow, after: KeyAfter, now = new Date()): Promise<void> {
  if (key.role !== 'admin' || key.force_code !== null || key.revoked_at !== null) return
  const until = workingUntil(now)
  if (!after.revoked && (after.expiresAt === null || after.expiresAt > until)) return
  await advisoryXactLock(trx, LOCKS.firstAdminKey)
  if ((await keys.countNationalAdminsValidAt(trx, until, key.id)) > 0) return
  const change = after.revoked ? 'revoking it' : 'giving it that expiry'
  throw conflict(
    `This is the last national admin key that will still work in ${WORKING_ADMIN_MARGIN_HOURS} hours: ${change} could leave nobody able to manage keys. ` +
      `Create another national admin key (with no expiry, or one more than ${WORKING_ADMIN_MARGIN_HOURS} hours away) first.`
  )
}

export async function revokeKey(db: Db, principal: Principal, actor: Actor, id: string): Promise<ApiKeyView> {
  const view = await db.transaction().execute(async (trx) => {
    const existing = await keys.findById(trx, id)
    if (!existing || !canSeeForce(principal, existing.force_code)) throw notFound(`No API key ${id}.`)
    await keepAWorkingAdmin(trx, existing, { revoked: true })
    const revoked = await keys.revoke(trx, id)
    if (!revoked) return toView(existing)
    const view = toView(revoked)
    await recordAudit(trx, actor, {
      entityType: 'api_key',
      entityId: id,
      action: 'revoke',
      force: revoked.force_code,
      before: toView(existing),
      after: view
    })
    return view
  })
  forgetPrincipals(db)
  return view
}

/**
 * A new secret for the same key: same id, role, force and audit trail; the old secret stops
 * working at once (here; on other instances within the key cache's few seconds).
 */
export async function rotateKey(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  input: { expiresAt?: string | null }
): Promise<{ view: ApiKeyView; secret: string }> {
  const now = new Date()
  const secret = generateSecret()
  const result = await db.transaction().execute(async (trx) => {
    const existing = await keys.findById(trx, id)
    if (!existing || !canSeeForce(principal, existing.force_code)) throw notFound(`No API key ${id}.`)
    if (existing.revoked_at !== null) throw conflict('This key is revoked: create a new one instead.')
    let expiresAt = existing.expires_at
    if (input.expiresAt !== undefined) expiresAt = futureExpiry(input.expiresAt, now)
    else if (expiresAt !== null && expiresAt <= now) {
      throw invalidField('body', 'expiresAt', `is required: this key expired at ${expiresAt.toISOString()}; give a new expiry, or null for none`)
    }
    await keepAWorkingAdmin(trx, existing, { revoked: false, expiresAt }, now)
    // Whoever rotates a key sees its new secret; a key rotating itself tells nobody new.
    const seenBy = principal.keyId === id ? existing.secret_seen_by : principal.keyId
    const rotated = await keys.replaceSecret(trx, id, { keyHash: hashKey(secret), keyPrefix: displayPrefix(secret), expiresAt, seenBy })
    if (!rotated) throw conflict('This key was revoked meanwhile: create a new one instead.')
    const view = toView(rotated)
    await recordAudit(trx, actor, {
      entityType: 'api_key',
      entityId: id,
      action: 'rotate',
      force: rotated.force_code,
      before: toView(existing),
      after: view
    })
    return { view, secret }
  })
  forgetPrincipals(db)
  return result
}

export async function listKeys(
  db: Db,
  principal: Principal,
  query: { force?: string; includeRevoked?: boolean; limit: number; cursor?: string }
): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
  let force: string | null | undefined = query.force
  if (!isNational(principal)) {
    if (force !== undefined && force !== principal.force) {
      throw forbidden(`This key sees keys of force ${principal.force} only.`)
    }
    force = principal.force
  }
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['date', 'uuid'])
  const rows = await keys.list(db, {
    force,
    includeRevoked: query.includeRevoked ?? false,
    after: after && { createdAt: after[0], id: after[1] },
    limit: query.limit + 1
  })
  return toPage(rows, query.limit, toView, (row) => [row.created_at, row.id])
}

/**
 * First start: with no key at all, adopt ADMIN_API_KEY as the first national admin key, or make
 * one up and hand it back so the caller can show it once. Serialised by an advisory lock so two
 * instances starting together create one key, not two.
 */
export async function ensureFirstAdminKey(db: Db, adminApiKey: string | null): Promise<{ created: boolean; secret: string | null }> {
  return db.transaction().execute(async (trx) => {
    await advisoryXactLock(trx, LOCKS.firstAdminKey)
    if ((await keys.countAll(trx)) > 0) return { created: false, secret: null }
    const secret = adminApiKey ?? generateSecret()
    const row = await keys.insert(trx, {
      name: 'first admin',
      role: 'admin',
      force: null,
      keyHash: hashKey(secret),
      keyPrefix: displayPrefix(secret),
      createdBy: null
    })
    await recordAudit(trx, { keyId: null, requestId: null }, {
      entityType: 'api_key',
      entityId: row.id,
      action: 'create',
      force: null,
      after: toView(row)
    })
    return { created: true, secret: adminApiKey === null ? secret : null }
  })
}
