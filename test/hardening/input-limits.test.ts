import pino from 'pino'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { type ConfigError, loadConfig } from '../../src/config.ts'
import { prepareDatabase } from '../../src/prepare.ts'
import { PROBLEM_LIMITS } from '../../src/schemas/common.ts'
import { componentSchemas } from '../../src/schemas/components.ts'
import { MAX_ITEMS } from '../../src/schemas/limits.ts'
import { HANDLER_VALIDATES, type ValidatorSource } from '../../src/schemas/validation.ts'
import { securitySettings, serverOptions } from '../../src/server-options.ts'
import { buildTestApp, openTestDatabase, testConfig } from '../helper.ts'

const { app, request } = await buildTestApp(t, { urlLimitBytes: 1024 })

type Schema = Record<string, unknown>
const components = new Map<string, Schema>(componentSchemas.map((s) => [String((s as Schema).$id), s as Schema]))

/** Every object schema inside `schema` that does not refuse unknown properties, by JSON path. */
function looseObjects(schema: unknown, path: string, resolve: (ref: string) => Schema | undefined, seen = new Set<unknown>()): string[] {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return []
  seen.add(schema)
  const node = schema as Schema
  const found: string[] = []
  if (typeof node.$ref === 'string') {
    const target = resolve(node.$ref)
    if (target === undefined) return [`${path}: unresolved ${node.$ref}`]
    return looseObjects(target, `${path}→${node.$ref}`, resolve, seen)
  }
  const isObject = node.type === 'object' || (node.properties !== undefined && node.type === undefined)
  if (isObject && node.additionalProperties !== false) found.push(path || '(root)')
  for (const [key, value] of Object.entries(node)) {
    if (key === 'examples' || key === 'default' || key === 'const' || key === 'enum') continue
    if (Array.isArray(value)) value.forEach((item, i) => found.push(...looseObjects(item, `${path}.${key}[${i}]`, resolve, seen)))
    else if (typeof value === 'object') found.push(...looseObjects(value, `${path}.${key}`, resolve, seen))
  }
  return found
}

t.test('every input schema of every route refuses unknown fields (additionalProperties: false)', async (t) => {
  const config = testConfig()
  const database = await openTestDatabase(t, config)
  await prepareDatabase(database, config, pino({ level: 'silent' }))
  const validators: ValidatorSource[] = []
  const handlerValidated: string[] = []
  const built = await buildApp({
    server: serverOptions(config),
    database,
    security: securitySettings(config),
    onDeferredCompile: (_build, validator) => {
      if (validator) validators.push(validator)
    }
  })
  t.teardown(() => built.close())

  const resolveComponent = (ref: string) => components.get(ref.replace(/#$/, ''))
  const parts = new Set(validators.map((v) => v.httpPart))
  t.ok(parts.has('body') && parts.has('querystring') && parts.has('params'), `bodies, query strings and path parameters are all seen (${[...parts].join(', ')})`)
  const loose: string[] = []
  for (const { method, url, httpPart, schema } of validators) {
    // Clients and proxies send headers of their own: a header schema lists what we read, no more.
    if (httpPart === 'headers') continue
    for (const where of looseObjects(schema, '', resolveComponent)) loose.push(`${method} ${url} ${httpPart}${where}`)
  }
  t.same(loose, [], 'no body, query string or path parameter object accepts unknown fields')

  // The contract says the same of every request body, the ones a handler validates itself included.
  const document = built.swagger() as unknown as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>; components: { schemas: Record<string, Schema> } }
  const resolveDocument = (ref: string) => document.components.schemas[ref.replace('#/components/schemas/', '')]
  const looseBodies: string[] = []
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const [mediaType, { schema }] of Object.entries(operation.requestBody?.content ?? {})) {
        if ((schema as Schema)[HANDLER_VALIDATES] === true) handlerValidated.push(`${method.toUpperCase()} ${path}`)
        if (mediaType !== 'application/json') continue
        for (const where of looseObjects(schema, '', resolveDocument)) looseBodies.push(`${method.toUpperCase()} ${path} ${mediaType}${where}`)
      }
    }
  }
  t.same(looseBodies, [], 'no JSON request body in the contract accepts unknown fields')
  t.comment(`bodies validated by their handler: ${handlerValidated.join(', ') || 'none'}`)
})

