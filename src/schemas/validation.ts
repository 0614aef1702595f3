import type { FastifySchemaCompiler } from 'fastify'
import type { FastifyValidationResult } from 'fastify/types/schema.js'
import fastUri from 'fast-uri'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { TSchema } from 'typebox'
import { UNSTORABLE_MESSAGE, unstorableText } from './storable-text.ts'

function makeAjv(coerceTypes: false | 'array', shared: TSchema[]): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    // Unknown fields are refused by name rather than dropped in silence.
    removeAdditional: false,
    // Every offending field is listed; bodies are size-limited and arrays bounded, so this stays cheap.
    allErrors: true,
    strict: false,
    uriResolver: fastUri,
    addUsedSchema: false,
    // Not checked against the meta-schema on every start (some 50 ms): test/routes/deferred-schemas checks them all.
    validateSchema: false
  })
  addFormats.default(ajv)
  for (const schema of shared) ajv.addSchema(schema)
  return ajv
}

/**
 * Marks a body schema that documents the contract but is checked by the handler itself, e.g. an
 * import, which reports every problem by row and column instead of failing at the first.
 */
export const HANDLER_VALIDATES = 'x-validated-by-handler'

/** What a deferred validator build checks: a test walks these to hold every input schema to the rules. */
export interface ValidatorSource {
  method: string
  url: string
  httpPart: string
  schema: TSchema
}

export type OnDeferredCompile = (build: () => void, validator?: ValidatorSource) => void

/**
 * Two validators: query strings, path parameters and headers arrive as text and are coerced to the
 * types their schemas say; a JSON body is taken as sent, so `42` is not a string and `""` is not null.
 */
export function validatorCompiler(shared: TSchema[], onDeferred?: OnDeferredCompile): FastifySchemaCompiler<TSchema> {
  const strict = makeAjv(false, shared)
  const coercing = makeAjv('array', shared)
  return ({ schema, httpPart, method, url }) => {
    if (httpPart === 'body' && (schema as Record<string, unknown>)[HANDLER_VALIDATES] === true) return storableOnly(() => true)
    const source = { method, url, httpPart: httpPart ?? '', schema }
    return storableOnly(
      compiledOnFirstUse(
        () => (httpPart === 'body' ? strict : coercing).compile(schema) as FastifyValidationResult,
        onDeferred && ((build) => onDeferred(build, source))
      )
    )
  }
}

/** A validator that, once the schema is satisfied, also refuses text PostgreSQL cannot store. */
function storableOnly(check: FastifyValidationResult): FastifyValidationResult {
  const validate: FastifyValidationResult = (data) => {
    if (!check(data)) {
      validate.errors = check.errors
      return false
    }
    const pointer = unstorableText(data)
    validate.errors = pointer === null ? null : [{ keyword: 'text', instancePath: pointer, schemaPath: '#', params: {}, message: UNSTORABLE_MESSAGE }]
    return pointer === null
  }
  return validate
}


/**
 * A validator compiled when first called, not when the route is registered: a hundred routes'
 * schemas compiled up front cost a second of every start, most of them for routes a given
 * process may never serve. Fastify reads `errors` off the function after a failed check.
 */
export function compiledOnFirstUse(compile: () => FastifyValidationResult, onDeferred?: (build: () => void) => void): FastifyValidationResult {
  let compiled: FastifyValidationResult | undefined
  onDeferred?.(() => void (compiled ??= compile()))
  const validate: FastifyValidationResult = (data) => {
    compiled ??= compile()
    const result = compiled(data)
    validate.errors = compiled.errors
    return result
  }
  return validate
}
