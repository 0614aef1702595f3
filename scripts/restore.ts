/**
 * `npm run db:restore -- FILE [--force]`: restores a backup made by db:backup into the embedded
 * database's folder (DATA_DIR). Refuses a folder that holds anything unless --force, and a folder in
 * use whatever. PostgreSQL is restored with pg_restore instead (README, "Backup and restore").
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../src/config.ts'
import { BackupError, embeddedDataDir, restoreEmbedded } from '../src/db/backup.ts'

const USAGE =
  'usage: npm run db:restore -- FILE [--force]\n' +
  '  Restores FILE, a backup made by db:backup, into DATA_DIR (default ./data). The folder must be\n' +
  '  empty or new; --force replaces what it holds. Stop the service first.\n'

let file: string
let force: boolean
try {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }
  })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  if (positionals.length !== 1) throw new Error('name one backup file to restore')
  file = path.resolve(positionals[0]!)
  force = values.force
} catch (error) {
  process.stderr.write(`db:restore: ${(error as Error).message}\n${USAGE}`)
  process.exit(64) // EX_USAGE
}

try {
  const dataDir = embeddedDataDir(loadConfig())
  const result = await restoreEmbedded(file, dataDir, { force })
  process.stdout.write(`Restored ${file} into ${dataDir} (schema at ${result.lastMigration ?? 'no migration'}).\n`)
  if (result.unknownMigrations.length > 0) {
    process.stderr.write(
      `db:restore: warning: the backup comes from a newer release (migrations unknown here: ${result.unknownMigrations.join(', ')}). ` +
        'This release will refuse to start on it: run the release that made it.\n'
    )
  } else if (result.pendingMigrations.length > 0) {
    process.stdout.write(`${result.pendingMigrations.length} newer migration(s) will apply when the service next starts.\n`)
  }
} catch (error) {
  const known = error instanceof BackupError || error instanceof ConfigError
  process.stderr.write(`db:restore: ${known ? '' : 'failed: '}${(error as Error).message}\n`)
  process.exit(1)
}
