import fc from 'fast-check'
import { unstorableText } from '../../src/schemas/storable-text.ts'
import { type Schema, resolve } from './contract.ts'

/**
 * fast-check arbitraries driven by the contract's JSON Schemas: values the schema accepts, and the
 * ways a value can be wrong. Strings are kept short unless a schema asks for more, so a run spends
 * its time on many requests rather than on a few long ones.
 */

/** Values that exist in the test database, offered alongside random ones so requests reach real rows. */
export interface Known {
  uuids: string[]
  forces: string[]
  frameworks: string[]
}

/** Characters that have broken services before: NUL, lone surrogates, bidi overrides, joiners, astral. */
export const ODD_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  '\u200b\u200d\ufeff',
  'e\u0301\u0301\u0301',
  '\u{1f46e}\u{1f3fd}\u200d\u2640\ufe0f',
  '\u{10ffff}',
  '\r\n\t\u000b\u000c',
  '\u2028\u2029',
  "'; drop table findings; --",
  '<script>alert(1)</script>',
  '=HYPERLINK("x")',
  '../../etc/passwd',
  '%00%ff%2e%2e',
  '\\u0000'
]

/** Any text PostgreSQL can store (NUL and unpaired surrogates are refused by design: see storable-text.ts). */
const text = fc
  .oneof(
    { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_TEXT) }
  )
  .filter((s) => unstorableText(s) === null)

function formatted(format: string, known: Known): fc.Arbitrary<string> | null {
  switch (format) {
    case 'uuid':
      return known.uuids.length > 0 ? fc.oneof(fc.uuid(), fc.constantFrom(...known.uuids)) : fc.uuid()
    case 'date':
      return fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
    case 'date-time':
      return fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString())
    case 'uri':
    case 'url':
      return fc.webUrl({ withQueryParameters: true })
    case 'email':
      return fc.emailAddress()
    case 'binary':
      return fc.string({ maxLength: 64 })
    default:
      return null
  }
}

function withinLength(arbitrary: fc.Arbitrary<string>, schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? Infinity
  return arbitrary.filter((s) => s.length >= min && s.length <= max)
}

function stringOf(schema: Schema, name: string | undefined, known: Known): fc.Arbitrary<string> {
  const format = schema.format ? formatted(schema.format, known) : null
  if (format) return format
  if (schema.pattern) {
    const matching = withinLength(fc.stringMatching(new RegExp(schema.pattern)), schema)
    if (name === 'force' && known.forces.length > 0) return fc.oneof(fc.constantFrom(...known.forces), matching)
    if (/^peel-/.test(String(schema.examples?.[0] ?? '')) || name === 'framework') {
      return known.frameworks.length > 0 ? fc.oneof(fc.constantFrom(...known.frameworks), matching) : matching
    }
    return matching
  }
  const min = schema.minLength ?? 0
  const max = Math.min(schema.maxLength ?? 64, Math.max(min, 64))
  if (min > 24) return fc.string({ minLength: min, maxLength: max })
  return withinLength(text, { minLength: min, maxLength: max })
}

function numberOf(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : schema.minimum
  const max = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : schema.maximum
  if (integer) return fc.integer({ min: min ?? -1_000_000, max: max ?? 1_000_000 })
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true, noDefaultInfinity: true })
}

function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type
  if (typeof schema.type === 'string') return [schema.type]
  if (schema.properties) return ['object']
  if (schema.items) return ['array']
  return []
}

/** A value the schema accepts. `name` is the property or parameter it is for, to offer known values. */
export function valid(input: Schema, known: Known, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input)
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum)
  const union = schema.anyOf ?? schema.oneOf
  if (Array.isArray(union)) return fc.oneof(...union.map((branch: Schema) => valid(branch, known, name, depth + 1)))
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema
    return valid(Object.assign({}, ...allOf.map((s: Schema) => resolve(s)), rest), known, name, depth + 1)
  }
  const types = typesOf(schema)
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 })
  return fc.oneof(...types.map((type) => ofType(type, schema, known, name, depth)))
}

