import { randomBytes } from 'node:crypto'
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import { migrations } from '../../migrations/index.ts'
import type { Config } from '../config.ts'
import { PGLITE_OPTIONS } from './connect.ts'
import { DataDirLockedError, acquireDataDirLock } from './data-dir-lock.ts'

/**
 * Backup and restore of the embedded database: a gzipped tar of its data folder, the format PGlite
 * itself dumps and loads. (PostgreSQL is backed up with pg_dump and pg_restore; see the README.)
 * The folder is opened only under its data-dir lock, so a copy is never taken from, nor written
 * into, a database the service is using.
 */

export class BackupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupError'
  }
}

export interface BackupResult {
  file: string
  bytes: number
  /** The last migration the backed-up schema had: which release it belongs to. */
  lastMigration: string | null
}

export interface RestoreResult {
  dataDir: string
  lastMigration: string | null
  /** Migrations of this release the backup lacks: the service applies them on its next start. */
  pendingMigrations: string[]
  /** Migrations the backup has that this release does not know: it came from a newer release. */
  unknownMigrations: string[]
}

/** The folder the commands work on. With DATABASE_URL set, PostgreSQL's own tools are the way. */
export function embeddedDataDir(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl !== null) {
    throw new BackupError(
      'DATABASE_URL is set: these commands back up and restore the embedded database only. ' +
        'Back up PostgreSQL with pg_dump -Fc and restore it with pg_restore (README, "Backup and restore").'
    )
  }
  return config.dataDir
}

// The lock file of data-dir-lock.ts, and the candidates it links from: never part of a backup.
const LOCK_FILE = 'peel-register.lock'
const STAGING_PREFIX = '.restore-'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

