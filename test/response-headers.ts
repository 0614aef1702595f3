import type { LightMyRequestResponse } from 'fastify'
import { ROUTE_HEADERS as ROUTE_HEADER_NAMES } from '../src/schemas/http.ts'
import { DOCUMENT, type Schema, resolve } from './contract-document.ts'

/**
 * Every response the tests receive is held to the headers the contract declares for its operation
 * and status: a route that sets one of the headers routes set themselves (RouteHeader in
 * src/schemas/http.ts) without declaring it, or declares a required one and does not send it, fails
 * the test that made the request, and so does a value its schema does not allow. So the contract's
 * headers stay what the service really sends.
 */

/** The headers routes set, as Node's HTTP layer gives their names. */
const ROUTE_HEADERS = ROUTE_HEADER_NAMES.map((name) => name.toLowerCase())
/** On every response, whatever the route. */
const ALWAYS = ['x-request-id']

interface Route {
  method: string
  path: string
  pattern: RegExp
  responses: Record<string, Schema>
}

let table: Route[] | undefined

/** The contract's operations, those with fewer path parameters first so that literal segments win. */
function routes(): Route[] {
  if (table) return table
  table = []
  for (const [path, item] of Object.entries(DOCUMENT.paths as Record<string, Schema>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op?.responses) continue
      const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`)
      table.push({ method: method.toUpperCase(), path, pattern, responses: op.responses })
    }
  }
  table.sort((a, b) => a.path.split('{').length - b.path.split('{').length)
  return table
}

/** What is wrong with a response's headers by the contract, or null; null too for what the contract does not cover. */
export function headerMismatch(method: string, url: string, response: Pick<LightMyRequestResponse, 'statusCode' | 'headers'>): string | null {
  const path = url.split('?')[0]!
  const route = routes().find((r) => r.method === method.toUpperCase() && r.pattern.test(path))
  if (!route) return null
  const documented = route.responses[String(response.statusCode)]
  if (!documented) return null
  const declared = new Map(Object.entries((resolve(documented).headers ?? {}) as Record<string, Schema>).map(([name, header]) => [name.toLowerCase(), resolve(header)]))
  const problems: string[] = []
  for (const name of [...ROUTE_HEADERS, ...ALWAYS]) {
    const sent = response.headers[name] !== undefined
    const header = declared.get(name)
    if (sent && !header) problems.push(`sends ${name} but the contract does not declare it`)
    if (!sent && header?.required === true) problems.push(`declares ${name} required but does not send it`)
    if (sent && header) {
      const value = String(response.headers[name])
      const schema = header.schema as Schema
      const fits =
        (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value)) &&
        (schema.enum === undefined || schema.enum.includes(value)) &&
        (schema.maxLength === undefined || value.length <= schema.maxLength)
      if (!fits) problems.push(`sends ${name}: ${value.slice(0, 100)}, which its schema in the contract does not allow`)
    }
  }
  return problems.length === 0 ? null : `${method.toUpperCase()} ${route.path} ${response.statusCode}: ${problems.join('; ')}`
}
