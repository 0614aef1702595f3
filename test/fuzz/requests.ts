import fc from 'fast-check'
import { type HostileFile, hostileFiles } from '../exchange/hostile-files.ts'
import { XLSX, multipart } from '../exchange/multipart.ts'
import { type Operation, type Parameter, type Schema, resolve } from './contract.ts'
import { BAD_PATH_VALUES, CRAFTED_CURSORS, type Known, ODD_TEXT, valid, wellFormed, wrongType } from './generators.ts'

/**
 * One generated request for one operation: valid, or broken in one named way, with what the
 * service must answer to a request broken that way.
 */
export interface FuzzRequest {
  /** 'valid', or the way it was broken. */
  kind: string
  /** Path parameter values by name (filled into the path by the sender). */
  params: Record<string, string>
  query: [string, string][]
  headers: Record<string, string>
  payload?: string | Buffer
  /** Send the resource's current ETag as If-Match (looked up just before sending). */
  currentEtag?: boolean
  /** The statuses a request broken this way may get; any 4xx when absent. */
  statuses?: number[]
  /** A 400 must name this field. */
  names?: { in: string; field: string }
  /** Broken in a way that may still be acceptable (odd but legal text): only the invariants apply. */
  anyStatus?: boolean
}

export interface RequestContext {
  known: Known
  /** Real path parameter values for this operation's path, from the test data. */
  pathValues: Record<string, string>[]
  authorization: string
  /** A viewer's key, for operations a viewer may not call. */
  viewerAuthorization: string
  /** The body limit of the service's ordinary routes. */
  bodyLimit: number
}

const JSON_TYPE = 'application/json'
const headerSafe = (value: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(value)

function serialiseQuery(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(serialiseQuery)
  return [typeof value === 'string' ? value : JSON.stringify(value)]
}

function pathArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<Record<string, string>> {
  const pathParameters = op.parameters.filter((p) => p.in === 'path')
  const random = fc.record(
    Object.fromEntries(pathParameters.map((p) => [p.name, valid(p.schema, context.known, p.name).map((v) => encodeURIComponent(wellFormed(String(v))))]))
  ) as fc.Arbitrary<Record<string, string>>
  if (context.pathValues.length === 0) return random
  const real = context.pathValues.map((values) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)])))
  return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: random })
}

function queryArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<[string, string][]> {
  const queryParameters = op.parameters.filter((p) => p.in === 'query')
  const entries = queryParameters.map((p) => {
    const value = valid(p.schema, context.known, p.name)
    const chosen = p.required ? value : fc.option(value, { freq: 2, nil: undefined })
    return chosen.map((v) => (v === undefined ? [] : serialiseQuery(v).map((s) => [p.name, s] as [string, string])))
  })
  return fc.tuple(...entries).map((lists) => lists.flat())
}

function headerArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<{ headers: Record<string, string>; currentEtag: boolean }> {
  const headerParameters = op.parameters.filter((p) => p.in === 'header')
  const values = headerParameters.map((p) => {
    if (p.name === 'if-match') {
      return fc.oneof(
        { weight: 3, arbitrary: fc.constant({ current: true }) },
        { weight: 1, arbitrary: fc.oneof(fc.nat(50).map((n) => `"${n}"`), fc.constant('*'), fc.string({ maxLength: 10 })).map((v) => ({ value: v })) }
      )
    }
    const value = valid(p.schema, context.known, p.name).map((v) => String(v)).filter(headerSafe)
    return (p.required ? value : fc.option(value, { nil: undefined })).map((v) => (v === undefined ? {} : { value: v }))
  })
  return fc.tuple(...values).map((chosen) => {
    const headers: Record<string, string> = context.authorization ? { authorization: context.authorization } : {}
    let currentEtag = false
    chosen.forEach((c: { current?: boolean; value?: string }, i) => {
      if (c.current) currentEtag = true
      else if (c.value !== undefined) headers[headerParameters[i]!.name] = c.value
    })
    return { headers, currentEtag }
  })
}

