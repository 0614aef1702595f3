import { type ChildProcess, spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'

/** The service as `npm start` runs it, in a child process on its own embedded database. */
export interface RunningService {
  baseUrl: string
  /** The admin key printed on first start. */
  adminKey: string
  output: () => string
  stop: () => Promise<void>
}

const PROJECT_ROOT = new URL('../../', import.meta.url)

export async function startService(dataDir: string, timeoutMs = 90_000): Promise<RunningService> {
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: '', ADMIN_API_KEY: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
  }

  try {
    const baseUrl = (await listening(child, () => output, timeoutMs)).baseUrl
    const adminKey = /^\s+(prk_[A-Za-z0-9_-]{43})$/m.exec(output)?.[1]
    if (!adminKey) throw new Error(`the service printed no first admin key:\n${output}`)
    return { baseUrl, adminKey, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

/** CHROMIUM_PATH if set (it must exist), else the first Chromium found where Debian and Google install it. */
export async function findChromium(): Promise<string | null> {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CHROMIUM_CANDIDATES
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here: try the next one
    }
  }
  return null
}

/**
 * Waits until a service in a child process logs that it listens, and answers its address; fails
 * with what it printed if it exits first or takes longer than `timeoutMs`.
 */
export function listening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<{ baseUrl: string; port: number }> {
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:(\d+))/.exec(output())
      if (match) done(() => resolve({ baseUrl: match[1]!, port: Number(match[2]) }))
    }, 50)
    const deadline = setTimeout(() => done(() => reject(new Error(`the service did not listen within ${timeoutMs} ms:\n${output()}`))), timeoutMs)
    const onExit = (code: number | null) => done(() => reject(new Error(`the service exited with ${code}:\n${output()}`)))
    child.once('exit', onExit)
    function done(settle: () => void) {
      clearInterval(poll)
      clearTimeout(deadline)
      child.off('exit', onExit)
      settle()
    }
  })
}
