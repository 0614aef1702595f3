/** True when PostgreSQL refused a write for breaking the named unique constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string }
  // pg reports the constraint name as a field; PGlite only in the message.
  return e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(`"${constraint}"`))
}

/** PostgreSQL SQLSTATEs and driver codes that mean "the database is not there for us right now". */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '28000', // invalid_authorization_specification
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database in DATABASE_URL does not exist
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE'
])
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'connection is closed',
  'Cannot use a pool after calling end'
]

/** True when an error says the database cannot be reached (the service answers 503, the CLI exits 69). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null
  if (typeof e?.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true
  return UNAVAILABLE_MESSAGES.some((m) => e?.message?.includes(m))
}
