import { access } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../config.ts'
import type * as backups from '../db/backup.ts'
import type { Command, Io } from './command.ts'
import { CliError, EXIT } from './errors.ts'

/**
 * The embedded database's folder, and the backup module (loaded when a command runs, see main.ts).
 * A BackupError explains itself (a folder in use, not empty, not a backup ...): shown as it is.
 */
async function embedded<T>(io: Io, work: (dataDir: string, module: typeof backups) => Promise<T>): Promise<T> {
  const module = await import('../db/backup.ts')
  try {
    return await work(module.embeddedDataDir(loadConfig(io.env, io.cwd)), module)
  } catch (error) {
    if (error instanceof module.BackupError) throw new CliError(EXIT.failed, error.message)
    throw error
  }
}

export const backup: Command = {
  name: 'backup',
  summary: 'back up the embedded database (DATA_DIR) to a .tar.gz file',
  description: [
    'Writes a compressed copy of the embedded database in DATA_DIR to FILE, whole or not at all. Stop the service first: a ' +
      'folder in use is refused. PostgreSQL is backed up with pg_dump -Fc instead (README, "Backup and restore").'
  ],
  examples: ['peel-register backup backups/peel-register.tar.gz'],
  options: {},
  positionals: [{ name: 'FILE', required: true, description: 'The file to write.' }],
  async run(args, io) {
    const file = path.resolve(io.cwd, args.positionals[0]!)
    return embedded(io, async (dataDir, { backupEmbedded }) => {
      const result = await backupEmbedded(dataDir, file)
      const size = `${(result.bytes / 1_048_576).toFixed(1)} MB`
      io.stdout.write(`Backed up ${dataDir} to ${result.file} (${size}, schema at ${result.lastMigration ?? 'no migration'}).\n`)
      return EXIT.ok
    })
  }
}

export const restore: Command = {
  name: 'restore',
  summary: 'restore a backup into the embedded database (DATA_DIR)',
  description: [
    'Restores FILE, made by `backup` (or npm run db:backup), into DATA_DIR. The folder must be empty or new; --force ' +
      'replaces what it holds. The backup is checked before anything is replaced. Stop the service first. PostgreSQL is ' +
      'restored with pg_restore instead.'
  ],
  examples: ['peel-register restore backups/peel-register.tar.gz', 'DATA_DIR=/srv/peel/data peel-register restore backup.tar.gz --force'],
  options: { force: { type: 'boolean', description: 'Replace what DATA_DIR holds (it is lost).' } },
  positionals: [{ name: 'FILE', required: true, description: 'A backup made by `backup`.' }],
  async run(args, io) {
    const file = path.resolve(io.cwd, args.positionals[0]!)
    await access(file).catch(() => {
      throw new CliError(EXIT.noInput, `no such file: ${file}`)
    })
    return embedded(io, async (dataDir, { restoreEmbedded }) => {
      const result = await restoreEmbedded(file, dataDir, { force: args.flag('force') })
      io.stdout.write(`Restored ${file} into ${dataDir} (schema at ${result.lastMigration ?? 'no migration'}).\n`)
      if (result.unknownMigrations.length > 0) {
        io.stderr.write(
          `warning: the backup comes from a newer release (migrations unknown here: ${result.unknownMigrations.join(', ')}). ` +
            'This release will refuse to start on it: run the release that made it.\n'
        )
      } else if (result.pendingMigrations.length > 0) {
        io.stdout.write(`${result.pendingMigrations.length} newer migration(s) will apply on \`peel-register migrate\` or when the service next starts.\n`)
      }
      return EXIT.ok
    })
  }
}
