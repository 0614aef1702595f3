/**
 * What a chosen admin key (ADMIN_API_KEY) must be: long, and random-looking, since it is the first
 * national admin key and nothing limits who may try it. Generated keys (`prk_` and 43 base64url
 * characters), `openssl rand -base64 32` and `openssl rand -hex 16` all pass; words, keyboard runs
 * and repeats do not.
 */
export const ADMIN_KEY_RULES = {
  minLength: 32,
  /** Length times the Shannon entropy of the key's own character frequencies: a floor, not a measure of real randomness. */
  minEntropyBits: 88,
  /** No run of this many characters may appear twice. */
  repeatedRun: 8,
  /** The share of neighbouring characters that may be equal or one apart (aa, ab, 21) at most. */
  maxSteppingShare: 0.6
} as const

export function entropyBits(text: string): number {
  const counts = new Map<string, number>()
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1)
  let perChar = 0
  for (const count of counts.values()) {
    const p = count / text.length
    perChar -= p * Math.log2(p)
  }
  return perChar * text.length
}

function hasRepeatedRun(text: string, length: number): boolean {
  const seen = new Set<string>()
  for (let i = 0; i + length <= text.length; i++) {
    const run = text.slice(i, i + length)
    if (seen.has(run)) return true
    seen.add(run)
  }
  return false
}

function steppingShare(text: string): number {
  let stepping = 0
  for (let i = 1; i < text.length; i++) if (Math.abs(text.charCodeAt(i) - text.charCodeAt(i - 1)) <= 1) stepping++
  return text.length > 1 ? stepping / (text.length - 1) : 1
}

/** Why the key is not acceptable as an admin key, or null when it is. */
export function adminKeyWeakness(key: string): string | null {
  const rules = ADMIN_KEY_RULES
  if (key.length < rules.minLength) return `must be at least ${rules.minLength} characters long`
  if (!/^[\x21-\x7e]+$/.test(key)) return 'must be printable ASCII without spaces'
  const bits = Math.floor(entropyBits(key))
  if (bits < rules.minEntropyBits) {
    return `is not random enough: its characters carry about ${bits} bits, at least ${rules.minEntropyBits} are needed (use a generated key, or openssl rand -base64 32)`
  }
  if (hasRepeatedRun(key, rules.repeatedRun)) return `is not random enough: a run of ${rules.repeatedRun} characters appears twice in it (use a generated key, or openssl rand -base64 32)`
  if (steppingShare(key) > rules.maxSteppingShare) {
    return 'is not random enough: most neighbouring characters are equal or in sequence (use a generated key, or openssl rand -base64 32)'
  }
  return null
}
