import path from 'node:path'
import t from 'tap'
import { migrations } from '../../migrations/index.ts'
import { readCsv } from '../../src/domain/exchange/sheets/csv.ts'
import { backend } from '../helper.ts'
import { cliDatabase } from './cli-fixture.ts'

const cli = await cliDatabase(t, { empty: true })
const last = Object.keys(migrations).at(-1)!

t.test('migrate, then example load, on a database with nothing in it', async (t) => {
  const before = await cli.run(['keys', 'list'])
  t.equal(before.code, 69, 'nothing to work on before migrate')
  t.match(before.stderr, /: run `peel-register migrate` first/)

  const migrated = await cli.run(['migrate'])
  t.equal(migrated.code, 0, migrated.stderr)
  t.match(migrated.stdout, /^Migration 2026-11-22T10-00-00-foundation: applied\n/)
  t.match(migrated.stdout, `Migration ${last}: applied\n`)
  t.match(migrated.stdout, /\nReference data applied: forces, framework:peel-2018, /)
  t.match(migrated.stdout, /\nNo API key exists yet: create one with `peel-register keys create --name NAME --role admin`/)
  const again = await cli.run(['migrate'])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, `Schema already at the latest migration (${last}).\nReference data already current.\n`)

  const loaded = await cli.run(['example', 'load'])
  t.equal(loaded.code, 0, loaded.stderr)
  t.match(loaded.stdout, /^First start: an admin API key was created, shown this once: prk_[\w-]{43}\n/)
  t.match(loaded.stdout, /\nExample register loaded into cleveland \(audited as cli:example-load:[0-9a-f-]{36}\):\n/)
  t.match(loaded.stdout, /\nfindings +90 +0 +0\n/)
  const reloaded = await cli.run(['example', 'load'])
  t.equal(reloaded.code, 0, reloaded.stderr)
  t.notMatch(reloaded.stdout, /First start/, 'the first admin key is made once')
  t.match(reloaded.stdout, /\nfindings +0 +0 +90\n/, 'running it again changes nothing')
})

if (backend === 'embedded') {
  t.test('backup and restore the embedded database', async (t) => {
    const file = path.join(cli.work, 'backups', 'register.tar.gz')
    const backedUp = await cli.run(['backup', file])
    t.equal(backedUp.code, 0, backedUp.stderr)
    t.match(backedUp.stdout, `Backed up ${cli.env.DATA_DIR} to ${file} (`)

    const copy = path.join(cli.work, 'restored')
    const restored = await cli.run(['restore', file], { DATA_DIR: copy })
    t.equal(restored.code, 0, restored.stderr)
    t.equal(restored.stdout, `Restored ${file} into ${copy} (schema at ${last}).\n`)
    const [refused, missing] = await Promise.all([
      cli.run(['restore', file], { DATA_DIR: copy }),
      cli.run(['restore', path.join(cli.work, 'none.tar.gz')], { DATA_DIR: copy })
    ])
    t.equal(refused.code, 1)
    t.match(refused.stderr, /^peel-register restore: .* is not empty .* pass --force/)
    t.equal(missing.code, 66)

    const exported = await cli.run(['export', '--force', 'cleveland', '--format', 'csv'], { DATA_DIR: copy })
    t.equal(exported.code, 0, exported.stderr)
    t.equal(readCsv(Buffer.from(exported.stdout)).length, 1 + 90, 'the copy holds the register')
  })
} else {
  t.test('backup and restore are for the embedded database', async (t) => {
    const run = await cli.run(['backup', path.join(cli.work, 'register.tar.gz')])
    t.equal(run.code, 1)
    t.match(run.stderr, /^peel-register backup: DATABASE_URL is set: .* pg_dump -Fc/)
  })
}
