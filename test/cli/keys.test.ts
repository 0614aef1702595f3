import { execFile } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { authenticate } from '../../src/domain/api-keys/api-keys.service.ts'
import { backend } from '../helper.ts'
import { type Run, cliDatabase, root } from './cli-fixture.ts'

const cli = await cliDatabase(t)
const ID = /id ([0-9a-f-]{36})/

/** No stack trace, ever, for an expected error. */
const noStack = (run: Run) => !/\n\s+at /.test(run.stderr)

t.test('keys create, list and revoke, audited as the command line', async (t) => {
  const created = await cli.run(['keys', 'create', '--name', 'performance dashboard', '--role', 'viewer', '--force', 'cleveland'])
  t.equal(created.code, 0, created.stderr)
  t.match(created.stdout, /^prk_[\w-]{43}\n$/, 'the secret, alone on stdout')
  t.match(created.stderr, /^Created viewer key "performance dashboard" for cleveland, id [0-9a-f-]{36}\.\nIts secret follows, shown this once/)
  const secret = created.stdout.trim()
  const viewerId = ID.exec(created.stderr)![1]!

  const admin = await cli.run(['keys', 'create', '--name', 'operations', '--role', 'admin', '--json'])
  t.equal(admin.code, 0, admin.stderr)
  const adminKey = JSON.parse(admin.stdout) as { id: string; key: string; role: string; force: string | null; createdBy: string | null }
  t.match(adminKey, { role: 'admin', force: null, createdBy: null, key: /^prk_/ })

  const listed = await cli.run(['keys', 'list'])
  t.equal(listed.code, 0, listed.stderr)
  t.match(listed.stdout, /^ID +PREFIX +ROLE +FORCE +CREATED +NAME\n/)
  t.match(listed.stdout, new RegExp(`${viewerId}  prk_\\S+  viewer  cleveland +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  performance dashboard\\n`))
  t.match(listed.stdout, new RegExp(`${adminKey.id}  prk_\\S+  admin +\\(national\\)`))
  t.notMatch(listed.stdout, secret.slice(12), 'never the secret')

  const forceOnly = await cli.run(['keys', 'list', '--force', 'cleveland', '--json'])
  t.same((JSON.parse(forceOnly.stdout) as Array<{ id: string }>).map((k) => k.id), [viewerId])

  const revoked = await cli.run(['keys', 'revoke', viewerId])
  t.equal(revoked.code, 0, revoked.stderr)
  t.match(revoked.stdout, `Revoked: viewer key "performance dashboard" for cleveland, id ${viewerId}, at `)
  const again = await cli.run(['keys', 'revoke', viewerId])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, /^Already revoked: /)

  const active = await cli.run(['keys', 'list'])
  t.notMatch(active.stdout, viewerId, 'a revoked key is not listed')
  const all = JSON.parse((await cli.run(['keys', 'list', '--all', '--json'])).stdout) as Array<{ id: string; revokedAt: string | null }>
  t.match(all.find((k) => k.id === viewerId), { revokedAt: /^\d{4}-/ }, '--all lists it, revoked')

  const noForce = await cli.run(['keys', 'create', '--name', 'x', '--role', 'viewer', '--force', 'gotham'])
  t.equal(noForce.code, 65)
  t.equal(noForce.stderr, 'peel-register keys create: --force is not a known force code: gotham\n')
  const unknown = await cli.run(['keys', 'revoke', '00000000-0000-4000-8000-000000000000'])
  t.equal(unknown.code, 65)
  t.match(unknown.stderr, /^peel-register keys revoke: No API key 00000000-0000-4000-8000-000000000000\.\n$/)
  const last = await cli.run(['keys', 'revoke', adminKey.id])
  t.equal(last.code, 65)
  t.match(last.stderr, /last national admin key/)

  await cli.inspect(async (db) => {
    t.equal(await authenticate(db, secret), null, 'the revoked key no longer works')
    t.match(await authenticate(db, adminKey.key), { keyId: adminKey.id, role: 'admin', force: null })
    const audit = await db
      .selectFrom('audit_log')
      .select(['entity_id', 'action', 'actor_key_id', 'request_id'])
      .where('entity_type', '=', 'api_key')
      .orderBy('id')
      .execute()
    t.match(audit, [
      { entity_id: viewerId, action: 'create', actor_key_id: null, request_id: /^cli:keys-create:[0-9a-f-]{36}$/ },
      { entity_id: adminKey.id, action: 'create', actor_key_id: null, request_id: /^cli:keys-create:/ },
      { entity_id: viewerId, action: 'revoke', actor_key_id: null, request_id: /^cli:keys-revoke:/ }
    ])
    t.equal(audit.length, 3, 'revoking a revoked key records nothing')
    t.not(audit[0]!.request_id, audit[1]!.request_id, 'each run has its own request id')
  })
})

