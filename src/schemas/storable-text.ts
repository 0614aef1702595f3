/**
 * PostgreSQL cannot store U+0000 in text, and an unpaired UTF-16 surrogate has no UTF-8 form (the
 * driver would quietly store U+FFFD instead). Either in any input is refused as a validation error
 * naming the field, rather than failing in the database or changing what was sent.
 */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export const UNSTORABLE_MESSAGE = 'must not contain NUL (U+0000) or unpaired surrogate characters'

/** The JSON pointer of the first string (or object key) that cannot be stored, or null. */
export function unstorableText(value: unknown, pointer = ''): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? pointer : null
  if (value === null || typeof value !== 'object') return null
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableText(value[i], `${pointer}/${i}`)
      if (found !== null) return found
    }
    return null
  }
  for (const [key, item] of Object.entries(value)) {
    const path = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
    if (UNSTORABLE.test(key)) return path
    const found = unstorableText(item, path)
    if (found !== null) return found
  }
  return null
}
