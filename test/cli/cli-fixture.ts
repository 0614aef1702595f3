/** Runs the real command line as a child process, on a database of the test file's own. */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pino from 'pino'
import type { Test } from 'tap'
import { loadConfig } from '../../src/config.ts'
import { PGLITE_OPTIONS, openDatabase } from '../../src/db/connect.ts'
import type { Db } from '../../src/db/database.ts'
import { PGLITE_TEMPLATE, PG_TEMPLATE_DB, TEST_SERVICE_ROLE, adminQuery, testDatabaseUrl, withDatabase } from '../setup/template.ts'

export const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = path.join(root, 'bin', 'peel-register.js')

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliDatabase {
  /** The environment that points the command line at this database. */
  env: Record<string, string>
  /** A folder for the test's files, removed at the end. */
  work: string
  /** Runs `peel-register ...args` on this database (plus `env`). */
  run(args: string[], env?: Record<string, string>): Promise<Run>
  /** Opens the database for a look between commands (the embedded one admits one process at a time). */
  inspect<T>(look: (db: Db) => Promise<T>): Promise<T>
}

/**
 * `peel-register ...args` as a user runs it: the bin launcher, in the project folder, without the
 * loaders tap puts in NODE_OPTIONS.
 */
export async function runCli(args: string[], env: Record<string, string>, cwd = root): Promise<Run> {
  const inherited = { ...process.env }
  delete inherited.NODE_OPTIONS
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...inherited, DATABASE_URL: '', LOG_LEVEL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, stdout, stderr }
}

/**
 * A database for one test file: an embedded data folder, or with DATABASE_URL set a scratch
 * PostgreSQL database. Made from the run's prepared template (migrated, reference data loaded)
 * unless `empty`: then the folder does not exist yet, or the PostgreSQL database has nothing in it.
 */
export async function cliDatabase(t: Test, { empty = false } = {}): Promise<CliDatabase> {
  const work = await mkdtemp(path.join(tmpdir(), 'peel-register-cli-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  const url = testDatabaseUrl()
  let env: Record<string, string>
  if (url === null) {
    const dataDir = path.join(work, 'data')
    if (!empty) {
      const seed = await PGlite.create(dataDir, { ...PGLITE_OPTIONS, loadDataDir: new Blob([await readFile(PGLITE_TEMPLATE)]) })
      await seed.close()
    }
    env = { DATA_DIR: dataDir, DATABASE_SERVICE_ROLE: TEST_SERVICE_ROLE }
  } else {
    const name = `peel_register_cli_${randomBytes(6).toString('hex')}`
    await adminQuery(url, empty ? `create database ${name}` : `create database ${name} template ${PG_TEMPLATE_DB}`)
    t.teardown(() => adminQuery(url, `drop database if exists ${name} with (force)`))
    env = { DATABASE_URL: withDatabase(url, name), DATABASE_SERVICE_ROLE: TEST_SERVICE_ROLE }
  }
  return {
    env,
    work,
    run: (args, extra = {}) => runCli(args, { ...env, ...extra }),
    async inspect(look) {
      const config = loadConfig({ LOG_LEVEL: 'silent', ...env })
      const database = await openDatabase(config, pino({ level: 'silent' }))
      try {
        return await look(database.db)
      } finally {
        await database.close()
      }
    }
  }
}