t.test('keys rotate: a new secret for the same key, the old one refused, with or without an expiry', async (t) => {
  const created = await cli.run(['keys', 'create', '--name', 'audit visit', '--role', 'viewer', '--force', 'durham', '--expires', '2030-03-31', '--json'])
  t.equal(created.code, 0, created.stderr)
  const key = JSON.parse(created.stdout) as { id: string; key: string; expiresAt: string }
  t.equal(key.expiresAt, '2030-03-31T23:59:59.000Z', 'a date means the end of that day, UTC')

  const rotated = await cli.run(['keys', 'rotate', key.id, '--expires', '2030-09-30T18:00:00+01:00'])
  t.equal(rotated.code, 0, rotated.stderr)
  t.match(rotated.stdout, /^prk_[\w-]{43}\n$/, 'the new secret, alone on stdout')
  t.match(rotated.stderr, `Rotated viewer key "audit visit" for durham, id ${key.id}, expires 2030-09-30T17:00:00.000Z.`)
  const cleared = await cli.run(['keys', 'rotate', key.id, '--no-expiry', '--json'])
  const last = JSON.parse(cleared.stdout) as { id: string; key: string; expiresAt: string | null }
  t.match(last, { id: key.id, expiresAt: null, key: /^prk_/ })

  const past = await cli.run(['keys', 'rotate', key.id, '--expires', '2020-01-01'])
  t.equal(past.code, 65)
  t.equal(past.stderr, 'peel-register keys rotate: --expires must be in the future\n', 'the option, not the body field, is named')

  await cli.inspect(async (db) => {
    t.equal(await authenticate(db, key.key), null, 'the first secret is refused')
    t.equal(await authenticate(db, rotated.stdout.trim()), null, 'so is the second')
    t.match(await authenticate(db, last.key), { keyId: key.id, role: 'viewer', force: 'durham' }, 'the last one works')
    const actions = await db.selectFrom('audit_log').select(['action', 'request_id']).where('entity_id', '=', key.id).orderBy('id').execute()
    t.match(actions, [{ action: 'create' }, { action: 'rotate', request_id: /^cli:keys-rotate:/ }, { action: 'rotate' }])
  })
})

t.test('usage errors: 64, naming what is wrong', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^usage: peel-register <command> \[options\]/],
    [['frob'], /^peel-register: unknown command "frob" \(commands: migrate, keys, /],
    [['--frob'], /^peel-register: unknown option --frob/],
    [['keys'], /^peel-register keys: name a command\nusage: peel-register keys <create\|list\|rotate\|revoke>/],
    [['keys', 'frob'], /unknown command "keys frob" \(keys commands: create, list, rotate, revoke\)/],
    [['keys', 'create', '--name', 'x'], /^peel-register keys create: missing --role ROLE\nusage: peel-register keys create --name NAME --role ROLE \[--force CODE\] \[--expires WHEN\] \[--json\]\n/],
    [['keys', 'create', '--name', 'x', '--role', 'viewer', '--expires', 'next week'], /--expires must be a date \(2027-03-31\) or a date and time with its zone/],
    [['keys', 'rotate', 'not-a-key'], /ID must be a key's id/],
    [['keys', 'rotate', '00000000-0000-4000-8000-000000000000', '--expires', '2030-01-01', '--no-expiry'], /--expires and --no-expiry contradict each other/],
    [['keys', 'create', '--name', '--role', 'admin'], /^peel-register keys create: --name needs a value \(NAME\)/],
    [['keys', 'create', '--name', 'x', '--role', 'boss'], /--role must be one of viewer, contributor, registrar, approver, admin, got "boss"/],
    [['keys', 'create', '--name', 'x', '--role', 'admin', '--force', 'Cleveland Police'], /--force must be a force code/],
    [['keys', 'list', '--bogus'], /^peel-register keys list: unknown option --bogus\n/],
    [['keys', 'list', '--all=yes'], /--all takes no value/],
    [['keys', 'list', '--force', 'a', '--force', 'b'], /--force is given more than once/],
    [['keys', 'revoke'], /^peel-register keys revoke: missing ID\n/],
    [['keys', 'revoke', 'a', 'b'], /unexpected argument "b"/],
    [['keys', 'revoke', 'not-an-id'], /ID must be a key's id, a UUID/],
    [['import', '--force', 'cleveland'], /^peel-register import: missing FILE\n/],
    [['import', 'register.txt', '--force', 'cleveland'], /register\.txt: name a \.json, \.xlsx or \.csv file/],
    [['import', 'a.json', 'b.csv', '--force', 'cleveland'], /a JSON register is imported on its own/],
    [['export', '--format', 'csv'], /^peel-register export: missing --force CODE\n/],
    [['export', '--force', 'cleveland', '--format', 'xml'], /--format must be one of json, csv, xlsx, got "xml"/],
    [['export', '--force', 'cleveland', '--format', 'json', '--sheet', 'actions'], /--sheet goes with --format csv/],
    [['export', '--force', 'cleveland', '--format', 'csv', '--sheet', 'notes'], /--sheet must be one of findings, actions, /]
  ]
  // None of these reaches the database: they run side by side.
  for (let i = 0; i < cases.length; i += 4) {
    const runs = await Promise.all(cases.slice(i, i + 4).map(([args]) => cli.run(args)))
    runs.forEach((run, k) => {
      const [args, expected] = cases[i + k]!
      t.equal(run.code, 64, `${args.join(' ')}: exit code`)
      t.match(run.stderr, expected, `${args.join(' ')}: message`)
      t.equal(run.stdout, '', `${args.join(' ')}: nothing on stdout`)
      t.ok(noStack(run), `${args.join(' ')}: no stack trace`)
    })
  }
})

