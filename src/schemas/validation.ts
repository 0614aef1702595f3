import type { FastifySchemaCompiler } from 'fastify'
import fastUri from 'fast-uri'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { TSchema } from 'typebox'

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
    addUsedSchema: false
  })
  addFormats.default(ajv)
  for (const schema of shared) ajv.addSchema(schema)
  return ajv
}

/**
 * Two validators: query strings, path parameters and headers arrive as text and are coerced to the
 * types their schemas say; a JSON body is taken as sent, so `42` is not a string and `""` is not null.
 */
export function validatorCompiler(shared: TSchema[]): FastifySchemaCompiler<TSchema> {
  const strict = makeAjv(false, shared)
  const coercing = makeAjv('array', shared)
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema)
}
