/**
 * The load generator: one autocannon run, described by a JSON spec on the command line, results
 * as one JSON line on stdout. The runner starts it pinned to its own core (taskset), away from
 * the server being measured.
 */
import autocannon from 'autocannon'

export interface LoadSpec {
  url: string
  connections: number
  seconds: number
  headers: Record<string, string>
  /** Read scenarios: paths taken in turn by each connection. */
  paths?: string[]
  /**
   * A read scenario in which no page is asked for twice, so that no response can come from a cache:
   * the paths in turn, with asOf one day later on every request across all connections, counting
   * from `from` days after 2026-01-01 (give each run its own range; dates run out in the year 9999).
   */
  freshPages?: { paths: string[]; from: number }
  /** The write mix: read a finding, PATCH it with If-Match, post a progress update; one finding per connection. */
  writeMix?: { findingIds: string[] }
}

export interface LoadResult {
  requests: number
  rps: number
  p50: number
  p97_5: number
  p99: number
  non2xx: number
  errors: number
}

type Context = { id?: string; etag?: string; n?: number }

function writeMix(findingIds: string[]) {
  let next = 0
  const finding = (context: Context) => (context.id ??= findingIds[next++ % findingIds.length]!)
  return [
    {
      method: 'GET',
      setupRequest: (request: { path: string }, context: Context) => ({ ...request, path: `/v1/findings/${finding(context)}` }),
      onResponse: (_status: number, _body: string, context: Context, headers: Record<string, string>) => {
        context.etag = headers.etag
      }
    },
    {
      method: 'PATCH',
      setupRequest: (request: { headers: Record<string, string> }, context: Context) => ({
        ...request,
        path: `/v1/findings/${finding(context)}`,
        headers: { ...request.headers, 'content-type': 'application/json', 'if-match': context.etag ?? '"0"' },
        body: JSON.stringify({ statusNote: `Reviewed by the benchmark, pass ${(context.n = (context.n ?? 0) + 1)}` })
      })
    },
    {
      method: 'POST',
      setupRequest: (request: { headers: Record<string, string> }, context: Context) => ({
        ...request,
        path: `/v1/findings/${finding(context)}/updates`,
        headers: { ...request.headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          position: 'Delivery plan agreed with the neighbourhood policing lead.',
          activities: 'Briefings held; problem-solving plans reviewed.',
          evidence: [{ title: 'Briefing note', kind: 'meeting_record', location: 'Intranet/Briefings', date: '2024-05-01' }]
        })
      })
    }
  ]
}

function freshPages({ paths, from }: { paths: string[]; from: number }) {
  let n = from
  const start = Date.UTC(2026, 0, 1)
  return [
    {
      method: 'GET',
      setupRequest: (request: object) => {
        const path = paths[n % paths.length]!
        return { ...request, path: `${path}&asOf=${new Date(start + n++ * 86_400_000).toISOString().slice(0, 10)}` }
      }
    }
  ]
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const requests = spec.writeMix
    ? writeMix(spec.writeMix.findingIds)
    : spec.freshPages
      ? freshPages(spec.freshPages)
      : (spec.paths ?? ['/']).map((path) => ({ method: 'GET', path }))
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    headers: spec.headers,
    requests: requests as never
  })
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
  runLoad(spec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    }
  )
}
