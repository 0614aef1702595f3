import type { ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { DOCUMENT, type Schema, resolve } from '../contract-document.ts'

export { DOCUMENT, type Schema, resolve }

/**
 * The committed contract, read as a client would read it: every operation with its parameters,
 * request bodies and documented responses, and validators for the documented response bodies.
 */


export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required: boolean
  schema: Schema
}

export interface Operation {
  id: string
  method: string
  path: string
  parameters: Parameter[]
  /** Request body schemas by media type. */
  bodies: Record<string, Schema>
  bodyRequired: boolean
  secured: boolean
  /** The roles that may call it (`x-roles`), when it is secured. */
  roles: string[]
  /** Documented statuses, each with its media types. */
  responses: Map<number, string[]>
}


const METHODS = ['get', 'post', 'put', 'patch', 'delete']

export function operations(): Operation[] {
  const list: Operation[] = []
  for (const [path, item] of Object.entries(DOCUMENT.paths as Record<string, Schema>)) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => resolve(p)) as Parameter[]
      const bodies: Record<string, Schema> = {}
      for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Record<string, Schema>)) bodies[type] = resolve(media.schema)
      const responses = new Map<number, string[]>()
      for (const [status, response] of Object.entries(op.responses as Record<string, Schema>)) {
        responses.set(Number(status), Object.keys(resolve(response).content ?? {}))
      }
      const security = op.security ?? DOCUMENT.security ?? []
      list.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters,
        bodies,
        bodyRequired: op.requestBody?.required === true,
        secured: security.some((s: Schema) => Object.keys(s).length > 0),
        roles: op['x-roles'] ?? [],
        responses
      })
    }
  }
  return list
}

const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)
ajv.addSchema(DOCUMENT, 'openapi.json')
const validators = new Map<Schema, ValidateFunction>()

/** A validator for a documented response schema, with its refs pointing into the document. */
export function responseValidator(operation: Operation, status: number, mediaType: string): ValidateFunction | null {
  const op = DOCUMENT.paths[operation.path][operation.method.toLowerCase()]
  const response = resolve(op.responses[String(status)] ?? {})
  const schema = response.content?.[mediaType]?.schema
  if (!schema) return null
  let validate = validators.get(schema)
  if (!validate) {
    validate = ajv.compile(rebase(schema) as Schema)
    validators.set(schema, validate)
  }
  return validate
}

/** A copy of a schema whose local refs name the document they live in. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `openapi.json${value}` : rebase(value)])
  )
}
