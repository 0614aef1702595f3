/**
 * Whether the naive baseline (bench/baseline.ts) answers what the service answers: the same status,
 * media type, ETag and Content-Disposition, and the same body, for each read scenario of the
 * benchmark plus a few variants (a second page exists, many statuses, a 404). JSON bodies are
 * compared deeply, key order included, so that both send the same bytes; only values that differ
 * per request are ignored (`generatedAt`, a problem's `requestId`). CSV is compared byte for byte.
 * Nothing here imports the service: the runner calls `checkBaseline` against two running servers.
 */

export interface BaselineSamples {
  force: string
  findingId: string
  q: string
  asOf: string
}

interface Scenario {
  scenario: string
  path: string
}

/** Values that legitimately differ between two answers to the same request. */
const PER_REQUEST = new Set(['generatedAt', 'requestId'])
const MISSING_FINDING = '00000000-0000-4000-8000-000000000000'
const MAX_DIFFERENCES_PER_PATH = 5

export function scenarios(samples: BaselineSamples): Scenario[] {
  const force = encodeURIComponent(samples.force)
  const q = encodeURIComponent(samples.q)
  return [
    { scenario: 'list', path: `/v1/findings?force=${force}&status=open&limit=50` },
    { scenario: 'list', path: `/v1/findings?force=${force}&status=open&status=closure_requested&limit=3` },
    { scenario: 'list', path: `/v1/findings?force=${force}&limit=500` },
    { scenario: 'detail', path: `/v1/findings/${samples.findingId}` },
    { scenario: 'detail', path: `/v1/findings/${MISSING_FINDING}` },
    { scenario: 'search', path: `/v1/findings?force=${force}&q=${q}&limit=50` },
    { scenario: 'search', path: `/v1/findings?force=${force}&q=${q}&limit=2` },
    { scenario: 'summary', path: `/v1/reports/summary?force=${force}` },
    { scenario: 'summary', path: '/v1/reports/summary?force=no-such-force' },
    { scenario: 'overdue', path: `/v1/reports/overdue?force=${force}&asOf=${samples.asOf}` },
    { scenario: 'overdue', path: `/v1/reports/overdue?force=${force}` },
    { scenario: 'export', path: `/v1/exports/register?force=${force}&format=csv&sheet=findings` }
  ]
}

/** Differences between two JSON values, each as `<path>: <what>`; key order counts (the bytes should match). */
function jsonDifferences(real: unknown, baseline: unknown, path: string, out: string[]): void {
  if (out.length >= MAX_DIFFERENCES_PER_PATH) return
  const show = (value: unknown) => JSON.stringify(value)?.slice(0, 120)
  if (Array.isArray(real) || Array.isArray(baseline)) {
    if (!Array.isArray(real) || !Array.isArray(baseline)) return void out.push(`${path}: service ${show(real)}, baseline ${show(baseline)}`)
    if (real.length !== baseline.length) out.push(`${path}: service has ${real.length} items, baseline ${baseline.length}`)
    for (let i = 0; i < Math.min(real.length, baseline.length); i++) jsonDifferences(real[i], baseline[i], `${path}[${i}]`, out)
    return
  }
  if (typeof real === 'object' && real !== null && typeof baseline === 'object' && baseline !== null) {
    const realKeys = Object.keys(real)
    const baselineKeys = Object.keys(baseline)
    const missing = realKeys.filter((k) => !(k in baseline))
    const extra = baselineKeys.filter((k) => !(k in real))
    if (missing.length > 0) out.push(`${path}: baseline lacks ${missing.join(', ')}`)
    if (extra.length > 0) out.push(`${path}: baseline adds ${extra.join(', ')}`)
    if (missing.length === 0 && extra.length === 0 && realKeys.join() !== baselineKeys.join()) {
      const i = realKeys.findIndex((key, n) => key !== baselineKeys[n])
      out.push(`${path}: keys in another order from the ${i + 1}th (service ${realKeys.slice(i, i + 3).join(',')}...; baseline ${baselineKeys.slice(i, i + 3).join(',')}...)`)
    }
    for (const key of realKeys) {
      if (key in baseline && !(path === '$' && PER_REQUEST.has(key))) {
        jsonDifferences((real as Record<string, unknown>)[key], (baseline as Record<string, unknown>)[key], `${path}.${key}`, out)
      }
    }
    return
  }
  if (real !== baseline) out.push(`${path}: service ${show(real)}, baseline ${show(baseline)}`)
}

function textDifferences(real: string, baseline: string): string[] {
  if (real === baseline) return []
  let at = 0
  while (at < real.length && real[at] === baseline[at]) at++
  const line = real.slice(0, at).split('\r\n').length
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 60))
  return [`line ${line}, character ${at} differs (service ${real.length} chars, baseline ${baseline.length}): service ${around(real)}, baseline ${around(baseline)}`]
}

const mediaType = (response: Response) => response.headers.get('content-type') ?? ''

async function compare(realUrl: string, baselineUrl: string, apiKey: string, path: string): Promise<string[]> {
  const [real, baseline] = await Promise.all([
    fetch(new URL(path, realUrl), { headers: { authorization: `Bearer ${apiKey}` } }),
    fetch(new URL(path, baselineUrl))
  ])
  const [realBody, baselineBody] = await Promise.all([real.text(), baseline.text()])
  const out: string[] = []
  if (real.status !== baseline.status) out.push(`status: service ${real.status}, baseline ${baseline.status}`)
  if (mediaType(real) !== mediaType(baseline)) out.push(`content-type: service ${mediaType(real)}, baseline ${mediaType(baseline)}`)
  for (const header of ['etag', 'content-disposition']) {
    if (real.headers.get(header) !== baseline.headers.get(header)) out.push(`${header}: service ${real.headers.get(header)}, baseline ${baseline.headers.get(header)}`)
  }
  if (/json/.test(mediaType(real)) && /json/.test(mediaType(baseline))) {
    let parsed: [unknown, unknown]
    try {
      parsed = [JSON.parse(realBody), JSON.parse(baselineBody)]
    } catch {
      return [...out, 'body: not JSON']
    }
    jsonDifferences(parsed[0], parsed[1], '$', out)
  } else {
    out.push(...textDifferences(realBody, baselineBody))
  }
  if (out.length === 0 && real.status >= 500) out.push(`status ${real.status} from both`)
  return out
}

/** Each scenario's differences, in scenario order. */
export async function checkScenarios(realUrl: string, baselineUrl: string, apiKey: string, samples: BaselineSamples) {
  const results: Array<Scenario & { differences: string[] }> = []
  for (const scenario of scenarios(samples)) {
    results.push({ ...scenario, differences: await compare(realUrl, baselineUrl, apiKey, scenario.path) })
  }
  return results
}

/** Every difference between the service and the baseline on these samples; empty when they agree. */
export async function checkBaseline(realUrl: string, baselineUrl: string, apiKey: string, samples: BaselineSamples): Promise<string[]> {
  const results = await checkScenarios(realUrl, baselineUrl, apiKey, samples)
  return results.flatMap((r) => r.differences.map((d) => `${r.scenario} ${r.path}: ${d}`))
}