function isLockFile(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`)
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false
  )
}

async function lock(dataDir: string, doing: string): Promise<() => Promise<void>> {
  try {
    return await acquireDataDirLock(dataDir)
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error
    throw new BackupError(
      `Cannot ${doing} ${dataDir}: the embedded database there is in use by another process (pid ${error.pid}), ` +
        'most likely the service. Stop it first: the database must not change while it is copied.'
    )
  }
}

async function appliedMigrations(pglite: PGlite): Promise<string[] | null> {
  const table = await pglite.query<{ found: boolean }>(`select to_regclass('public.kysely_migration') is not null as found`)
  if (!table.rows[0]?.found) return null
  const result = await pglite.query<{ name: string }>('select name from kysely_migration order by name')
  return result.rows.map((row) => row.name)
}

/**
 * Writes a gzipped tar of the embedded database in `dataDir` to `file`. Takes the folder's lock for
 * the few seconds it needs (and fails with a BackupError if the service holds it), checkpoints, and
 * writes the file under a temporary name first, so `file` is either the whole backup or untouched.
 */
export async function backupEmbedded(dataDir: string, file: string): Promise<BackupResult> {
  // Opening a folder with no database in it would create one: refuse instead.
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    throw new BackupError(`There is no embedded database in ${dataDir}: nothing to back up. Is DATA_DIR right?`)
  }
  const release = await lock(dataDir, 'back up')
  let tar: Uint8Array
  let applied: string[] | null
  try {
    const pglite = await PGlite.create(dataDir, PGLITE_OPTIONS)
    try {
      applied = await appliedMigrations(pglite)
      // Everything in the data files, not only in the write-ahead log: the copy starts clean.
      await pglite.exec('checkpoint')
      tar = new Uint8Array(await (await pglite.dumpDataDir('none')).arrayBuffer())
    } finally {
      await pglite.close()
    }
  } finally {
    await release()
  }

  const archive = await gzipAsync(withoutEntries(tar, (name) => isLockFile(name.replace(/^\/+/, ''))))
  const partial = `${file}.partial-${process.pid}-${randomBytes(4).toString('hex')}`
  await mkdir(path.dirname(file), { recursive: true })
  try {
    await writeFile(partial, archive)
    await rename(partial, file)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  return { file, bytes: archive.length, lastMigration: applied?.at(-1) ?? null }
}

/**
 * Restores a backup made by backupEmbedded into `dataDir`. Refuses a folder that already holds
 * anything unless `force`, and a folder in use whatever `force` says. The backup is loaded and
 * checked in a staging folder inside `dataDir` (the same file system, so the final moves are
 * renames) before anything already there is removed: a bad file leaves the folder as it was.
 */
export async function restoreEmbedded(file: string, dataDir: string, options: { force?: boolean } = {}): Promise<RestoreResult> {
  const archive = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BackupError(`There is no backup file ${file}.`)
    throw error
  })
  const tar = await asTar(archive, file)

  const refuseIfNotEmpty = async () => {
    if (options.force) return
    const held = await contents(dataDir)
    if (held.length > 0) {
      throw new BackupError(
        `${dataDir} is not empty (it holds ${held.slice(0, 3).join(', ')}${held.length > 3 ? ', ...' : ''}). ` +
          'Restore into a new or empty folder, or pass --force to replace what it holds (it will be lost).'
      )
    }
  }
  await refuseIfNotEmpty()
  await mkdir(dataDir, { recursive: true })
  const release = await lock(dataDir, 'restore into')
  try {
    // Checked again under the lock: the folder may have been filled since.
    await refuseIfNotEmpty()
    const staging = await mkdtemp(path.join(dataDir, STAGING_PREFIX))
    try {
      const applied = await loadAndCheck(tar, staging, file)
      for (const name of await readdir(staging)) {
        if (isLockFile(name)) await rm(path.join(staging, name), { force: true })
      }
      for (const name of await contents(dataDir, { withStaging: true })) {
        if (path.join(dataDir, name) !== staging) await rm(path.join(dataDir, name), { recursive: true, force: true })
      }
      for (const name of await readdir(staging)) await rename(path.join(staging, name), path.join(dataDir, name))
      const known = Object.keys(migrations)
      return {
        dataDir,
        lastMigration: applied.at(-1) ?? null,
        pendingMigrations: known.filter((name) => !applied.includes(name)),
        unknownMigrations: applied.filter((name) => !known.includes(name))
      }
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  } finally {
    await release()
  }
}

/** What a folder holds, leaving out the lock and (unless asked) staging folders of a restore that was cut short. */
async function contents(dataDir: string, { withStaging = false } = {}): Promise<string[]> {
  const names = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  return names.filter((name) => !isLockFile(name) && (withStaging || !name.startsWith(STAGING_PREFIX)))
}

async function loadAndCheck(tar: Uint8Array, staging: string, file: string): Promise<string[]> {
  let pglite: PGlite
  try {
    pglite = await PGlite.create(staging, { ...PGLITE_OPTIONS, loadDataDir: new Blob([tar], { type: 'application/x-tar' }) })
  } catch (error) {
    throw new BackupError(`${file} could not be loaded as a database: ${(error as Error).message}`)
  }
  try {
    const applied = await appliedMigrations(pglite)
    if (applied === null) throw new BackupError(`${file} holds a database, but not a peel-register one (it has no migrations table).`)
    return applied
  } finally {
    await pglite.close()
  }
}

async function asTar(archive: Buffer, file: string): Promise<Uint8Array> {
  const gzipped = archive.length > 2 && archive[0] === 0x1f && archive[1] === 0x8b
  let tar: Uint8Array = archive
  if (gzipped) {
    try {
      tar = await gunzipAsync(archive)
    } catch (error) {
      throw new BackupError(`${file} is damaged: ${(error as Error).message}`)
    }
  }
  const isTar = tar.length >= 1024 && Buffer.from(tar.subarray(257, 262)).toString('latin1') === 'ustar'
  if (!isTar) throw new BackupError(`${file} is not a backup of the embedded database (a tar or .tar.gz made by db:backup).`)
  return tar
}

const BLOCK = 512

/** A tar with the entries whose names match `drop` left out. Reads only what PGlite writes: ustar headers, octal sizes. */
function withoutEntries(tar: Uint8Array, drop: (name: string) => boolean): Uint8Array {
  const kept: Uint8Array[] = []
  let offset = 0
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK)
    if (header.every((byte) => byte === 0)) break
    const size = parseInt(field(header, 124, 12).trim() || '0', 8)
    const end = offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK
    const prefix = field(header, 345, 155)
    const name = prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`
    if (!drop(name)) kept.push(tar.subarray(offset, end))
    offset = end
  }
  kept.push(new Uint8Array(2 * BLOCK))
  return Buffer.concat(kept)
}

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length)
  const nul = bytes.indexOf(0)
  return Buffer.from(nul === -1 ? bytes : bytes.subarray(0, nul)).toString('utf8')
}
