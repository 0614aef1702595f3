/**
 * What a hostile upload costs everyone else: the service is started as `npm start` runs it (the
 * bundle, 512 MB of heap), then every attack of test/exchange/hostile-files.ts is posted to
 * `POST /v1/imports?dryRun=true` by one force's registrar while another client reads another
 * force's findings every 20 ms. Reports the files tried, the largest resident memory the service
 * reached (its RSS, read from /proc) and the slowest of the other force's requests during the attacks.
 *
 *   node --import tsx bench/import-attacks.ts [--rounds 2]
 *
 * The service runs on embedded PGlite in a scratch folder, or on DATABASE_URL when set.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { hostileFiles } from '../test/exchange/hostile-files.ts'
import { XLSX, multipart } from '../test/exchange/multipart.ts'
import { workbook } from '../test/exchange/workbook-zip.ts'

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 2)
const port = 30_000 + Math.floor(Math.random() * 20_000)
const base = `http://127.0.0.1:${port}`
const adminKey = `prk_${randomBytes(24).toString('hex')}`
const dataDir = await mkdtemp(path.join(tmpdir(), 'peel-attacks-'))

const service = spawn(process.execPath, ['--max-old-space-size=512', 'scripts/start.js'], {
  cwd: new URL('../', import.meta.url).pathname,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_API_KEY: adminKey, LOG_LEVEL: 'warn', RATE_LIMIT_PER_KEY: '0', RATE_LIMIT_PER_ADDRESS: '0' },
  stdio: ['ignore', 'inherit', 'inherit']
})

async function rssMb(): Promise<number> {
  const status = await readFile(`/proc/${service.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

const call = async (method: string, url: string, key: string, body?: { payload: Buffer; headers: Record<string, string> } | object) => {
  const isUpload = body !== undefined && 'payload' in body
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(isUpload ? body.headers : body ? { 'content-type': 'application/json' } : {}) },
    body: isUpload ? new Uint8Array(body.payload) : body ? JSON.stringify(body) : undefined
  })
  return { status: response.status, json: (await response.json().catch(() => null)) as Record<string, unknown> | null }
}

try {
  for (let i = 0; ; i++) {
    if (i > 300) throw new Error('the service did not start')
    if (await fetch(`${base}/health/live`).then((r) => r.ok).catch(() => false)) break
    await sleep(200)
  }
  const keyFor = async (role: string, force: string) => (await call('POST', '/v1/api-keys', adminKey, { name: `bench ${role} ${force}`, role, force })).json!.key as string
  const registrar = await keyFor('registrar', 'cleveland')
  const viewer = await keyFor('viewer', 'durham')

  const upload = (filename: string, data: Buffer) =>
    call('POST', '/v1/imports?force=cleveland&dryRun=true', registrar, multipart([{ field: 'file', filename, contentType: filename.endsWith('.csv') ? 'text/csv' : XLSX, data }]))
  const genuine = workbook({
    sheets: [{ name: 'Findings', rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>Reference</t></is></c><c r="B1" t="inlineStr"><is><t>Kind</t></is></c><c r="C1" t="inlineStr"><is><t>Text</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>B-1</t></is></c><c r="B2" t="inlineStr"><is><t>AFI</t></is></c><c r="C2" t="inlineStr"><is><t>The force should do better.</t></is></c></row>' }]
  })
  const check = await upload('genuine.xlsx', genuine)
  if (check.status !== 200 || check.json?.valid !== true) throw new Error(`a genuine workbook did not import: ${JSON.stringify(check)}`)

  let probing = true
  let attacking = false
  const during: number[] = []
  const before: number[] = []
  let peakRss = await rssMb()
  const baselineRss = peakRss
  const prober = (async () => {
    while (probing) {
      const started = performance.now()
      const { status } = await call('GET', '/v1/findings?force=durham&limit=20', viewer)
      const took = performance.now() - started
      if (status !== 200) throw new Error(`another force's request failed: ${status}`)
      ;(attacking ? during : before).push(took)
      peakRss = Math.max(peakRss, await rssMb())
      await sleep(20)
    }
  })()
  await sleep(5_000)

  const files = hostileFiles()
  const outcomes = new Map<string, number>()
  attacking = true
  for (let round = 0; round < rounds; round++) {
    for (const file of files) {
      const { status } = await upload(file.filename, file.data)
      if (status !== file.status) throw new Error(`${file.name}: ${status}, expected ${file.status}`)
      outcomes.set(file.name, status)
    }
  }
  attacking = false
  await sleep(2_000)
  const settledRss = await rssMb()
  probing = false
  await prober

  process.stdout.write(`files tried: ${files.length} kinds x ${rounds} rounds = ${files.length * rounds} uploads, every one answered as expected` + '\n')
  process.stdout.write(`service RSS: ${baselineRss.toFixed(0)} MB before, ${peakRss.toFixed(0)} MB at most, ${settledRss.toFixed(0)} MB after` + '\n')
  const summary = (times: number[]) => {
    const sorted = [...times].sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1)
    return `median ${at(0.5)} ms, p99 ${at(0.99)} ms, slowest ${sorted.at(-1)!.toFixed(1)} ms (${times.length} requests)`
  }
  process.stdout.write(`another force's requests before the attacks: ${summary(before)}` + '\n')
  process.stdout.write(`another force's requests during the attacks: ${summary(during)}` + '\n')
} finally {
  service.kill('SIGTERM')
  await new Promise((resolve) => service.once('exit', resolve))
  await rm(dataDir, { recursive: true, force: true })
}
