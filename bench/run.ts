/**
 * `npm run bench`: the service against a naive baseline at national scale, measured the way
 * STACK.md asks: server and load generator on different cores, warm-up first, then alternating
 * A/B pairs, the median ratio quoted. `--quick` runs a small data set in a few minutes.
 * DATABASE_URL points it at a server of your own (it makes and drops a database there);
 * otherwise it starts a throwaway cluster.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import http from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import pino from 'pino'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/connect.ts'
import { prepareDatabase } from '../src/prepare.ts'
import { checkBaseline } from './baseline.ts'
import { type Cluster, startCluster } from '../scripts/lib/cluster.ts'
import { NATIONAL, QUICK, generate, sampleIds } from './generate.ts'
import { importDocument } from './import-document.ts'
import type { LoadResult, LoadSpec } from './load.ts'

const quick = process.argv.includes('--quick')
const KEY = 'prk_benchmark-national-admin-key-0123456789'
const ROOT = path.resolve(import.meta.dirname, '..')
const SERVER_CORE = '0'
const LOAD_CORE = '1'
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0
/** Read before the runner pins itself to one core. */
const CORES = availableParallelism()
const plan = quick ? { warmup: 2, seconds: 3, pairs: 3, connections: 10, importFindings: 2000 } : { warmup: 5, seconds: 10, pairs: 5, connections: 10, importFindings: 10_000 }

/** The node arguments `npm start` runs the service with (its heap cap included), read from package.json. */
const START_ARGS = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).slice(1)

/** Days of asOf each run of a never-the-same-page scenario may use: more requests than any 10 s run makes. */
const FRESH_DAYS_PER_RUN = 20_000
const log = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`)

function pinned(core: string, command: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', core, ...command]] : [command[0]!, command.slice(1)]
}

/** Peak resident memory of a process so far (VmHWM), and now (VmRSS), in MB. */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 }
}

/** Starts a new peak (VmHWM) so the next reading is the peak of what follows; false where the kernel will not. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

async function waitFor(url: string, deadlineMs = 60_000): Promise<number> {
  const start = Date.now()
  for (;;) {
    try {
      const response = await fetch(url)
      if (response.ok) return Date.now() - start
    } catch {
      // not up yet
    }
    if (Date.now() - start > deadlineMs) throw new Error(`${url} did not answer within ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

interface Server {
  name: string
  url: string
  child: ChildProcess
}