function bodyArbitrary(op: Operation, context: RequestContext): fc.Arbitrary<{ payload?: string | Buffer; type?: string }> {
  const json = op.bodies[JSON_TYPE]
  const choices: fc.Arbitrary<{ payload?: string | Buffer; type?: string }>[] = []
  if (json) choices.push(valid(json, context.known).map((value) => ({ payload: JSON.stringify(value), type: JSON_TYPE })))
  if (op.bodies['multipart/form-data']) {
    const part = fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)))
    choices.push(
      fc.tuple(fc.constantFrom('file', 'findings', 'actions', 'unknown'), fc.constantFrom('text/csv', 'application/octet-stream'), part).map(([field, contentType, data]) => {
        const form = multipart([{ field, filename: `${field}.csv`, contentType, data }])
        return { payload: form.payload, type: form.headers['content-type'] }
      })
    )
  }
  if (choices.length === 0) return fc.constant({})
  const body = fc.oneof(...choices)
  return op.bodyRequired ? body : fc.oneof(body, fc.constant({}))
}

/** Requests the contract allows: any of them may still be refused for what it means (404, 409 ...). */
export function validRequest(op: Operation, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  return fc.record({ params: pathArbitrary(op, context), query: queryArbitrary(op, context), head: headerArbitrary(op, context), body: bodyArbitrary(op, context) }).map(
    ({ params, query, head, body }) => ({
      kind: 'valid',
      params,
      query,
      headers: body.type ? { ...head.headers, 'content-type': body.type } : head.headers,
      payload: body.payload,
      currentEtag: head.currentEtag
    })
  )
}

type Breaker = (request: FuzzRequest) => fc.Arbitrary<FuzzRequest>

/** The ways a request can be broken, for this operation. */
function breakers(op: Operation, context: RequestContext): Breaker[] {
  const list: Breaker[] = []
  const query = op.parameters.filter((p) => p.in === 'query')
  const path = op.parameters.filter((p) => p.in === 'path')
  const headers = op.parameters.filter((p) => p.in === 'header')
  const json = op.bodies[JSON_TYPE] ? resolve(op.bodies[JSON_TYPE]) : null
  const handlerValidates = json !== null && json['x-validated-by-handler'] === true

  if (op.secured) {
    list.push((r) => fc.constant({ ...r, kind: 'no credentials', headers: without(r.headers, 'authorization'), statuses: [401] }))
    list.push((r) =>
      fc
        .constantFrom('Bearer ', 'Bearer prk_unknown-key', 'Basic YWRtaW46YWRtaW4=', 'bearer', `Bearer ${'k'.repeat(5000)}`, 'Bearer prk_\u00ff\u00fe', 'Token abc', `${context.authorization}x`)
        .map((authorization) => ({ ...r, kind: 'bad credentials', headers: { ...r.headers, authorization }, statuses: [401] }))
    )
    if (op.roles.length > 0 && !op.roles.includes('viewer')) {
      list.push((r) => fc.constant({ ...r, kind: 'a role that may not', headers: { ...r.headers, authorization: context.viewerAuthorization }, statuses: [403] }))
    }
  }
  if (path.length > 0) {
    list.push((r) =>
      fc.tuple(fc.constantFrom(...path), fc.constantFrom(...BAD_PATH_VALUES)).map(([p, bad]) => ({ ...r, kind: `bad path ${p.name}`, params: { ...r.params, [p.name]: bad } }))
    )
  }
  if (query.length > 0) {
    list.push((r) =>
      fc.stringMatching(/^x[a-zA-Z0-9_]{0,11}$/).map((name) => ({
        ...r,
        kind: 'unknown query parameter',
        query: [...r.query, [name, '1']],
        names: { in: 'query', field: name }
      }))
    )
    const typed = query.map((p) => ({ p, wrong: wrongQueryValue(p) })).filter((q) => q.wrong !== null)
    if (typed.length > 0) {
      list.push((r) =>
        fc.constantFrom(...typed).chain(({ p, wrong }) =>
          wrong!.map((value) => ({
            ...r,
            kind: `bad query ${p.name}`,
            query: [...r.query.filter(([n]) => n !== p.name), [p.name, value]],
            names: { in: 'query', field: p.name }
          }))
        )
      )
    }
    list.push((r) =>
      fc.tuple(fc.constantFrom(...query), fc.integer({ min: 2000, max: 6000 })).map(([p, size]) => ({ ...r, kind: `huge query ${p.name}`, query: [...r.query, [p.name, 'x'.repeat(size)]] }))
    )
  }
  for (const header of headers) {
    list.push((r) =>
      fc
        .constantFrom('', ' ', 'W/"1"', '"1", "2"', 'x'.repeat(3000), '"-1"', '"99999999999999999999"', '\u00ff\u00fe', 'null')
        .map((value) => ({ ...r, kind: `bad header ${header.name}`, currentEtag: false, headers: { ...r.headers, [header.name]: value }, anyStatus: true }))
    )
  }
  if (json) {
    const malformed = ['{', '{"a":', 'nul', '[1,]', '{"a":1}}', '\u0000', '{"a":"\\ud800"', '']
    list.push((r) =>
      fc.constantFrom(...malformed).map((payload) => ({
        ...r,
        kind: 'malformed JSON',
        payload,
        headers: { ...r.headers, 'content-type': JSON_TYPE },
        statuses: [400]
      }))
    )
    list.push((r) =>
      fc.constantFrom('[]', '[{}]', '42', '"text"', 'true', 'null').map((payload) => ({
        ...r,
        kind: 'body not an object',
        payload,
        headers: { ...r.headers, 'content-type': JSON_TYPE },
        // An import reports a bad document in its dry-run answer; `null` is no body where a body is optional.
        ...(handlerValidates || (payload === 'null' && !op.bodyRequired) ? { anyStatus: true } : { statuses: [400] })
      }))
    )
    list.push((r) =>
      fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'image/png').map((type) => ({
        ...r,
        kind: 'wrong content type',
        payload: r.payload ?? '{}',
        headers: { ...r.headers, 'content-type': type },
        statuses: [415]
      }))
    )
    if (!op.bodies['multipart/form-data']) {
      // Just over the limit: the import route's own, larger limit is tested with the imports.
      list.push((r) =>
        fc.integer({ min: 1, max: 4096 }).map((over) => ({
          ...r,
          kind: 'body too large',
          payload: `{"title":"${'x'.repeat(context.bodyLimit + over)}"}`,
          headers: { ...r.headers, 'content-type': JSON_TYPE },
          statuses: [413]
        }))
      )
    }
    if (json.properties && !handlerValidates) list.push(...bodyFieldBreakers(json))
  }
  if (op.bodies['multipart/form-data']) list.push(...uploadBreakers())
  return list
}

