import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyServerOptions } from 'fastify'

type Serialize = (data: unknown) => string
type RouteDefinition = Parameters<ReturnType<ReturnType<typeof SerializerSelector>>>[0]
type Schema = Record<string, unknown>

/**
 * Fastify's own response serializers (fast-json-stringify), built the first time a route answers
 * with a given status rather than when the route is registered. Building all of them up front
 * took seconds of every start (each build re-checks every shared component schema), mostly for
 * error responses a process rarely sends; now the first response per route and status pays a few
 * milliseconds. `onDeferred` receives each deferred build, so a test can run them all and catch a
 * bad schema before a caller does.
 *
 * Each response schema is first rewritten into one that is cheap to serialize (see
 * `forSerialization`); the contract the OpenAPI document shows is unchanged.
 */
export function lazySerializers(onDeferred?: (build: () => void) => void): NonNullable<FastifyServerOptions['schemaController']> {
  return {
    compilersFactory: {
      buildSerializer(externalSchemas: unknown, options: unknown) {
        const shared = Object.fromEntries(Object.entries((externalSchemas ?? {}) as Record<string, Schema>).map(([id, schema]) => [id, forSerialization(schema)]))
        return (route: RouteDefinition) => {
          let serialize: Serialize | undefined
          const compile = () => {
            const schema = forSerialization(route.schema as Schema)
            // Only the shared schemas this response reaches: fast-json-stringify takes in every one
            // it is given on each build, which made even a health check's first answer cost ~50 ms.
            return (serialize ??= SerializerSelector()(reachable(schema, shared), options as never)({ ...route, schema: schema as never }))
          }
          onDeferred?.(() => void compile())
          return (data: unknown) => compile()(data)
        }
      }
    }
  }
}

/** The shared schemas a schema refers to (`{ $ref: 'Id#...' }`), and those they refer to, by id. */
export function reachable(schema: unknown, shared: Record<string, Schema>): Record<string, Schema> {
  const found: Record<string, Schema> = {}
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit)
    if (typeof value !== 'object' || value === null) return
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') {
        const id = item.split('#')[0]!
        if (id && shared[id] && !found[id]) {
          found[id] = shared[id]
          visit(shared[id])
        }
      } else visit(item)
    }
  }
  visit(schema)
  return found
}

/** Keywords that only judge a value; a serializer writes the value whatever they say. */
const JUDGING_ONLY = new Set(['minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'enum', 'const', 'examples'])
const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array'])
const isNull = (schema: unknown) => typeof schema === 'object' && schema !== null && (schema as Schema).type === 'null'

/**
 * The schema a response is serialized by: the contract's schema with each "X or null" (`anyOf` of a
 * typed schema and `{type: null}`, as TypeBox writes it) turned into `type: [X, 'null']`.
 * fast-json-stringify picks an `anyOf` branch by running a full validator on the value, so every
 * nullable field of every row was checked against its pattern, format and length on the way out
 * (a date-time regex per timestamp, a walk of every nullable text); a type list is a `typeof`
 * test. Keywords that only judge a value are dropped from those branches; `format` stays, as it
 * says how a Date is written. Anything else, including `anyOf` over `$ref`s, is left as it is.
 */
export function forSerialization(schema: Schema): Schema {
  const cached = converted.get(schema)
  if (cached) return cached
  const result = convert(schema) as Schema
  converted.set(schema, result)
  return result
}
const converted = new WeakMap<Schema, Schema>()

function convert(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(convert)
  if (typeof value !== 'object' || value === null) return value
  const schema = value as Schema
  const siblings = () => Object.fromEntries(Object.entries(schema).filter(([key]) => key !== 'anyOf'))
  const nullableOf = nullableBranch(schema)
  if (nullableOf) {
    const kept = Object.fromEntries(Object.entries(convert(nullableOf) as Schema).filter(([key]) => !JUDGING_ONLY.has(key)))
    return { ...siblings(), ...kept, type: [typeOf(nullableOf), 'null'] }
  }
  // A choice of fixed words (a union of string literals, perhaps or null) is written as a string.
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0 && schema.anyOf.every((branch) => isNull(branch) || isWords(branch))) {
    return { ...siblings(), type: schema.anyOf.some(isNull) ? ['string', 'null'] : 'string' }
  }
  return Object.fromEntries(Object.entries(schema).map(([key, item]) => [key, convert(item)]))
}

/** The non-null branch of an `anyOf: [X, {type: null}]` whose X has one plain type (or is a string enum). */
function nullableBranch(schema: Schema): Schema | null {
  const branches = schema.anyOf
  if (!Array.isArray(branches) || branches.length !== 2) return null
  const other = branches.find((branch) => !isNull(branch)) as Schema | undefined
  if (!other || !branches.some(isNull) || typeof other !== 'object') return null
  return typeOf(other) ? other : null
}

function typeOf(schema: Schema): string | null {
  if (typeof schema.type === 'string') return SCALAR_TYPES.has(schema.type) ? schema.type : null
  if (isWords(schema)) return 'string'
  return null
}

/** A schema that allows only certain strings: a string `const`, or an `enum` of strings. */
function isWords(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false
  const { type, const: only, enum: words } = schema as Schema
  if (type !== undefined && type !== 'string') return false
  return typeof only === 'string' || (Array.isArray(words) && words.length > 0 && words.every((word) => typeof word === 'string'))
}
