/**
 * `npm run db:backup -- FILE`: writes a compressed backup of the embedded database (the DATA_DIR
 * folder) to FILE, a .tar.gz. Stop the service first: the command refuses a folder in use.
 * PostgreSQL is backed up with pg_dump instead (README, "Backup and restore").
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../src/config.ts'
import { BackupError, backupEmbedded, embeddedDataDir } from '../src/db/backup.ts'

const USAGE = 'usage: npm run db:backup -- FILE\n  Backs up the embedded database in DATA_DIR (default ./data) to FILE, e.g. backups/peel-register.tar.gz.\n'

let file: string
try {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } })
  if (values.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  if (positionals.length !== 1) throw new Error('name one file to write')
  file = path.resolve(positionals[0]!)
} catch (error) {
  process.stderr.write(`db:backup: ${(error as Error).message}\n${USAGE}`)
  process.exit(64) // EX_USAGE
}

try {
  const dataDir = embeddedDataDir(loadConfig())
  const result = await backupEmbedded(dataDir, file)
  process.stdout.write(
    `Backed up ${dataDir} to ${result.file} (${(result.bytes / 1_048_576).toFixed(1)} MB, schema at ${result.lastMigration ?? 'no migration'}).\n`
  )
} catch (error) {
  const known = error instanceof BackupError || error instanceof ConfigError
  process.stderr.write(`db:backup: ${known ? '' : 'failed: '}${(error as Error).message}\n`)
  process.exit(1)
}
