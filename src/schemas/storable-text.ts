/**
 * PostgreSQL cannot store U+0000 in text, and an unpaired UTF-16 surrogate has no UTF-8 form (the
 * driver would quietly store U+FFFD instead). Either in any input is refused as a validation error
 * naming the field, rather than failing in the database or changing what was sent.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export const UNSTORABLE_MESSAGE = 'must not contain NUL (U+0000) or unpaired surrogate characters'

/** The JSON pointer of the first string (or object key) that cannot be stored, or null. */
export function unstorableText(value: unknown): string | null {
  const path = unstorablePath(value)
  return path === null ? null : path.map((step) => `/${String(step).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

/**
 * The steps down to the first unstorable string, innermost last, or null. Every input passes
 * through here, and nearly all of it is fine: nothing is built on the way down, only on the way
 * back from a find.
 */
function unstorablePath(value: unknown): Array<string | number> | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? [] : null
  if (value === null || typeof value !== 'object') return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i])
      if (found !== null) return [i, ...found]
    }
    return null
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (UNSTORABLE.test(key)) return [key]
    const found = unstorablePath((value as Record<string, unknown>)[key])
    if (found !== null) return [key, ...found]
  }
  return null
}
