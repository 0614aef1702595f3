import { sql } from 'kysely'
import t from 'tap'
import { sealAudit } from '../../src/domain/audit/audit.repository.ts'
import { cliDatabase } from './cli-fixture.ts'

const cli = await cliDatabase(t)

t.test('audit verify: every sealed entry verifies, then the first broken link after an edit', async (t) => {
  const created = await cli.run(['keys', 'create', '--name', 'chained', '--role', 'viewer', '--force', 'cleveland'])
  t.equal(created.code, 0, created.stderr)
  // No service runs here to seal as it goes: the test seals, as the service would.
  await cli.inspect((db) => sealAudit(db, 1000))
  const intact = await cli.run(['audit', 'verify'])
  t.equal(intact.code, 0, intact.stderr)
  t.match(intact.stdout, /^All \d+ sealed audit entr(y|ies) verify\. Last link: \d+ [0-9a-f]{64}\.\n$/)

  await cli.run(['keys', 'create', '--name', 'not sealed yet', '--role', 'viewer', '--force', 'cleveland'])
  t.match((await cli.run(['audit', 'verify'])).stdout, / 1 newer entry not sealed yet\.\n$/, 'the newest entry is counted, not checked')

  const edited = await cli.inspect(async (db) => {
    const { id } = await db.selectFrom('audit_log').select('id').where('entity_type', '=', 'api_key').orderBy('id').executeTakeFirstOrThrow()
    await sql`alter table audit_log disable trigger user`.execute(db)
    await sql`update audit_log set after = jsonb_set(after, '{name}', '"renamed"') where id = ${id}`.execute(db)
    await sql`alter table audit_log enable trigger user`.execute(db)
    return String(id)
  })
  const broken = await cli.run(['audit', 'verify'])
  t.equal(broken.code, 65, 'exit code 65: the data is not what was sealed')
  t.match(broken.stdout, new RegExp(`^The audit log is broken at entry ${edited} \\(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\): entry ${edited} differs from what was sealed in after\\.\\n\\d+ entr(y|ies) before it verify\\.`))
  const json = await cli.run(['audit', 'verify', '--json'])
  t.equal(json.code, 65)
  t.match(JSON.parse(json.stdout), { broken: { kind: 'changed', entryId: edited, fields: ['after'] } })
})

t.test('audit verify --help', async (t) => {
  const help = await cli.run(['audit', 'verify', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^usage: peel-register audit verify \[--json\]\n/)
})
