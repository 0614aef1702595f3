import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import type { Db } from '../../src/db/database.ts'
import { exportDocument } from '../../src/domain/exchange/export-document.ts'
import { SHEET_SLUGS } from '../../src/domain/exchange/register-sheets.ts'
import { readCsv } from '../../src/domain/exchange/sheets/csv.ts'
import { SHEETS } from '../../src/cli/export.ts'
import { dense } from '../exchange/sheets-fixture.ts'
import { cliDatabase, root } from './cli-fixture.ts'

const cli = await cliDatabase(t)
const example = path.join(root, 'examples', 'cleveland-register.json')

const count = async (db: Db, table: 'findings' | 'inspections') =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where force_code = 'cleveland'`.execute(db)).rows[0]!.n

t.test('import a JSON register: a dry run writes nothing; the import writes it, audited as the command line', async (t) => {
  const dry = await cli.run(['import', example, '--force', 'cleveland', '--dry-run', '--json'])
  t.equal(dry.code, 0, dry.stderr)
  t.match(JSON.parse(dry.stdout), {
    force: 'cleveland',
    dryRun: true,
    valid: true,
    problems: [],
    changes: { findings: { created: 90, updated: 0, unchanged: 0 } },
    requestId: /^cli:import:/
  })
  t.equal(dry.stderr, '', 'a short import shows no progress')
  t.equal(await cli.inspect((db) => count(db, 'findings')), 0, 'the dry run wrote nothing')

  const done = await cli.run(['import', example, '--force', 'cleveland'])
  t.equal(done.code, 0, done.stderr)
  const requestId = /audited as (cli:import:[0-9a-f-]{36})\)/.exec(done.stdout)?.[1]
  t.ok(requestId, 'the report names its request id')
  t.match(done.stdout, /\ninspections +18 +0 +0\n[^]*\nfindings +90 +0 +0\n/)
  await cli.inspect(async (db) => {
    t.equal(await count(db, 'findings'), 90)
    const audit = await sql<{ n: number; actors: number }>`
      select count(*)::int as n, count(actor_key_id)::int as actors from audit_log where request_id = ${requestId!}`.execute(db)
    t.same(audit.rows[0], { n: 90 + 18 + 1, actors: 0 }, 'every change audited under the run, by no key')
  })
})

t.test('export json, csv and xlsx; what is exported imports back unchanged', async (t) => {
  const json = await cli.run(['export', '--force', 'cleveland', '--format', 'json'])
  t.equal(json.code, 0, json.stderr)
  const document = JSON.parse(json.stdout) as { force: string; findings: unknown[] }
  const expected = await cli.inspect((db) => exportDocument(db, 'cleveland'))
  t.same({ ...document, exportedAt: null }, { ...expected, exportedAt: null }, 'stdout holds the register document')

  const csv = await cli.run(['export', '--force', 'cleveland', '--format', 'csv', '--sheet', 'actions'])
  t.equal(csv.code, 0, csv.stderr)
  const rows = dense(readCsv(Buffer.from(csv.stdout)))
  t.match(rows[0], ['Finding', 'Position', 'Action', 'Status'])
  const actions = document.findings.flatMap((f) => (f as { actions?: unknown[] }).actions ?? [])
  t.equal(rows.length, 1 + actions.length, 'a row per action')

  const out = path.join(cli.work, 'exports', 'cleveland.xlsx')
  const xlsx = await cli.run(['export', '--force', 'cleveland', '--out', out])
  t.equal(xlsx.code, 0, xlsx.stderr)
  t.equal(xlsx.stdout, '')
  t.match(xlsx.stderr, `Exported cleveland's register as xlsx to ${out} (`)
  t.same([...(await readFile(out)).subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'a zip: the workbook')
  const back = await cli.run(['import', out, '--force', 'cleveland', '--dry-run'])
  t.equal(back.code, 0, back.stderr)
  t.match(back.stdout, /\nfindings +0 +0 +90\n/, 'the workbook imports back with nothing to change')

  const unknown = await cli.run(['export', '--force', 'gotham', '--format', 'json'])
  t.equal(unknown.code, 65)
  t.equal(unknown.stderr, 'peel-register export: No force with code gotham.\n')
  t.same(SHEETS, Object.keys(SHEET_SLUGS), "the command's --sheet list is the register's")
})

