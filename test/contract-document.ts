import { readFileSync } from 'node:fs'

/** The committed contract, as a client reads it. */
export type Schema = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const DOCUMENT: Schema = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'))

/** Follows a local `$ref`, once (nested refs are followed where the generators meet them). */
export function resolve(schema: Schema): Schema {
  let current = schema
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref loop at ${schema.$ref}`)
    current = (current.$ref as string)
      .slice(2)
      .split('/')
      .reduce((node: Schema, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], DOCUMENT)
  }
  return current
}
