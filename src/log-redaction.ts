import type { FastifyRequest } from 'fastify'

/**
 * What keeps secrets out of the log, whatever carries them there: query parameters are censored by
 * name, and any of our key or webhook secrets is cut to what the key list shows anyway, wherever it
 * appears in a line (a query value of any name, a path, an error message).
 */

export const REDACTED = '[redacted]'

/** A query parameter whose name holds one of these (case, `-` and `_` aside) is censored whatever its value. */
export const SECRET_PARAMETER_WORDS = ['key', 'token', 'secret', 'auth', 'passw', 'pwd', 'credential', 'session', 'cookie', 'bearer', 'signature', 'jwt'] as const

/** Our secrets, also percent-encoded (`_` as %5F): API keys keep their display prefix, webhook secrets nothing. */
const API_KEY = /prk(?:_|%5[fF])([A-Za-z0-9_-]{6})(?:[A-Za-z0-9_-]|%[0-9A-Fa-f]{2})+/g
const WEBHOOK_SECRET = /whsec(?:_|%5[fF])(?:[A-Za-z0-9+/=_-]|%[0-9A-Fa-f]{2})+/g
const OUR_SECRET = /prk(?:_|%5f)|whsec(?:_|%5f)/i

/** Cuts every API key to its display prefix and removes every webhook secret, in any text. */
export function scrubSecrets(text: string): string {
  return text.replace(API_KEY, (_, prefix: string) => `prk_${prefix}${REDACTED}`).replace(WEBHOOK_SECRET, `whsec_${REDACTED}`)
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

function secretName(name: string): boolean {
  const plain = decoded(name).toLowerCase().replace(/[^a-z0-9]/g, '')
  return SECRET_PARAMETER_WORDS.some((word) => plain.includes(word))
}

/** A request target fit for the log: parameters named like a secret, or holding one of ours, censored. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?')
  if (mark === -1) return scrubSecrets(url)
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      const name = equals === -1 ? pair : pair.slice(0, equals)
      const value = equals === -1 ? '' : pair.slice(equals + 1)
      if (equals === -1) return secretName(name) || OUR_SECRET.test(decoded(name)) ? REDACTED : pair
      return secretName(name) || OUR_SECRET.test(decoded(value)) ? `${name}=${REDACTED}` : pair
    })
    .join('&')
  return `${scrubSecrets(url.slice(0, mark))}?${query}`
}

/** Fastify's request serializer, with the target redacted (and tolerant of a plain object logged as `req`). */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: typeof request.url === 'string' ? redactUrl(request.url) : undefined,
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}
