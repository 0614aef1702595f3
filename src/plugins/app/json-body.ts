import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { invalidField } from '../../problems.ts'
import { MAX_JSON_DEPTH } from '../../schemas/limits.ts'

/** How deep the arrays and objects of a JSON text nest, counted without parsing it; stops counting once past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i++
      else if (code === 0x22) inString = false
    } else if (code === 0x22) {
      inString = true
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest
    } else if (code === 0x5d || code === 0x7d) {
      depth--
    }
  }
  return deepest
}

/**
 * JSON bodies are parsed as Fastify parses them, once they are known to nest no deeper than
 * MAX_JSON_DEPTH: the validator, the check for unstorable text and the import all walk a body
 * recursively, and a body nested a hundred thousand levels deep would overflow the stack (a 500).
 */
export default fp(
  async function jsonBody(app: FastifyInstance) {
    const parse = app.getDefaultJsonParser('error', 'error')
    app.removeContentTypeParser('application/json')
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8')
      if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        done(invalidField('body', '', `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined)
        return
      }
      parse(request, text, done)
    })
  },
  { name: 'json-body' }
)
