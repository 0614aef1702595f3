import { appendFile, mkdir } from 'node:fs/promises'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { UNSTORABLE_MESSAGE } from '../../src/schemas/storable-text.ts'
import { ADMIN_KEY, type TestApp, buildTestApp, loadExample } from '../helper.ts'
import { headerMismatch } from '../response-headers.ts'
import { type Operation, operations, responseValidator } from './contract.ts'
import { type Known, wellFormed } from './generators.ts'
import { type FuzzRequest, type RequestContext, requestsFor } from './requests.ts'

/**
 * Contract fuzzing: for every operation in openapi/openapi.json, generated requests, valid and
 * broken, against the real application on a test database holding the example register. Every
 * answer is held to the contract:
 * - never a 5xx, never a status the operation does not document;
 * - a success carries a documented media type, and a JSON body valid against its documented schema;
 * - a refusal is an application/problem+json problem, and a 400 lists what was wrong by field;
 * - a request broken in a way that must be refused (bad credentials, a malformed body, a wrong type,
 *   an unknown field ...) is refused, and the 400 names the field that was broken.
 *
 * FUZZ_RUNS (default 1000) requests per operation, from FUZZ_SEED (fixed by default, so CI is
 * repeatable; `random` for a new one: `npm run fuzz` picks one and sends ten times as many); FUZZ_ONLY=text fuzzes only the
 * operations whose "METHOD /path" contains it. A failure prints the seed, and every failing request
 * is kept whole in test-results/fuzz-failures.jsonl.
 */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 1000)
export const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261130)

const RESULTS = new URL('../../test-results/', import.meta.url)

interface Failure {
  kind: string
  request: string
  status: number
  problem: string
}

interface Tally {
  requests: number
  byStatus: Record<string, number>
  fiveHundreds: number
}

/**
 * The import reads every spreadsheet it is sent in a worker thread started for that upload, so its
 * requests cost several times a plain write's: it is fuzzed in a file of its own, which runs beside
 * the other writes' and has a time limit of its own.
 */
export const isImport = (op: Operation) => op.method === 'POST' && op.path === '/v1/imports'

/** Fuzzes the operations `which` selects, each in a subtest; returns the tally of what was sent. */
export async function fuzz(t: Test, which: (op: Operation) => boolean): Promise<void> {
  const app = await buildTestApp(t)
  await loadExample(app.database)
  await addData(app)
  const known = await knownValues(app)
  const viewer = await app.createKey('viewer', 'cleveland', 'fuzz-viewer')
  const tally: Tally = { requests: 0, byStatus: {}, fiveHundreds: 0 }
  // Deletions last, so what they remove is there for the other operations first.
  const only = process.env.FUZZ_ONLY
  const selected = operations()
    .filter((op) => which(op) && (only === undefined || op.id.includes(only)))
    .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'))
  t.comment(`seed ${SEED}, ${RUNS} requests per operation, ${selected.length} operations`)
  for (const op of selected) {
    await t.test(op.id, async (t) => {
      const context: RequestContext = {
        known,
        pathValues: await pathValues(app, op.path),
        authorization: op.secured ? `Bearer ${ADMIN_KEY}` : '',
        viewerAuthorization: `Bearer ${viewer}`,
        bodyLimit: app.config.bodyLimitBytes
      }
      const requests = fc.sample(requestsFor(op, context), { numRuns: RUNS, seed: SEED })
      const failures: Failure[] = []
      for (const request of requests) {
        const response = await send(app, op, request)
        tally.requests++
        tally.byStatus[response.statusCode] = (tally.byStatus[response.statusCode] ?? 0) + 1
        if (response.statusCode >= 500) tally.fiveHundreds++
        const problem = judge(op, request, response)
        if (problem) failures.push({ kind: request.kind, request: describe(op, request), status: response.statusCode, problem })
        if (problem) await keep(op, request, response, problem)
      }
      const kinds = new Set(requests.map((r) => r.kind))
      t.ok(requests.length >= RUNS, `${requests.length} requests, ${kinds.size} kinds`)
      t.same(failures.slice(0, 5), [], `no answer broke the contract (${failures.length} did; seed ${SEED})`)
    })
  }
  t.comment(`${tally.requests} requests; statuses ${JSON.stringify(tally.byStatus)}; 5xx: ${tally.fiveHundreds}`)
}

/** Every failing request in full, with its answer, kept in test-results/ for whoever investigates. */
async function keep(op: Operation, request: FuzzRequest, response: LightMyRequestResponse, problem: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true })
  const entry = { operation: op.id, seed: SEED, problem, request: { ...request, payload: request.payload === undefined ? undefined : String(request.payload) }, status: response.statusCode, body: response.body.slice(0, 2000) }
  await appendFile(new URL('fuzz-failures.jsonl', RESULTS), `${JSON.stringify(entry)}\n`)
}

/** The request as a line a developer can replay. */
function describe(op: Operation, request: FuzzRequest): string {
  const body = request.payload === undefined ? '' : ` body ${String(request.payload).slice(0, 300)}`
  const headers = Object.entries(request.headers)
    .filter(([name]) => name !== 'authorization' || request.kind.includes('credentials'))
    .map(([name, value]) => `${name}: ${value.slice(0, 80)}`)
  return `${op.method} ${url(op, request).slice(0, 400)} [${headers.join('; ')}]${body}`
}

