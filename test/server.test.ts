import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { backend } from './helper.ts'

/**
 * The service as a new user runs it: `npm start` (scripts/start.js) in its own process, on a fresh embedded
 * database, then stopped with SIGTERM and started again on the same folder.
 */
interface Running {
  child: ChildProcess
  baseUrl: string
  output: () => string
}

async function start(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['scripts/start.js'], {
    env: { ...process.env, DATABASE_URL: '', ADMIN_API_KEY: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match) {
        clearInterval(timer)
        resolve(match[1]!)
      }
    }, 50)
    child.on('exit', (code) => {
      clearInterval(timer)
      reject(new Error(`server exited with ${code}: ${output}`))
    })
  })
  return { child, baseUrl, output: () => output }
}

function stop(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.on('exit', (code) => resolve(code))
    running.child.kill(signal)
  })
}

if (backend !== 'embedded') {
  t.pass('the quick-start path runs on the embedded database only')
} else {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'peel-register-server-'))
  t.teardown(() => rm(dataDir, { recursive: true, force: true }))

  t.test('first start prints a key once; it works; it survives a restart; SIGTERM stops cleanly', async (t) => {
    const first = await start(dataDir)
    const key = /^\s+(prk_[A-Za-z0-9_-]{43})$/m.exec(first.output())?.[1]
    t.ok(key, 'the first admin key is printed')

    const forces = await fetch(`${first.baseUrl}/v1/forces?limit=1`, { headers: { authorization: `Bearer ${key}` } })
    t.equal(forces.status, 200)
    t.equal(((await forces.json()) as { items: { code: string }[] }).items[0]?.code, 'avon-and-somerset')
    t.equal((await fetch(`${first.baseUrl}/docs/`)).status, 200, 'Swagger UI is up')

    const logLines = first.output().split('\n').filter((l) => l.startsWith('{'))
    t.ok(logLines.some((l) => JSON.parse(l).requestId), 'JSON logs carry the request id')
    t.notOk(logLines.some((l) => l.includes(key!)), 'the key never appears in a log line')
    t.equal(await stop(first), 0, 'SIGTERM: exits 0 after draining')

    const second = await start(dataDir)
    t.notMatch(second.output(), /First start/, 'no second key on restart')
    const again = await fetch(`${second.baseUrl}/v1/forces/cleveland`, { headers: { authorization: `Bearer ${key}` } })
    t.equal(again.status, 200, 'the key still works after a restart')
    t.equal(await stop(second, 'SIGINT'), 0)
  })
}
