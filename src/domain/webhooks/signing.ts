import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * The Standard Webhooks scheme: a secret `whsec_<base64>`; each delivery carries `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `<id>.<timestamp>.<body>`, keyed with the secret's decoded bytes.
 */
export const SECRET_PREFIX = 'whsec_'

export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64')
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('A webhook secret starts with whsec_')
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
}

export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')
  return `v1,${digest}`
}

export interface SignedHeaders {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

export function signedHeaders(secret: string, id: string, body: string, now = new Date()): SignedHeaders {
  const timestamp = Math.floor(now.getTime() / 1000)
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, id, timestamp, body) }
}

/**
 * What a receiver does: recompute and compare in constant time, accepting any of the space-separated
 * signatures, and refuse timestamps too far from now (replays). Used by our tests and documented
 * for integrators.
 */
export function verify(secret: string, headers: Partial<SignedHeaders>, body: string, now = new Date(), toleranceSeconds = 300): boolean {
  const id = headers['webhook-id']
  const timestamp = Number(headers['webhook-timestamp'])
  const signatures = headers['webhook-signature']
  if (!id || !Number.isInteger(timestamp) || !signatures) return false
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(sign(secret, id, timestamp, body))
  return signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