function url(op: Operation, request: FuzzRequest): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => request.params[name] ?? '')
  const query = request.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(wellFormed(v))}`).join('&')
  return query ? `${path}?${query}` : path
}

async function send(app: TestApp, op: Operation, request: FuzzRequest): Promise<LightMyRequestResponse> {
  const headers = { ...request.headers }
  if (request.currentEtag) {
    const current = await app.request({ method: 'GET', url: url(op, { ...request, query: [] }) })
    if (typeof current.headers.etag === 'string') headers['if-match'] = current.headers.etag
  }
  return app.app.inject({ method: op.method as 'GET', url: url(op, request), headers, payload: request.payload })
}

const PROBLEM = /^application\/problem\+json/

/** What, if anything, is wrong with the answer; null when it keeps the contract. */
export function judge(op: Operation, request: FuzzRequest, response: LightMyRequestResponse): string | null {
  const status = response.statusCode
  if (status >= 500) return `a ${status}: ${response.body.slice(0, 300)}`
  const documented = op.responses.get(status)
  if (documented === undefined) return `status ${status} is not documented (${[...op.responses.keys()].join(', ')}): ${response.body.slice(0, 200)}`
  const headers = headerMismatch(op.method, url(op, request), response)
  if (headers) return headers
  const mediaType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim()
  if (status < 400) {
    if (request.kind !== 'valid' && !request.anyStatus) return `a request broken by "${request.kind}" was accepted with ${status}`
    if (documented.length > 0 && status !== 204 && !documented.includes(mediaType)) return `content type ${mediaType} is not one of ${documented.join(', ')}`
    if (mediaType === 'application/json') {
      const validate = responseValidator(op, status, mediaType)
      if (validate && !validate(response.json())) return `the body does not match the documented schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`
    }
    return null
  }
  if (!PROBLEM.test(mediaType)) return `a ${status} that is not a problem (${mediaType})`
  const body = response.json() as { type?: unknown; title?: unknown; status?: unknown; detail?: unknown; errors?: { in: string; field: string; message: string }[] }
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || typeof body.detail !== 'string' || body.status !== status) {
    return `an incomplete problem: ${response.body.slice(0, 200)}`
  }
  if (request.statuses && !request.statuses.includes(status)) return `expected ${request.statuses.join(' or ')}, got ${status}: ${body.detail}`
  if (status === 400 && body.type === '/problems/validation') {
    if (!Array.isArray(body.errors) || body.errors.length === 0) return `a validation problem naming no field: ${body.detail}`
    if (body.errors.some((e) => typeof e.in !== 'string' || typeof e.field !== 'string' || typeof e.message !== 'string')) return `an error entry without in/field/message: ${response.body.slice(0, 200)}`
    const names = request.names
    const naming = (e: { in: string; field: string }) => e.in === names?.in && (e.field === names.field || e.field.startsWith(`${names.field}.`))
    // Odd but legal text may be refused for another reason; what must hold is that a refusal of the text names its field.
    const about = request.anyStatus ? body.errors.filter((e) => e.message === UNSTORABLE_MESSAGE) : body.errors
    if (names && about.length > 0 && !about.some(naming)) {
      return `broken ${names.in} ${names.field}, but the problem names ${body.errors.map((e) => `${e.in} ${e.field}`).join(', ')}`
    }
  }
  return null
}

/** Rows for the operations to find: a webhook, keys to revoke and rotate, a closure request. */
async function addData(app: TestApp): Promise<void> {
  for (const n of [1, 2, 3]) await app.createKey('viewer', 'cleveland', `fuzz-target-${n}`)
  const webhook = await app.request({ method: 'POST', url: '/v1/webhooks', payload: { force: 'cleveland', url: 'https://example.org/hook', eventTypes: ['*'] } })
  if (webhook.statusCode !== 201) throw new Error(`could not create a webhook: ${webhook.body}`)
}

async function list(app: TestApp, path: string): Promise<Record<string, unknown>[]> {
  const response = await app.request({ method: 'GET', url: path })
  if (response.statusCode !== 200 || !String(response.headers['content-type']).startsWith('application/json')) return []
  const body = response.json() as unknown
  const items = Array.isArray(body) ? body : ((body as { items?: unknown[] }).items ?? [])
  return items.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object')
}

/**
 * Real values for a path's parameters, found by listing the collection each parameter indexes:
 * `/v1/findings/{id}/actions/{actionId}` takes `id` from `/v1/findings` and `actionId` from
 * `/v1/findings/{id}/actions`. Keys only the fuzzer made, so the admin key is never revoked.
 */
async function pathValues(app: TestApp, path: string): Promise<Record<string, string>[]> {
  const segments = path.split('/')
  let combinations: Record<string, string>[] = [{}]
  for (let i = 0; i < segments.length; i++) {
    const match = /^\{(\w+)\}$/.exec(segments[i]!)
    if (!match) continue
    const name = match[1]!
    const next: Record<string, string>[] = []
    for (const combination of combinations.slice(0, 4)) {
      const collection = segments.slice(0, i).join('/').replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(combination[n]!))
      const items = (await list(app, collection)).filter((item) => !collection.endsWith('/api-keys') || String(item.name).startsWith('fuzz-target'))
      for (const item of items.slice(0, 6)) {
        const value = item[name] ?? item.id
        if (typeof value === 'string' || typeof value === 'number') next.push({ ...combination, [name]: String(value) })
      }
    }
    combinations = next
  }
  return combinations
}

async function knownValues(app: TestApp): Promise<Known> {
  const uuids = new Set<string>()
  for (const path of ['/v1/findings?limit=50', '/v1/inspections', '/v1/governance-groups', '/v1/closure-requests', '/v1/webhooks']) {
    for (const item of await list(app, path)) if (typeof item.id === 'string') uuids.add(item.id)
  }
  return {
    uuids: [...uuids],
    forces: (await list(app, '/v1/forces')).map((f) => String(f.code)),
    frameworks: (await list(app, '/v1/frameworks')).map((f) => String(f.key))
  }
}
