import { createHash } from 'node:crypto'
import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request } = await buildTestApp(t, { urlLimitBytes: 512 })

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) map.set(name.toLowerCase(), values)
  }
  return map
}

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none'
}

t.test('every API response carries the security headers and a policy that allows nothing', async (t) => {
  const cases: Array<[string, Parameters<typeof request>[0], number]> = [
    ['a read', { method: 'GET', url: '/v1/forces' }, 200],
    ['a 401', { method: 'GET', url: '/v1/forces', key: null }, 401],
    ['a 404', { method: 'GET', url: '/v1/nothing-here' }, 404],
    ['a 400', { method: 'GET', url: '/v1/forces?limit=0' }, 400],
    ['a 414', { method: 'GET', url: `/v1/forces?x=${'y'.repeat(600)}` }, 414],
    ['a path the router refuses', { method: 'GET', url: '/v1/findings/%ZZ' }, 400],
    ['a path segment longer than any id', { method: 'GET', url: `/v1/findings/${'a'.repeat(300)}` }, 414],
    ['a health check', { method: 'GET', url: '/health/live', key: null }, 200]
  ]
  for (const [label, options, status] of cases) {
    const response = await request(options)
    t.equal(response.statusCode, status, label)
    t.match(response.headers, API_HEADERS, `${label}: helmet's headers`)
    t.match(response.headers['strict-transport-security'], /^max-age=\d{7,}; includeSubDomains$/, `${label}: HSTS`)
    const csp = directives(response.headers['content-security-policy'])
    t.same(csp.get('default-src'), ["'none'"], `${label}: default-src 'none'`)
    t.same(csp.get('frame-ancestors'), ["'none'"], `${label}: frame-ancestors 'none'`)
    t.equal(response.headers['x-powered-by'], undefined)
  }
})

t.test('Swagger UI at /docs loads every script and style its page names, under its own policy', async (t) => {
  for (const page of ['/docs', '/docs/']) {
    const response = await request({ method: 'GET', url: page, key: null })
    t.equal(response.statusCode, 200, page)
    t.match(response.headers['content-type'], /^text\/html/)
    const csp = directives(response.headers['content-security-policy'])
    t.notOk(csp.has('upgrade-insecure-requests'), 'no upgrade to HTTPS: the docs work over plain HTTP too')
    t.same(csp.get('script-src'), ["'self'"], 'scripts from the service only')
    t.same(csp.get('style-src'), ["'self'"], 'styles from the service only')
    t.same(csp.get('connect-src'), ["'self'"], 'Try it out calls the service only')
    t.match(response.headers, { 'x-content-type-options': 'nosniff' }, 'the other security headers stay')

    const html = response.body
    const base = new URL(page, 'http://service.test')
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    const styles = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!)
    t.ok(scripts.length >= 3 && styles.length >= 1, `the page names its scripts (${scripts.length}) and styles (${styles.length})`)
    t.notMatch(html, /<style\b|\sstyle="|\son[a-z]+="/i, 'no inline style or event handler for the policy to block')

    const scriptHashes = (csp.get('script-src') ?? []).filter((v) => v.startsWith("'sha256-"))
    for (const [, attributes, body] of scripts) {
      const src = /\bsrc="([^"]+)"/.exec(attributes!)?.[1]
      if (src === undefined) {
        const hash = `'sha256-${createHash('sha256').update(body!).digest('base64')}'`
        t.ok(scriptHashes.includes(hash), 'an inline script is allowed by its hash')
        continue
      }
      const url = new URL(src, base)
      t.equal(url.origin, base.origin, `${src} is served by the service ('self')`)
      const asset = await request({ method: 'GET', url: url.pathname, key: null })
      t.equal(asset.statusCode, 200, `${url.pathname} loads`)
      t.match(asset.headers['content-type'], /javascript/, `${url.pathname} is JavaScript`)
    }
    for (const href of styles) {
      const url = new URL(href, base)
      t.equal(url.origin, base.origin, `${href} is served by the service ('self')`)
      const asset = await request({ method: 'GET', url: url.pathname, key: null })
      t.equal(asset.statusCode, 200, `${url.pathname} loads`)
      t.match(asset.headers['content-type'], /text\/css/, `${url.pathname} is CSS`)
    }
  }

  const initializer = await request({ method: 'GET', url: '/docs/static/swagger-initializer.js', key: null })
  t.match(initializer.body, /resolveUrl\('\.\/json'\)/, 'the page fetches the contract from ./json')
  const contract = await request({ method: 'GET', url: '/docs/json', key: null })
  t.equal(contract.statusCode, 200)
  t.equal(contract.json().openapi, '3.1.0', 'which is there')
})
