/** True when PostgreSQL refused a write for breaking the named unique constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string }
  // pg reports the constraint name as a field; PGlite only in the message.
  return e?.code === '23505' && (e.constraint === constraint || (e.message ?? '').includes(`"${constraint}"`))
}
