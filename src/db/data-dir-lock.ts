import { link, readFile, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another process (pid ${pid}). ` +
        'Stop it, or point DATA_DIR at another folder, or set DATABASE_URL to share a PostgreSQL server.'
    )
    this.name = 'DataDirLockedError'
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The embedded database is single-process: a second process opening the same folder would corrupt
 * it. A lock file holding the owner's pid keeps a second instance out; a lock left by a process
 * that died is taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'peel-register.lock')
  // Written aside and linked into place, so the lock never exists without its owner's pid.
  const candidate = `${lockPath}.${process.pid}`
  await writeFile(candidate, String(process.pid))
  try {
    return await takeLock(dataDir, lockPath, candidate)
  } finally {
    await unlink(candidate).catch(() => {})
  }
}

async function takeLock(dataDir: string, lockPath: string, candidate: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await link(candidate, lockPath)
      let released = false
      return async () => {
        if (released) return
        released = true
        await unlink(lockPath).catch(() => {})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim())
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new DataDirLockedError(dataDir, owner)
      }
      if (owner === process.pid) throw new DataDirLockedError(dataDir, owner)
      await unlink(lockPath).catch(() => {})
    }
  }
  throw new Error(`Could not lock ${dataDir}`)
}
