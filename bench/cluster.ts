import { execFileSync, execSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * A throwaway PostgreSQL cluster, as CI starts one: PostgreSQL's own binaries, a temporary data
 * folder, a random port, fsync off (the benchmark measures the service, not the disk). As root it
 * runs as the postgres user, which PostgreSQL insists on.
 */
export interface Cluster {
  url: string
  stop(): void
}

function binDir(): string {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
    for (const version of versions) if (existsSync(path.join(root, version, 'bin', 'pg_ctl'))) return path.join(root, version, 'bin')
  }
  return path.dirname(execSync('command -v pg_ctl', { encoding: 'utf8' }).trim())
}

export function startCluster(options: { sharedBuffers?: string } = {}): Cluster {
  const bin = binDir()
  const dir = mkdtempSync(path.join(tmpdir(), 'peel-register-bench-pg-'))
  const asRoot = process.getuid?.() === 0
  const run = (command: string) => (asRoot ? execFileSync('su', ['postgres', '-s', '/bin/bash', '-c', command], { stdio: 'pipe' }) : execSync(command, { stdio: 'pipe' }))
  if (asRoot) execFileSync('chown', ['postgres', dir])
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  run(`'${bin}/initdb' -D '${dir}/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8`)
  const settings = `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=${options.sharedBuffers ?? '512MB'}`
  run(`'${bin}/pg_ctl' -D '${dir}/data' -l '${dir}/server.log' -w -o "${settings}" start`)
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run(`'${bin}/pg_ctl' -D '${dir}/data' -m immediate stop`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