let hostile: HostileFile[] | undefined

/**
 * Hostile spreadsheets and malformed multipart (issue 16): each must be refused as a client's
 * mistake, whatever else the request says, and never cost the service its memory or its turn.
 */
function uploadBreakers(): Breaker[] {
  hostile ??= hostileFiles()
  const files = hostile
  return [
    (r) =>
      fc.constantFrom(...files).map((file) => {
        const form = multipart([{ field: 'file', filename: file.filename, contentType: file.filename.endsWith('.csv') ? 'text/csv' : XLSX, data: file.data }])
        // A refusal of the file, or of the request before the file is read; one that claims much but holds little is only held to the invariants.
        const answer = file.status >= 400 ? { statuses: [file.status, 400, 403, 404, 429] } : { anyStatus: true }
        return { ...r, kind: `hostile spreadsheet: ${file.name}`, payload: form.payload, headers: { ...r.headers, 'content-type': form.headers['content-type']! }, ...answer }
      }),
    (r) =>
      fc.constantFrom(
        { kind: 'multipart without a boundary', type: 'multipart/form-data', payload: 'Reference\r\nR1\r\n' },
        { kind: 'multipart cut short', type: 'multipart/form-data; boundary=cut', payload: '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nReference\r\nR1' }
      ).map(({ kind, type, payload }) => ({ ...r, kind, payload, headers: { ...r.headers, 'content-type': type }, statuses: [400, 403, 404] }))
  ]
}