function ofType(type: string, schema: Schema, known: Known, name: string | undefined, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringOf(schema, name, known)
    case 'integer':
      return numberOf(schema, true)
    case 'number':
      return numberOf(schema, false)
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      const items = valid(schema.items ?? {}, known, name, depth + 1)
      const minLength = schema.minItems ?? 0
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, depth > 1 ? 1 : 3))
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength })
    }
    case 'object':
      return objectOf(schema, known, depth)
    default:
      return fc.constant(null)
  }
}

function objectOf(schema: Schema, known: Known, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  const required = (schema.required ?? []) as string[]
  const model = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, valid(value, known, key, depth + 1)]))
  const record = fc.record(model, { requiredKeys: required })
  const minProperties = schema.minProperties ?? 0
  return minProperties > 0 ? record.filter((value) => Object.keys(value).length >= minProperties) : record
}

/** A value of some JSON type the schema does not allow, or null when the schema allows every type. */
export function wrongType(input: Schema): fc.Arbitrary<unknown> | null {
  const schema = resolve(input)
  const allowed = new Set<string>()
  const collect = (s: Schema) => {
    const r = resolve(s)
    for (const branch of r.anyOf ?? r.oneOf ?? []) collect(branch)
    for (const branch of r.allOf ?? []) collect(branch)
    if (Array.isArray(r.enum)) for (const v of r.enum) allowed.add(v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v)
    if (r.const !== undefined) allowed.add(r.const === null ? 'null' : typeof r.const)
    for (const t of typesOf(r)) allowed.add(t === 'integer' ? 'number' : t)
  }
  collect(schema)
  if (allowed.size === 0) return null
  const candidates: fc.Arbitrary<unknown>[] = []
  if (!allowed.has('string')) candidates.push(fc.string({ maxLength: 8 }))
  if (!allowed.has('number')) candidates.push(fc.integer(), fc.constant(1.5))
  if (!allowed.has('boolean')) candidates.push(fc.boolean())
  if (!allowed.has('null')) candidates.push(fc.constant(null))
  if (!allowed.has('object')) candidates.push(fc.constant({ unexpected: true }))
  if (!allowed.has('array')) candidates.push(fc.constant([1, 'two']))
  return candidates.length > 0 ? fc.oneof(...candidates) : null
}

/** A URL carries UTF-8, which has no lone surrogates: a client would send U+FFFD for one. */
export const wellFormed = (value: string) => value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')

/**
 * Strings that cannot be a given path parameter's value, or that test how paths are parsed. (A bare
 * `..` is not here: clients resolve it before sending, so the service sees another, valid, path.)
 */
export const BAD_PATH_VALUES = [
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  '%00',
  '%ZZ',
  '%2e%2e%2f%2e%2e',
  '%2F',
  '%20',
  '%F0%9F%91%AE',
  '%C0%AF',
  "1'%20or%20'1'='1",
  'a'.repeat(300),
  '-1',
  '1e309',
  'null'
]

/** A cursor as the service writes them: base64url of a JSON array (src/domain/shared/pagination.ts). */
export const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url')

/**
 * Cursors that no list returns and that every list must refuse with a 400 naming `cursor`: each is
 * the wrong shape, or has a value of the wrong kind, for every operation that takes one (a value
 * out of range for the column it is compared with: a transaction id past 2^64, an integer past
 * int4; NUL and lone surrogates, which no text column stores), plus bytes that are not JSON.
 */
export const CRAFTED_CURSORS: readonly string[] = [
  cursorOf([]),
  cursorOf(['x', 'y', 'z', 'w']),
  cursorOf({ a: 1 }),
  cursorOf(null),
  cursorOf('x'),
  cursorOf(1),
  cursorOf(['\u0000']),
  cursorOf(['\u0000', '\u0000']),
  cursorOf(['a\u0000b', '\u0000', '\u0000']),
  cursorOf(['\ud800', '\udfff']),
  cursorOf(['18446744073709551616', 2147483648]),
  cursorOf(['99999999999999999999', 1.5]),
  cursorOf([2147483648]),
  cursorOf(['2020-01-01T00:00:00Z', 1.5]),
  Buffer.from('[1e400]').toString('base64url'),
  Buffer.from('["x", 1e400]').toString('base64url'),
  Buffer.from([0xff, 0xfe, 0x00, 0x5b, 0x22]).toString('base64url'),
  'eyJh',
  '!!!',
  'AAAA'
]