async function startServer(name: string, nodeArgs: string[], env: Record<string, string>, ready: string): Promise<Server> {
  const port = 30_000 + Math.floor(Math.random() * 20_000)
  const [command, args] = pinned(SERVER_CORE, [process.execPath, ...nodeArgs])
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}${ready}`)
  return { name, url, child }
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const [command, args] = pinned(LOAD_CORE, [process.execPath, '--import', 'tsx', path.join(ROOT, 'bench/load.ts'), JSON.stringify(spec)])
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 })
  if (result.status !== 0) throw new Error(`load generator failed: ${result.stderr}`)
  return JSON.parse(result.stdout) as LoadResult
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

interface Row {
  scenario: string
  rps: number
  p50: number
  p99: number
  p97_5: number
  baselineRps: number | null
  ratio: number | null
  peakRssMb: number
  non2xx: number
}

async function main(): Promise<void> {
  // The runner itself measures one latency series: keep it off the server's core too.
  if (hasTaskset) spawnSync('taskset', ['-p', '-c', LOAD_CORE, String(process.pid)])
  let cluster: Cluster | null = null
  const adminUrl = process.env.DATABASE_URL ?? (cluster = await startCluster()).url
  const database = `peel_bench_${Date.now()}`
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  const databaseUrl = url.toString()
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${database}`)
  const servers: Server[] = []
  try {
    log(`preparing ${database}${cluster ? ' on a throwaway cluster' : ''}`)
    const config = loadConfig({ DATABASE_URL: databaseUrl, ADMIN_API_KEY: KEY, LOG_LEVEL: 'silent' })
    const handle = await openDatabase(config, pino({ level: 'silent' }))
    await prepareDatabase(handle, config, pino({ level: 'silent' }))
    await handle.close()

    log(`generating the ${quick ? 'quick' : 'national'} data set`)
    const data = await generate(databaseUrl, quick ? QUICK : NATIONAL)
    log(`generated ${data.findings} findings, ${data.updates} updates in ${Math.round(data.ms / 1000)} s`)
    const force = data.forces[Math.floor(data.forces.length / 2)]!
    const samples = await sampleIds(databaseUrl, force)

    // Rate limits off: one key asking a thousand times a second is what they exist to refuse.
    const env = { DATABASE_URL: databaseUrl, ADMIN_API_KEY: KEY, LOG_LEVEL: 'warn', WEBHOOKS_ENABLED: 'false', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0' }
    // The service as `npm start` runs it; the baseline through tsx, which costs it nothing once started.
    const real = await startServer('service', START_ARGS, env, '/health/ready')
    const baseline = await startServer('baseline', ['--import', 'tsx', 'bench/baseline.ts'], { DATABASE_URL: databaseUrl }, `/v1/reports/summary?force=${force}`)
    servers.push(real, baseline)

    const asOf = new Date().toISOString().slice(0, 10)
    const differences = await checkBaseline(real.url, baseline.url, KEY, { force, findingId: samples.findingIds[0]!, q: samples.searchTerms[0]!, asOf })
    if (differences.length > 0) throw new Error(`the baseline does not answer as the service does:\n${differences.join('\n')}`)

    const headers = { authorization: `Bearer ${KEY}` }
    const listPage = `/v1/findings?force=${force}&status=open&limit=50`
    // Scenarios with fresh pages never ask for the same page twice: what a page costs when the page
    // cache cannot help (a search is seldom asked again).
    const scenarios: Array<{ name: string; paths?: string[]; freshPages?: string[] }> = [
      { name: 'findings list page', paths: [listPage] },
      { name: 'findings list page, a new page each time', freshPages: [listPage] },
      { name: 'finding detail', paths: samples.findingIds.slice(0, 50).map((id) => `/v1/findings/${id}`) },
      { name: 'free-text search, a new page each time', freshPages: samples.searchTerms.slice(0, 20).map((q) => `/v1/findings?force=${force}&q=${encodeURIComponent(q)}&limit=50`) },
      { name: 'summary report', paths: [`/v1/reports/summary?force=${force}`] },
      { name: 'overdue report', paths: [`/v1/reports/overdue?force=${force}&asOf=${asOf}`] },
      { name: 'CSV export', paths: [`/v1/exports/register?force=${force}&format=csv&sheet=findings`] }
    ]

    const rows: Row[] = []
    for (const scenario of scenarios) {
      log(`measuring ${scenario.name}`)
      resetPeak(real.child.pid!)
      let run = 0
      const spec = (server: Server, seconds: number): LoadSpec => ({
        url: server.url,
        connections: plan.connections,
        seconds,
        headers,
        ...(scenario.freshPages === undefined ? { paths: scenario.paths } : { freshPages: { paths: scenario.freshPages, from: FRESH_DAYS_PER_RUN * run++ } })
      })
      await load(spec(real, plan.warmup))
      await load(spec(baseline, plan.warmup))
      const pairs: Array<{ a: LoadResult; b: LoadResult }> = []
      for (let i = 0; i < plan.pairs; i++) {
        // Alternate which goes first, so neither always meets a warmer machine.
        const [a, b] = i % 2 === 0 ? [await load(spec(real, plan.seconds)), await load(spec(baseline, plan.seconds))] : (([b2, a2]) => [a2, b2])([await load(spec(baseline, plan.seconds)), await load(spec(real, plan.seconds))])
        pairs.push({ a: a!, b: b! })
      }
      rows.push({
        scenario: scenario.name,
        rps: median(pairs.map((p) => p.a.rps)),
        p50: median(pairs.map((p) => p.a.p50)),
        p97_5: median(pairs.map((p) => p.a.p97_5)),
        p99: median(pairs.map((p) => p.a.p99)),
        baselineRps: median(pairs.map((p) => p.b.rps)),
        ratio: median(pairs.map((p) => p.a.rps / p.b.rps)),
        // The peak while this scenario ran (reset before it), where the kernel allows; else since start.
        peakRssMb: Math.round(memoryOf(real.child.pid!).peak),
        non2xx: pairs.reduce((n, p) => n + p.a.non2xx, 0)
      })
      const row = rows.at(-1)!
      log(`  ${Math.round(row.rps)} req/s (baseline ${Math.round(row.baselineRps ?? 0)}, ratio ${row.ratio?.toFixed(2)}), p50 ${row.p50} ms, p99 ${row.p99} ms, peak RSS ${row.peakRssMb} MB, non-2xx ${row.non2xx}`)
    }

    // The summary's latency on its own, one request at a time: under ten connections a single core
    // queues requests, and the queue, not the report, would set the percentile.
    const summaryAlone = await sequentialLatency(`${real.url}/v1/reports/summary?force=${force}`, headers, quick ? 300 : 1000)

    log('measuring the write mix')
    resetPeak(real.child.pid!)
    const writes = await load({ url: real.url, connections: plan.connections, seconds: plan.seconds, headers, writeMix: { findingIds: samples.findingIds } })
    rows.push({ scenario: 'write mix (GET, PATCH If-Match, POST update)', rps: writes.rps, p50: writes.p50, p97_5: writes.p97_5, p99: writes.p99, baselineRps: null, ratio: null, peakRssMb: Math.round(memoryOf(real.child.pid!).peak), non2xx: writes.non2xx })

    log(`importing a register of ${plan.importFindings} findings`)
    resetPeak(real.child.pid!)
    const importSeconds = await timeImport(real.url, force, plan.importFindings)
    const importPeakMb = Math.round(memoryOf(real.child.pid!).peak)
    const peakRssMb = Math.max(importPeakMb, ...rows.map((r) => r.peakRssMb))

    // One CSV export at a time, of a register as generated and of the one the import made larger:
    // if the export streams, what it adds to the process's memory does not grow with the register.
    log('measuring the memory of one CSV export, against the size of the register')
    const exportMemory: ExportMemory[] = []
    for (const code of [data.forces[0]!, force]) exportMemory.push(await exportAlone(real, code))
    for (const server of servers) server.child.kill('SIGTERM')
    servers.length = 0

    log('timing a warm start on the embedded database')
    const warmStartMs = await warmStart()

    report(rows, { quick, force, data, importSeconds, importPeakMb, peakRssMb, warmStartMs, summaryAlone, exportMemory })
  } finally {
    for (const server of servers) server.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 500))
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined)
    await admin.end()
    await cluster?.destroy()
  }
}