/** Breaks one top-level field of a JSON body that the schema validates. */
function bodyFieldBreakers(json: Schema): Breaker[] {
  const properties = Object.entries(json.properties as Record<string, Schema>)
  const required = (json.required ?? []) as string[]
  const parsed = (r: FuzzRequest): Record<string, unknown> => {
    const value = r.payload === undefined ? {} : JSON.parse(String(r.payload))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}
  }
  const withBody = (r: FuzzRequest, kind: string, body: Record<string, unknown>, field?: string): FuzzRequest => ({
    ...r,
    kind,
    payload: JSON.stringify(body),
    headers: { ...r.headers, 'content-type': JSON_TYPE },
    ...(field ? { names: { in: 'body', field } } : {})
  })
  const list: Breaker[] = []
  const typed = properties.map(([name, schema]) => ({ name, wrong: wrongType(schema) })).filter((p) => p.wrong !== null)
  if (typed.length > 0) {
    list.push((r) => fc.constantFrom(...typed).chain(({ name, wrong }) => wrong!.map((value) => withBody(r, `wrong type ${name}`, { ...parsed(r), [name]: value }, name))))
  }
  if (required.length > 0) {
    list.push((r) =>
      fc.constantFrom(...required).map((name) => {
        const body = parsed(r)
        delete body[name]
        return withBody(r, `missing ${name}`, body, name)
      })
    )
  }
  list.push((r) => fc.constantFrom('unexpected', '__proto__', 'constructor', 'id', 'createdAt').filter((n) => !(n in (json.properties ?? {}))).map((name) => withBody(r, `extra field ${name}`, { ...parsed(r), [name]: 1 }, name)))
  const strings = properties.filter(([, schema]) => acceptsString(schema))
  if (strings.length > 0) {
    list.push((r) =>
      fc.tuple(fc.constantFrom(...strings), fc.integer({ min: 20_001, max: 200_000 })).map(([[name], size]) => withBody(r, `huge ${name}`, { ...parsed(r), [name]: 'y'.repeat(size) }, name))
    )
    list.push((r) => fc.tuple(fc.constantFrom(...strings), fc.constantFrom(...ODD_TEXT)).map(([[name], odd]) => ({ ...withBody(r, `odd text in ${name}`, { ...parsed(r), [name]: odd }, name), anyStatus: true })))
  }
  return list
}

function acceptsString(input: Schema): boolean {
  const schema = resolve(input)
  if (schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'))) return true
  return [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].some(acceptsString)
}

/** A query value the parameter's schema refuses, or null when it takes any string. */
function wrongQueryValue(p: Parameter): fc.Arbitrary<string> | null {
  const schema = resolve(p.schema)
  const item = schema.type === 'array' ? resolve(schema.items ?? {}) : schema
  if (Array.isArray(item.enum)) return fc.constantFrom('zzz', 'OPEN', '', '1')
  if (item.type === 'integer' || item.type === 'number') {
    const out: string[] = ['abc', '1.5x', '']
    if (item.maximum !== undefined) out.push(String(item.maximum + 1), String(item.maximum * 1000))
    if (item.minimum !== undefined) out.push(String(item.minimum - 1))
    return fc.constantFrom(...out)
  }
  if (item.type === 'boolean') return fc.constantFrom('maybe', 'yes', '2')
  if (item.format === 'uuid') return fc.constantFrom('not-a-uuid', '1234', 'g'.repeat(36))
  if (item.format === 'date') return fc.constantFrom('2024-13-01', '2024-02-30', 'yesterday', '24-01-01')
  if (p.name === 'cursor') {
    return fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/^\s*$/.test(s)),
      fc.constantFrom('eyJhIjoxfQ', 'e30', 'bnVsbA', 'WzEsMiwzLDQsNSw2XQ', '!!!', ...CRAFTED_CURSORS),
      fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
      fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'))
    )
  }
  if (item.pattern) return fc.constantFrom('!!', 'peel-', ' ', '../x').filter((s) => !new RegExp(item.pattern).test(s))
  if (item.minLength) return fc.constant('')
  return null
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  const copy = { ...headers }
  delete copy[name]
  return copy
}

/** Valid and broken requests for one operation, about two in five of them valid. */
export function requestsFor(op: Operation, context: RequestContext): fc.Arbitrary<FuzzRequest> {
  const validOnes = validRequest(op, context)
  const ways = breakers(op, context)
  if (ways.length === 0) return validOnes
  const broken = fc.tuple(validOnes, fc.constantFrom(...ways)).chain(([request, breaker]) => breaker(request))
  return fc.oneof({ weight: 2, arbitrary: validOnes }, { weight: 3, arbitrary: broken })
}