t.test('an unknown query parameter is refused by name', async (t) => {
  const response = await request({ method: 'GET', url: '/v1/findings?force=cleveland&colour=blue' })
  t.equal(response.statusCode, 400)
  t.match(response.json().errors, [{ in: 'query', field: 'colour', message: 'is not a known field' }])
})

t.test('every limit parameter is bounded, and a limit over its bound is refused', async (t) => {
  const document = app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema: Schema }> }>> }
  const limits: string[] = []
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in !== 'query' || parameter.name !== 'limit') continue
        limits.push(`${method.toUpperCase()} ${path}`)
        const { maximum, minimum, type } = parameter.schema
        t.equal(type, 'integer', `${method.toUpperCase()} ${path}: limit is an integer`)
        t.ok(typeof maximum === 'number' && maximum <= 1000, `${method.toUpperCase()} ${path}: limit has a maximum of at most 1000 (${String(maximum)})`)
        t.equal(minimum, 1, `${method.toUpperCase()} ${path}: limit is at least 1`)
      }
    }
  }
  t.ok(limits.length >= 10, `the lists have limits (${limits.length})`)
  for (const url of ['/v1/findings?limit=100000', '/v1/events?limit=1001', '/v1/api-keys?limit=0', '/v1/forces?limit=-1']) {
    const response = await request({ method: 'GET', url })
    t.equal(response.statusCode, 400, url)
    t.match(response.json().errors, [{ in: 'query', field: 'limit' }], `${url} names limit`)
  }
})

t.test('a request target over URL_LIMIT_BYTES is refused with a 414 problem, before any key is checked', async (t) => {
  const base = '/v1/findings?force=cleveland&q='
  const fits = `${base}${'a'.repeat(1024 - base.length)}`
  const over = `${fits}a`
  const atLimit = await request({ method: 'GET', url: fits })
  t.not(atLimit.statusCode, 414, 'a target of exactly the limit passes')
  for (const key of [undefined, null]) {
    const response = await request({ method: 'GET', url: over, key })
    t.equal(response.statusCode, 414)
    t.match(response.headers['content-type'], /^application\/problem\+json/)
    t.match(response.json(), {
      type: '/problems/uri-too-long',
      title: 'URI too long',
      status: 414,
      detail: 'The path and query string are 1025 bytes long; at most 1024 are accepted. Narrow the query.'
    })
  }
  const unknownRoute = await request({ method: 'GET', url: `/nowhere?${'x'.repeat(2000)}`, key: null })
  t.equal(unknownRoute.statusCode, 414, 'on unknown routes too')
})

t.test('the body limit still holds: 413 problem', async (t) => {
  const response = await request({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'x'.repeat(2_000_000), role: 'viewer', force: null })
  })
  t.equal(response.statusCode, 413)
  t.equal(response.json().type, '/problems/body-too-large')
})

t.test('URL_LIMIT_BYTES: 4096 by default, bounded', async (t) => {
  t.equal(loadConfig({}).urlLimitBytes, 4096)
  t.equal(loadConfig({ URL_LIMIT_BYTES: '8192' }).urlLimitBytes, 8192)
  const error = t.throws(() => loadConfig({ URL_LIMIT_BYTES: '100' })) as ConfigError
  t.match(error.problems, ['URL_LIMIT_BYTES must be between 256 and 65536, got 100'])
})


t.test('a problem quotes what was sent, never echoes it whole: the first 500 fields, each cut short', async (t) => {
  const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`unknown-${i}-${'x'.repeat(40)}`, 1]))
  const many = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'k', role: 'viewer', force: null, ...fields } })
  t.equal(many.statusCode, 400)
  const body = many.json()
  t.equal(body.errors.length, MAX_ITEMS.problems, 'the first 500 offending fields')
  t.ok(body.detail.length <= PROBLEM_LIMITS.detail && body.detail.endsWith('…'), `the detail is cut at ${PROBLEM_LIMITS.detail} characters`)

  const long = await request({ method: 'POST', url: '/v1/api-keys', payload: { name: 'k', role: 'viewer', force: null, ['y'.repeat(2000)]: 1 } })
  t.equal(long.statusCode, 400)
  const [error] = long.json().errors
  t.equal(error.field.length, PROBLEM_LIMITS.field, 'a field name is cut short')
  t.match(error, { in: 'body', field: /^y+…$/, message: 'is not a known field' })
})
