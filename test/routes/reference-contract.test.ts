import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import t, { type Test } from 'tap'
import { buildTestApp, loadExample } from '../helper.ts'

/**
 * The contract's limits (maxLength, maxItems, minimum, maximum) are promises about what the
 * service returns. Much of it comes from the reference data, some of it derived (the crosswalk
 * between any two versions, the gap report), and the example register exercises the rest: every
 * such response is checked here against the schema the contract gives it.
 */
const { app, database, request } = await buildTestApp(t)
await loadExample(database)

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: unknown }
const document = app.swagger() as unknown as Document
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)
ajv.addSchema({ $id: 'openapi.json', components: document.components })

const validators = new Map<string, ReturnType<typeof ajv.compile>>()
function validatorFor(path: string) {
  let validate = validators.get(path)
  if (!validate) {
    const schema = document.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema
    if (!schema) throw new Error(`the contract has no JSON 200 for GET ${path}`)
    validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')))
    validators.set(path, validate)
  }
  return validate
}

/** GETs `url` (the operation at `path`) and checks the body against the contract; returns the body. */
async function conforming<T = Record<string, unknown>>(t: Test, path: string, url: string): Promise<T> {
  const response = await request({ method: 'GET', url })
  if (response.statusCode !== 200) {
    t.fail(`GET ${url}: ${response.statusCode}`, { body: response.body })
    return {} as T
  }
  const body = response.json()
  const validate = validatorFor(path)
  if (!validate(body)) t.fail(`GET ${url} answers as the contract says`, { errors: validate.errors?.slice(0, 5) })
  else t.pass(`GET ${url}`)
  return body as T
}

/** Every page of a list. */
async function allPages<T>(t: Test, path: string, url: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const separator = url.includes('?') ? '&' : '?'
    const page: { items: T[]; nextCursor: string | null } = await conforming(t, path, `${url}${separator}limit=500${cursor ? `&cursor=${cursor}` : ''}`)
    items.push(...(page.items ?? []))
    cursor = page.nextCursor ?? null
  } while (cursor)
  return items
}

t.test('forces and their grades', async (t) => {
  const forces = await allPages<{ code: string }>(t, '/v1/forces', '/v1/forces')
  for (const { code } of forces) await conforming(t, '/v1/forces/{code}/grades', `/v1/forces/${code}/grades`)
})

t.test('frameworks, every question with its criteria, and the gap against each for the example register', async (t) => {
  const frameworks = (await conforming<{ items: Array<{ key: string }> }>(t, '/v1/frameworks', '/v1/frameworks')).items
  for (const { key } of frameworks) {
    await conforming(t, '/v1/frameworks/{key}', `/v1/frameworks/${key}`)
    const questions = await allPages<{ ref: string }>(t, '/v1/frameworks/{key}/questions', `/v1/frameworks/${key}/questions`)
    for (const { ref } of questions) {
      await conforming(t, '/v1/frameworks/{key}/questions/{ref}', `/v1/frameworks/${key}/questions/${ref}`)
      await conforming(t, '/v1/frameworks/{key}/questions/{ref}/gap', `/v1/frameworks/${key}/questions/${ref}/gap?force=cleveland`)
    }
  }
})

t.test('the crosswalk between every two versions', async (t) => {
  const keys = (await conforming<{ items: Array<{ key: string }> }>(t, '/v1/frameworks', '/v1/frameworks')).items.map((f) => f.key)
  let links = 0
  let paths = 0
  for (const from of keys) {
    for (const to of keys) {
      if (from === to) continue
      const crosswalk = await conforming<{ items: Array<{ paths: unknown[] }> }>(t, '/v1/crosswalk', `/v1/crosswalk?from=${from}&to=${to}`)
      links = Math.max(links, crosswalk.items.length)
      for (const item of crosswalk.items) paths = Math.max(paths, item.paths.length)
    }
  }
  t.comment(`at most ${links} links between two versions, and ${paths} chains behind a link`)
})

t.test('gradings and practice', async (t) => {
  await allPages(t, '/v1/gradings', '/v1/gradings')
  const examples = await allPages<{ id: string }>(t, '/v1/practice-examples', '/v1/practice-examples')
  for (const { id } of examples.slice(0, 20)) await conforming(t, '/v1/practice-examples/{id}', `/v1/practice-examples/${id}`)
  await conforming(t, '/v1/practice-areas', '/v1/practice-areas')
})

t.test('the example register: findings, their details and history, the reports and the export', async (t) => {
  const findings = await allPages<{ id: string }>(t, '/v1/findings', '/v1/findings?force=cleveland')
  for (const { id } of findings) {
    await conforming(t, '/v1/findings/{id}', `/v1/findings/${id}`)
    await conforming(t, '/v1/findings/{id}/history', `/v1/findings/${id}/history`)
  }
  await allPages(t, '/v1/inspections', '/v1/inspections?force=cleveland')
  const groups = await allPages<{ id: string }>(t, '/v1/governance-groups', '/v1/governance-groups?force=cleveland')
  for (const { id } of groups) await conforming(t, '/v1/governance-groups/{id}/board-pack', `/v1/governance-groups/${id}/board-pack?asOf=2030-01-01`)
  await conforming(t, '/v1/reports/summary', '/v1/reports/summary?force=cleveland')
  await conforming(t, '/v1/reports/overdue', '/v1/reports/overdue?force=cleveland&asOf=2030-01-01')
  await conforming(t, '/v1/reports/by-lead', '/v1/reports/by-lead?force=cleveland&asOf=2030-01-01')
  await conforming(t, '/v1/reports/by-group', '/v1/reports/by-group?force=cleveland&asOf=2030-01-01')
  await conforming(t, '/v1/exports/register', '/v1/exports/register?force=cleveland')
  await conforming(t, '/v1/events', '/v1/events?force=cleveland&limit=1000')
})
