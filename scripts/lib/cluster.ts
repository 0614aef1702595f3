import { execFile, execSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/**
 * A throwaway PostgreSQL cluster, as CI starts one: PostgreSQL's own binaries, a temporary data
 * folder, a free port, fsync off (what is measured or tested is the service, not the disk). As
 * root it runs as the postgres user, which PostgreSQL insists on. The benchmark uses one for a
 * server of its own; the fault tests use one to stop and start under load, which a shared server
 * must never be.
 */
export interface Cluster {
  /** A connection string for the `postgres` database of the cluster. */
  url: string
  /** Stops the server, keeping its data: `pg_ctl stop -m fast` (sessions are ended, no crash recovery). */
  stop(): Promise<void>
  /** Starts it again on the same port and data, and waits until it accepts connections. */
  start(): Promise<void>
  /** Stops the server at once and deletes its folder. */
  destroy(): Promise<void>
}

/** The folder of PostgreSQL's server binaries (initdb, pg_ctl), or null when none is installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
    for (const version of versions) {
      const bin = path.join(root, version, 'bin')
      if (existsSync(path.join(bin, 'pg_ctl')) && existsSync(path.join(bin, 'initdb'))) return bin
    }
  }
  try {
    const pgCtl = execSync('command -v pg_ctl', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const bin = path.dirname(pgCtl)
    return pgCtl !== '' && existsSync(path.join(bin, 'initdb')) ? bin : null
  } catch {
    return null
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export async function startCluster(options: { sharedBuffers?: string } = {}): Promise<Cluster> {
  const bin = postgresBinDir()
  if (bin === null) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) were not found: install PostgreSQL')
  const dir = mkdtempSync(path.join(tmpdir(), 'peel-register-pg-'))
  const asRoot = process.getuid?.() === 0
  const run = async (command: string) => {
    // Asynchronous, so that whatever the caller runs meanwhile (a load, a server) keeps running.
    if (asRoot) await execFileAsync('su', ['postgres', '-s', '/bin/bash', '-c', command])
    else await execFileAsync('/bin/bash', ['-c', command])
  }
  if (asRoot) await execFileAsync('chown', ['postgres', dir])
  const port = await freePort()
  const data = `'${dir}/data'`
  const logFile = path.join(dir, 'server.log')
  const settings = [
    `-p ${port}`,
    `-k '${dir}'`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c max_connections=200',
    `-c shared_buffers=${options.sharedBuffers ?? '512MB'}`
  ].join(' ')
  const pgCtl = (action: string) => run(`'${bin}/pg_ctl' -D ${data} -l '${logFile}' -w -o "${settings}" ${action}`)
  try {
    await run(`'${bin}/initdb' -D ${data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8`)
    await pgCtl('start')
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => pgCtl('-m fast stop'),
    start: () => pgCtl('start'),
    async destroy() {
      try {
        await run(`'${bin}/pg_ctl' -D ${data} -m immediate stop`).catch(() => undefined)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}

