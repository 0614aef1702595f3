/**
 * How long importing a register takes, measured at the source (applyDocument, no HTTP): a
 * document of N new findings (each with two actions, and with --progress one update, one ongoing
 * action and one review) goes into a scratch database made for the run and dropped after it.
 * Each size is imported twice: the first import creates everything, the second finds it all
 * unchanged.
 *
 *   node --import tsx bench/import-timing.ts [--findings 10000,2000] [--progress] [--embedded]
 *
 * DATABASE_URL names the server (the local one on port 55432 unless set); --embedded times PGlite
 * instead, in memory.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import pino from 'pino'
import { loadConfig } from '../src/config.ts'
import { type DatabaseHandle, PGLITE_OPTIONS, openDatabase } from '../src/db/connect.ts'
import { applyDocument } from '../src/domain/exchange/apply-document.ts'
import { type RegisterDocument, checkDocument } from '../src/domain/exchange/register-document.ts'
import { prepareDatabase } from '../src/prepare.ts'
import { importDocument } from './import-document.ts'

const argument = (name: string) => {
  const at = process.argv.indexOf(name)
  return at === -1 ? undefined : process.argv[at + 1]
}
const sizes = (argument('--findings') ?? '10000').split(',').map(Number)
const withProgress = process.argv.includes('--progress')
const embedded = process.argv.includes('--embedded')
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:55432/postgres'
const FORCE = 'cleveland'
const ACTOR = { keyId: null, requestId: 'bench:import-timing' }

/** The document bench/run.ts imports over HTTP, optionally with progress records. */
function registerOf(n: number): RegisterDocument {
  return checkDocument(importDocument(FORCE, n, { progress: withProgress }))
}

async function scratchDatabase(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  const logger = pino({ level: 'silent' })
  const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), databaseStatementTimeoutMs: 600_000 }
  if (embedded) {
    const handle = await openDatabase({ ...config, databaseUrl: null }, logger, { pglite: await PGlite.create(PGLITE_OPTIONS) })
    await prepareDatabase(handle, config, logger)
    return { handle, drop: () => handle.close() }
  }
  const name = `peel_import_timing_${randomBytes(4).toString('hex')}`
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    try {
      await client.query(statement)
    } finally {
      await client.end()
    }
  }
  await admin(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  try {
    const handle = await openDatabase({ ...config, databaseUrl: url.toString() }, logger)
    await prepareDatabase(handle, config, logger)
    return {
      handle,
      drop: async () => {
        await handle.close()
        await admin(`drop database if exists ${name} with (force)`)
      }
    }
  } catch (error) {
    await admin(`drop database if exists ${name} with (force)`)
    throw error
  }
}

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2)
/** This process's peak resident memory so far, in MB (Linux; 0 elsewhere). */
const peakMb = () => {
  try {
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024)
  } catch {
    return 0
  }
}

for (const n of sizes) {
  const doc = registerOf(n)
  const { handle, drop } = await scratchDatabase()
  try {
    let started = performance.now()
    const first = await applyDocument(handle.db, ACTOR, doc)
    const firstSeconds = seconds(started)
    started = performance.now()
    const second = await applyDocument(handle.db, ACTOR, doc)
    const secondSeconds = seconds(started)
    if (first.findings.created !== n || second.findings.unchanged !== n) throw new Error(`unexpected reports: ${JSON.stringify({ first, second })}`)
    process.stdout.write(`${embedded ? 'embedded' : 'postgres'}: ${n} findings${withProgress ? ' with progress' : ''}: import ${firstSeconds} s, again (all unchanged) ${secondSeconds} s; peak RSS ${peakMb()} MB\n`)
  } finally {
    await drop()
  }
}
