/**
 * Writes openapi/openapi.json from the route schemas, without a server or a database: the app is
 * built on a pool that never connects. `--check` fails when the committed file differs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import pino from 'pino'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/connect.ts'
import { serverOptions } from '../src/server-options.ts'

const target = new URL('../openapi/openapi.json', import.meta.url)
const check = process.argv.includes('--check')

const config = { ...loadConfig({}), logLevel: 'silent' as const, databaseUrl: 'postgres://unused@127.0.0.1:1/unused' }
const database = await openDatabase(config, pino({ level: 'silent' }))
const app = await buildApp({ server: serverOptions(config), database })
const generated = `${JSON.stringify(app.swagger(), null, 2)}\n`
await app.close()
await database.close()

if (check) {
  const committed = await readFile(target, 'utf8').catch(() => '')
  if (committed !== generated) {
    process.stderr.write('openapi/openapi.json is out of date with the route schemas: run `npm run openapi` and commit it.\n')
    process.exit(1)
  }
  process.stdout.write('openapi/openapi.json matches the code.\n')
} else {
  await writeFile(target, generated)
  process.stdout.write(`wrote ${target.pathname}\n`)
}
