/**
 * Proves the naive baseline (bench/baseline.ts) answers what the service answers, against a
 * database that holds the example register:
 *
 *   DATABASE_URL=... ADMIN_API_KEY=prk_... node --import tsx bench/check-baseline.ts [--enrich]
 *
 * It starts the service in-process (as test/helper.ts builds it) and the baseline, each on a free
 * port, compares them on a few samples (see baseline-equivalence.ts for what is compared), prints
 * one pass/FAIL line per scenario and exits 1 on any difference. --enrich first writes, through the
 * service's API, what the example lacks: due dates, leads and a group, disagreements with the
 * portal, a closure request, progress updates with ongoing actions (some overdue, one completed),
 * a review, a finding with no inspection and awkward CSV text. ADMIN_API_KEY must be the
 * database's admin key (the one `npm start` adopted on first start).
 */
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import pino from 'pino'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/connect.ts'
import { prepareDatabase } from '../src/prepare.ts'
import { serverOptions } from '../src/server-options.ts'
import { buildBaseline } from './baseline.ts'
import { type BaselineSamples, checkScenarios } from './baseline-equivalence.ts'

export { type BaselineSamples, checkBaseline } from './baseline-equivalence.ts'

type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; etag: string | null; body: Record<string, unknown> }>

function apiOf(url: string, apiKey: string): Api {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(new URL(path, url), {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>)
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`)
    return { status: response.status, etag: response.headers.get('etag'), body: parsed }
  }
}

/**
 * Writes through the API what the example register lacks, so that every branch of the compared
 * JSON has something in it. Once per database: it stops if its governance group is already there.
 */
async function enrich(api: Api, pool: pg.Pool, force: string): Promise<void> {
  const exists = await pool.query("select 1 from governance_groups where force_code = $1 and name = 'Benchmark check board'", [force])
  if (exists.rows.length > 0) return
  const group = (await api('POST', '/v1/governance-groups', { force, name: 'Benchmark check board', chair: 'DCC' })).body
  const { rows: open } = await pool.query<{ id: string }>(
    "select id from findings where force_code = $1 and status = 'open' and inspection_id is not null order by reference limit 12",
    [force]
  )
  const { rows: closed } = await pool.query<{ id: string }>("select id from findings where force_code = $1 and status = 'closed' order by reference limit 1", [force])
  const patch = async (id: string, body: Record<string, unknown>) => {
    const current = await api('GET', `/v1/findings/${id}`)
    return api('PATCH', `/v1/findings/${id}`, body, { 'if-match': current.etag ?? '"0"' })
  }
  const ids = open.map((r) => r.id)
  await patch(ids[0]!, { dueDate: '2019-03-31', forceLead: 'ACC Smith', deliveryLead: 'Supt Jones', governanceGroupId: group.id })
  await patch(ids[1]!, { dueDate: '2020-01-15', forceLead: 'acc smith', governanceGroupId: group.id, portalStatus: 'not_on_portal', portalNote: 'Raised locally, never on the portal' })
  await patch(ids[2]!, { dueDate: '2031-12-31', deliveryLead: 'DI "Quoted", with comma', portalStatus: 'closed', portalNote: 'Closed in error on the portal' })
  await patch(ids[3]!, { statusNote: '=SUM(A1:A2) looks like a formula', deadlineText: 'Within three months' })
  await patch(ids[4]!, { dueDate: '2019-03-31', forceLead: 'ACC Smith' })
  if (closed[0]) await patch(closed[0].id, { portalStatus: 'open', portalNote: 'Awaiting central sign-off' })
  await api('POST', '/v1/closure-requests', { findingId: ids[5]!, summary: 'All actions complete; evidence attached.' })
  await patch(ids[5]!, { dueDate: '2019-06-30' })

  const detail = (await api('GET', `/v1/findings/${ids[0]!}`)).body as { actions: Array<{ id: string; version: number }> }
  const withActions = detail.actions.length > 0 ? ids[0]! : (await pool.query<{ finding_id: string }>('select finding_id from finding_actions limit 1')).rows[0]?.finding_id
  if (withActions) {
    const actions = ((await api('GET', `/v1/findings/${withActions}`)).body as { actions: Array<{ id: string; version: number }> }).actions
    const first = actions[0]
    if (first) await api('PATCH', `/v1/findings/${withActions}/actions/${first.id}`, { status: 'done' }, { 'if-match': `"${first.version}"` })
  }

  for (const [i, id] of [ids[0]!, ids[1]!, ids[5]!].entries()) {
    const update = (
      await api('POST', `/v1/findings/${id}/updates`, {
        position: `Position ${i + 1}: work under way`,
        activities: 'Training delivered; policy rewritten.',
        impact: i === 0 ? null : 'Fewer repeat victims.',
        evidence: [{ title: 'Policy v2', kind: 'policy', location: 'intranet/policies/v2', date: '2020-02-01' }],
        ongoingActions: [
          { description: `Audit compliance ${i + 1}`, expectedCompletion: '2020-03-31' },
          { description: `Refresh training ${i + 1}`, expectedCompletion: '2019-12-31', status: 'not_started' },
          { description: `Evaluate ${i + 1}`, expectedCompletion: '2032-01-31', anticipatedImpact: 'Better outcomes' },
          { description: `Undated ${i + 1}` }
        ]
      })
    ).body as { ongoingActions: Array<{ id: string; version: number }> }
    const done = update.ongoingActions[0]
    if (i === 1 && done) await api('PATCH', `/v1/findings/${id}/ongoing-actions/${done.id}`, { status: 'completed' }, { 'if-match': `"${done.version}"` })
  }
  await api('POST', `/v1/findings/${ids[0]!}/reviews`, { outcome: 'embed_and_sustain', rationale: 'More to do before closure.', governanceGroupId: group.id })

  // A finding with no inspection (the summary's uncategorised line) and one whose text has line breaks.
  await api('POST', '/v1/findings', {
    force,
    reference: 'BENCH-1',
    kind: 'area_for_improvement',
    title: 'Uncategorised, with "quotes", commas',
    text: 'First line.\nSecond line, with a comma.\r\nThird: safeguarding hub.',
    questions: [{ framework: 'peel-2018', ref: '3' }],
    dueDate: '2019-01-01',
    portalStatus: 'not_on_portal',
    actions: [{ text: 'One' }, { text: '+Two', status: 'done' }]
  })
  // A second force with a register of one, so the samples cover more than one force.
  const other = (await pool.query<{ code: string }>('select code from forces where code <> $1 order by code limit 1', [force])).rows[0]
  if (other) {
    await api('POST', '/v1/findings', {
      force: other.code,
      reference: 'BENCH-2',
      kind: 'recommendation',
      title: 'Improve safeguarding referrals',
      text: 'The force should improve how it refers vulnerable victims to safeguarding partners.',
      dueDate: '2019-09-30',
      status: 'open',
      actions: [{ text: 'Review referral forms' }]
    })
  }
}

async function samplesOf(pool: pg.Pool): Promise<BaselineSamples[]> {
  const { rows: forces } = await pool.query<{ force_code: string }>('select force_code from findings group by force_code order by count(*) desc, force_code limit 3')
  const queries = ['safeguarding', 'stop and search', '"domestic abuse" OR victims -training', 'the']
  const asOfs = ['2020-06-30', '2019-12-31', '2031-01-01']
  const samples: BaselineSamples[] = []
  for (const [f, { force_code: force }] of forces.entries()) {
    const { rows } = await pool.query<{ id: string }>(
      `select f.id from findings f left join finding_actions a on a.finding_id = f.id where f.force_code = $1
       group by f.id order by count(a.id) desc, f.id limit 2`,
      [force]
    )
    for (const [i, { id }] of rows.entries()) {
      samples.push({ force, findingId: id, q: queries[(f + i * 2) % queries.length]!, asOf: asOfs[(f + i) % asOfs.length]! })
    }
  }
  return samples
}

async function main(): Promise<void> {
  const config = { ...loadConfig(), logLevel: 'silent' as const, webhooksEnabled: false }
  if (config.databaseUrl === null) throw new Error('DATABASE_URL is required: a PostgreSQL database with the example register loaded')
  if (config.adminApiKey === null) throw new Error("ADMIN_API_KEY is required: the database's admin key")

  const database = await openDatabase(config, pino({ level: 'silent' }))
  await prepareDatabase(database, config, pino({ level: 'silent' }))
  const real = await buildApp({ server: serverOptions(config), database })
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolMax })
  const baseline = await buildBaseline(pool)
  let failed = false
  try {
    const realUrl = await real.listen({ host: '127.0.0.1', port: 0 })
    const baselineUrl = await baseline.listen({ host: '127.0.0.1', port: 0 })
    const api = apiOf(realUrl, config.adminApiKey)
    await api('GET', '/v1/forces?limit=1').catch(() => {
      throw new Error('ADMIN_API_KEY is not a key of this database')
    })
    if (process.argv.includes('--enrich')) {
      const first = await pool.query<{ force_code: string }>('select force_code from findings group by force_code order by count(*) desc limit 1')
      if (!first.rows[0]) throw new Error('no findings: load the example register first (npm run example:load)')
      await enrich(api, pool, first.rows[0].force_code)
    }

    const samples = await samplesOf(pool)
    if (samples.length === 0) throw new Error('no findings: load the example register first (npm run example:load)')
    const byScenario = new Map<string, { paths: number; differences: string[] }>()
    for (const sample of samples) {
      for (const result of await checkScenarios(realUrl, baselineUrl, config.adminApiKey, sample)) {
        const entry = byScenario.get(result.scenario) ?? { paths: 0, differences: [] }
        entry.paths++
        entry.differences.push(...result.differences.map((d) => `${result.path}: ${d}`))
        byScenario.set(result.scenario, entry)
      }
    }
    for (const [scenario, { paths, differences }] of byScenario) {
      failed ||= differences.length > 0
      process.stdout.write(`${differences.length === 0 ? 'pass' : 'FAIL'} ${scenario}: ${paths} requests compared${differences.length === 0 ? '' : `, ${differences.length} differences`}\n`)
      for (const difference of differences.slice(0, 10)) process.stdout.write(`     ${difference}\n`)
    }
  } finally {
    await baseline.close()
    await pool.end()
    await real.close()
    await database.close()
  }
  process.exit(failed ? 1 : 0)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`check-baseline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  })
}