interface Latency {
  p50: number
  p95: number
  p99: number
}

/**
 * Latency percentiles of n requests sent one after another (after 50 unmeasured), in ms, over
 * one kept-alive connection of its own (the runner's event loop sleeps through each load run, so
 * a connection pooled from before may have been closed under it).
 */
async function sequentialLatency(url: string, headers: Record<string, string>, n: number): Promise<Latency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent, headers }, (response) => {
          response.resume()
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${url} answered ${response.statusCode}`))))
        })
        .on('error', reject)
    })
  const times: number[] = []
  try {
    for (let i = 0; i < n + 50; i++) {
      const started = performance.now()
      await get()
      if (i >= 50) times.push(performance.now() - started)
    }
  } finally {
    agent.destroy()
  }
  times.sort((a, b) => a - b)
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]! * 100) / 100
  return { p50: at(50), p95: at(95), p99: at(99) }
}

interface ExportMemory {
  force: string
  rows: number
  megabytes: number
  /** Resident memory before the export, and at its peak, in MB. */
  beforeMb: number
  peakMb: number
}

/** Downloads one force's findings as CSV, alone, and reads the service's memory before and at the peak. */
async function exportAlone(server: Server, force: string): Promise<ExportMemory> {
  await new Promise((resolve) => setTimeout(resolve, 1000))
  resetPeak(server.child.pid!)
  const beforeMb = memoryOf(server.child.pid!).now
  const response = await fetch(`${server.url}/v1/exports/register?force=${force}&format=csv&sheet=findings`, { headers: { authorization: `Bearer ${KEY}` } })
  let bytes = 0
  let lines = 0
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength
    for (const byte of chunk) if (byte === 10) lines++
  }
  if (response.status !== 200) throw new Error(`export failed: ${response.status}`)
  // Lines, less the header: a cell with a line break in it would count twice, and the generator writes none.
  return { force, rows: lines - 1, megabytes: Math.round((bytes / 1048576) * 10) / 10, beforeMb: Math.round(beforeMb), peakMb: Math.round(memoryOf(server.child.pid!).peak) }
}

/** A register of n new findings, imported as one JSON document; seconds from request to answer. */
async function timeImport(base: string, force: string, n: number): Promise<number> {
  const doc = importDocument(force, n)
  const body = JSON.stringify(doc)
  const started = performance.now()
  // A new connection: one kept alive since the baseline check may have been closed by the server.
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(`${base}/v1/imports`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
    })
    request.on('error', reject)
    request.end(body)
  })
  const seconds = (performance.now() - started) / 1000
  if (status !== 200) throw new Error(`import failed: ${status} ${text.slice(0, 500)}`)
  return Math.round(seconds * 100) / 100
}

/** Milliseconds from starting the service on an existing embedded data folder to /health/ready. */
async function warmStart(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'peel-register-bench-data-'))
  try {
    const times: number[] = []
    for (let i = 0; i < 3; i++) {
      const port = 30_000 + Math.floor(Math.random() * 20_000)
      // As `npm start` runs it: the bundle, built (if need be) before the first of these starts.
      const [command, args] = pinned(SERVER_CORE, [process.execPath, ...START_ARGS])
      const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn', ADMIN_API_KEY: KEY }, stdio: 'ignore' })
      const ms = await waitFor(`http://127.0.0.1:${port}/health/ready`, 120_000)
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      // The first start creates the database; the ones after are warm.
      if (i > 0) times.push(ms)
    }
    return median(times)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function report(
  rows: Row[],
  extra: {
    quick: boolean
    force: string
    data: { findings: number; updates: number }
    importSeconds: number
    importPeakMb: number
    peakRssMb: number
    warmStartMs: number
    summaryAlone: Latency
    exportMemory: ExportMemory[]
  }
) {
  const fixed = (n: number | null, digits = 0) => (n === null ? '-' : n.toFixed(digits))
  const lines = [
    `| scenario | req/s | p50 ms | p99 ms | baseline req/s | ratio | peak RSS MB |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
    ...rows.map((r) => `| ${r.scenario} | ${fixed(r.rps)} | ${fixed(r.p50, 1)} | ${fixed(r.p99, 1)} | ${fixed(r.baselineRps)} | ${fixed(r.ratio, 2)} | ${r.peakRssMb} |`)
  ]
  process.stdout.write(`\n${lines.join('\n')}\n\n`)
  process.stdout.write(`data: ${extra.data.findings} findings, ${extra.data.updates} updates; measured on force ${extra.force}\n`)
  process.stdout.write(`summary report, one request at a time: p50 ${extra.summaryAlone.p50} ms, p95 ${extra.summaryAlone.p95} ms, p99 ${extra.summaryAlone.p99} ms; import of ${extra.quick ? plan.importFindings : 10_000} findings: ${extra.importSeconds} s (peak RSS ${extra.importPeakMb} MB); peak RSS: ${extra.peakRssMb} MB; warm start (embedded): ${extra.warmStartMs} ms\n`)
  const exported = extra.exportMemory.map((e) => `${e.rows} findings (${e.megabytes} MB of CSV): ${e.beforeMb} MB before, peak ${e.peakMb} MB`)
  process.stdout.write(`one CSV export alone: ${exported.join('; ')}\n`)
  process.stdout.write(`machine: ${CORES} cores, node ${process.version}${hasTaskset ? '' : ' (no taskset: not pinned)'}\n`)
  const json = {
    quick: extra.quick,
    findings: extra.data.findings,
    updates: extra.data.updates,
    scenarios: Object.fromEntries(rows.map((r) => [r.scenario, { rps: r.rps, p50: r.p50, p97_5: r.p97_5, p99: r.p99, baselineRps: r.baselineRps, ratio: r.ratio, peakRssMb: r.peakRssMb, non2xx: r.non2xx }])),
    summaryAlone: extra.summaryAlone,
    importSeconds: extra.importSeconds,
    importPeakRssMb: extra.importPeakMb,
    peakRssMb: extra.peakRssMb,
    warmStartMs: extra.warmStartMs,
    exportMemory: extra.exportMemory
  }
  process.stdout.write(`${JSON.stringify(json)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