t.test('a file with problems: 65, every problem named by row and column or by path, nothing written', async (t) => {
  const csv = path.join(cli.work, 'findings.csv')
  await writeFile(csv, 'Reference,Kind,Title,Text,Status\nZ-1,recommendation,Title,Text,open\nZ-2,nonsense,Title,Text,maybe\n')
  const sheet = await cli.run(['import', csv, '--force', 'cleveland'])
  t.equal(sheet.code, 65)
  t.equal(sheet.stdout, '')
  t.match(sheet.stderr, /^peel-register import: .*findings\.csv: 2 problems; nothing was written\.\n/)
  t.match(sheet.stderr, /\n {2}findings row 3, column "Kind": Kind "nonsense" is not one of: /)
  t.match(sheet.stderr, /\n {2}findings row 3, column "Status": Status "maybe" is not one of: /)

  const doc = JSON.parse(await readFile(example, 'utf8')) as { findings: Array<Record<string, unknown>> }
  doc.findings[2]!.inspection = 'no-such-inspection'
  doc.findings[5]!.supersededBy = 'no-such-finding'
  const bad = path.join(cli.work, 'bad.json')
  await writeFile(bad, JSON.stringify(doc))
  const json = await cli.run(['import', bad, '--force', 'cleveland', '--dry-run'])
  t.equal(json.code, 65, 'a dry run with problems fails too')
  t.match(json.stderr, /: \d+ problems?; nothing was written\.\n/)
  t.match(json.stderr, /\n {2}\/findings\/2\/inspection: no-such-inspection is not an inspection of the document\n/)
  t.match(json.stderr, /\n {2}\/findings\/5\/supersededBy: no-such-finding is not a finding of the document\n/)

  // Neither file is read as far as the database: side by side.
  const notJson = path.join(cli.work, 'broken.json')
  await writeFile(notJson, '{ "format": ')
  const [broken, missing] = await Promise.all([
    cli.run(['import', notJson, '--force', 'cleveland']),
    cli.run(['import', path.join(cli.work, 'missing.xlsx'), '--force', 'cleveland'])
  ])
  t.equal(broken.code, 65)
  t.match(broken.stderr, /broken\.json is not valid JSON: /)
  t.equal(missing.code, 66)
  t.match(missing.stderr, /no such file: .*missing\.xlsx\n$/)

  const otherForce = await cli.run(['import', example, '--force', 'durham'])
  t.equal(otherForce.code, 65)
  t.match(otherForce.stderr, /\n {2}\/force: the document is the register of cleveland, not durham\n/)

  t.equal(await cli.inspect((db) => count(db, 'inspections')), 18, 'nothing more was written')
})

/** A register of `n` findings: long enough for the import to report its progress. */
function largeRegister(n: number) {
  return {
    format: 'peel-register.register/v1',
    force: 'cleveland',
    governanceGroups: [],
    inspections: [{ key: 'cli-progress', title: 'Progress test', kind: 'other', category: 'other_national_thematic', scope: 'force', year: 2024 }],
    findings: Array.from({ length: n }, (_, i) => ({
      reference: `CLI-${String(i).padStart(5, '0')}`,
      kind: 'area_for_improvement',
      inspection: 'cli-progress',
      scope: 'force',
      title: `Finding ${i}`,
      text: `Finding number ${i}.`,
      status: 'open',
      portalStatus: 'open'
    }))
  }
}

t.test('a long import reports its progress on stderr, a line per step when stderr is not a terminal', async (t) => {
  const file = path.join(cli.work, 'large.json')
  await writeFile(file, JSON.stringify(largeRegister(1200)))
  const run = await cli.run(['import', file, '--force', 'cleveland', '--dry-run'])
  t.equal(run.code, 0, run.stderr)
  const lines = run.stderr.trimEnd().split('\n')
  t.equal(lines[0], 'checking: 1200 findings to write')
  t.equal(lines.at(-1), 'checking: 1200/1200 findings written (100%)')
  t.ok(lines.length > 2, 'and lines along the way')
  t.match(run.stdout, /\nfindings +1200 +0 +0\n/)
})

t.test('an import names the fields it changes on findings already on record', async (t) => {
  const csv = path.join(cli.work, 'leads.csv')
  await writeFile(csv, 'Reference,Force lead,Delivery lead\n547,ACC Changed,DI Changed\n')
  const run = await cli.run(['import', csv, '--force', 'cleveland', '--dry-run'])
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /\nfindings +0 +1 +\d+\n/)
  t.match(run.stdout, /\nFindings changed:\n {2}547: forceLead, deliveryLead\n$/)
})