t.test('help and version', async (t) => {
  const [version, help, command, group, helpCommand] = await Promise.all([
    cli.run(['--version']),
    cli.run(['--help']),
    cli.run(['keys', 'create', '--help']),
    cli.run(['keys', '--help']),
    cli.run(['help', 'export'])
  ])
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }
  t.same([version.code, version.stdout], [0, `peel-register ${manifest.version}\n`])
  t.equal(help.code, 0)
  for (const name of ['migrate', 'keys create', 'keys list', 'keys revoke', 'import', 'export', 'example load', 'audit verify', 'backup', 'restore']) {
    t.match(help.stdout, new RegExp(`\\n  ${name} +\\S`), `help lists ${name}`)
  }
  t.match(help.stdout, /exit codes:\n {2}0 +done\n/)
  t.equal(command.code, 0)
  t.match(command.stdout, /^usage: peel-register keys create --name NAME --role ROLE \[--force CODE\] \[--expires WHEN\] \[--json\]\n[^]*examples:\n {2}peel-register keys create /)
  t.equal(group.code, 0)
  t.match(group.stdout, /^usage: peel-register keys <create\|list\|rotate\|revoke>/)
  t.equal(helpCommand.code, 0)
  t.match(helpCommand.stdout, /^usage: peel-register export --force CODE \[--format FORMAT\] \[--sheet SHEET\] \[--out FILE\]/)
})

t.test('configuration and database errors', async (t) => {
  const empty = path.join(cli.work, 'empty')
  await mkdir(empty)
  const [config, notMigrated, unreachable] = await Promise.all([
    cli.run(['keys', 'list'], { DATABASE_URL: 'mysql://db.example/peel', PORT: 'eighty' }),
    cli.run(['keys', 'list'], { DATABASE_URL: '', DATA_DIR: empty }),
    cli.run(['keys', 'list'], { DATABASE_URL: 'postgres://peel@127.0.0.1:1/peel', DATABASE_CONNECT_TIMEOUT_MS: '2000' })
  ])
  t.equal(config.code, 78, 'configuration error: 78')
  t.equal(config.stderr, 'peel-register keys list: invalid configuration\n  DATABASE_URL must start with postgres:// or postgresql://\n  PORT must be a whole number, got "eighty"\n')
  t.equal(notMigrated.code, 69)
  t.match(notMigrated.stderr, `there is no embedded database in ${empty} (DATA_DIR) yet: run \`peel-register migrate\` first`)
  t.equal(unreachable.code, 69)
  t.match(unreachable.stderr, /^peel-register keys list: the database cannot be reached: connect ECONNREFUSED 127\.0\.0\.1:1\n$/)
  for (const run of [config, notMigrated, unreachable]) t.ok(noStack(run))

  if (backend === 'embedded') {
    // As while the service runs on the folder.
    const busy = await cli.inspect(() => cli.run(['keys', 'list']))
    t.equal(busy.code, 69)
    t.match(busy.stderr, /^peel-register keys list: The embedded database in .* is in use by another process \(pid \d+\)/)
  }
})

t.test('npx peel-register and npm exec, from the project folder', async (t) => {
  // npm finds the package's own bin in the project folder; --offline: it needs nothing from a registry.
  const npm = (file: 'npx' | 'npm', args: string[]) =>
    new Promise<Run>((resolve) => {
      const env = { ...process.env, ...cli.env }
      delete env.NODE_OPTIONS
      execFile(file, args, { cwd: root, env }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }))
    })
  const [npx, exec] = await Promise.all([
    npm('npx', ['--offline', 'peel-register', '--version']),
    npm('npm', ['exec', '--offline', '--', 'peel-register', 'keys', 'frob'])
  ])
  t.match(npx, { code: 0, stdout: /^peel-register \d+\.\d+\.\d+\n$/ })
  t.match(exec, { code: 64, stderr: /unknown command "keys frob"/ })
})
