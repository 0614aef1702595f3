import { readFile } from 'node:fs/promises'
import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { app, request } = await buildTestApp(t)

type Operation = { operationId?: string; tags?: string[]; summary?: string; security?: unknown[]; responses: Record<string, { headers?: Record<string, unknown> }> }
const document = app.swagger() as unknown as {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme: string }> }
}

t.test('the committed contract is what the code generates', async (t) => {
  const committed = await readFile(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
  t.equal(committed, `${JSON.stringify(document, null, 2)}\n`, 'run `npm run openapi` after changing a route schema')
})

t.test('served at /openapi.json, OpenAPI 3.1, with the bearer scheme', async (t) => {
  const served = await request({ method: 'GET', url: '/openapi.json', key: null })
  t.equal(served.statusCode, 200)
  t.same(served.json(), JSON.parse(JSON.stringify(document)))
  t.equal(document.openapi, '3.1.0')
  t.match(document.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer' })
})

t.test('every operation has a unique operationId, tags and a summary; every /v1 one needs the key', async (t) => {
  const ids = new Set<string>()
  for (const [path, methods] of Object.entries(document.paths)) {
    t.ok(path.startsWith('/v1/') || path.startsWith('/health/'), `${path} is versioned or a health check`)
    for (const [method, op] of Object.entries(methods)) {
      const label = `${method.toUpperCase()} ${path}`
      t.type(op.operationId, 'string', `${label} has an operationId`)
      t.notOk(ids.has(op.operationId!), `${label} operationId is unique`)
      ids.add(op.operationId!)
      t.ok(op.tags && op.tags.length > 0, `${label} has tags`)
      t.type(op.summary, 'string', `${label} has a summary`)
      if (path.startsWith('/v1/')) {
        t.same(op.security, [{ bearerAuth: [] }], `${label} declares the bearer scheme`)
        t.ok(op.responses['401'] && op.responses['403'], `${label} documents 401 and 403`)
      }
    }
  }
})

t.test('what a create or a change points to can be read: every Location has a GET, every PATCH a GET with the ETag', async (t) => {
  const missing: string[] = []
  const get = (path: string) => document.paths[path]?.get
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const label = `${method.toUpperCase()} ${path}`
      for (const [status, response] of Object.entries(op.responses)) {
        if (status !== '201') continue
        if (!response.headers?.Location) missing.push(`${label} 201 declares no Location`)
        const item = Object.keys(document.paths).find((p) => p.startsWith(`${path}/{`) && p.split('/').length === path.split('/').length + 1 && get(p))
        if (!item) missing.push(`${label} creates what no GET ${path}/{id} reads`)
      }
      if (method === 'patch' && !get(path)?.responses['200']?.headers?.ETag) missing.push(`${label} changes what no GET ${path} gives the ETag of`)
    }
  }
  t.same(missing, [])
})

t.test('shared schemas are named components, never def-N', async (t) => {
  for (const name of ['Problem', 'Force', 'ApiKey', 'CreatedApiKey', 'Framework', 'FrameworkQuestion', 'FrameworkQuestionDetail', 'Grading', 'PracticeExample', 'Crosswalk']) t.ok(document.components.schemas[name], name)
  t.notOk(Object.keys(document.components.schemas).some((n) => n.startsWith('def-')))
  t.notMatch(JSON.stringify(document), /"#\/components\/schemas\/def-/)
})

t.test('Swagger UI is served at /docs', async (t) => {
  const page = await request({ method: 'GET', url: '/docs/', key: null })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
})
