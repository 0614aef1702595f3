import t from 'tap'
import pg from 'pg'
import { StatementNames, prepareStatements } from '../../src/db/prepared-statements.ts'
import { testDatabaseUrl } from '../setup/template.ts'

t.test('the same text always has the same name; control statements and select * have none', async (t) => {
  const names = new StatementNames()
  const list = 'select "findings"."id" from "findings" where "force_code" = $1'
  t.equal(names.nameOf(list), 'peel_0')
  t.equal(names.nameOf('insert into audit_log (action) values ($1)'), 'peel_1')
  t.equal(names.nameOf(list), 'peel_0', 'again, the same name')
  t.equal(names.nameOf('with x as (select 1) select * from x'), undefined, 'select * is never prepared')
  t.equal(names.nameOf('select "api_keys".* from "api_keys"'), undefined, 'nor a table.*')
  t.equal(names.nameOf('begin'), undefined)
  t.equal(names.nameOf('create table x (id int)'), undefined)
  t.equal(names.size, 2)
})

t.test('past its limit a new text runs unprepared, the known ones keep their names', async (t) => {
  const names = new StatementNames(2)
  t.equal(names.nameOf('select 1'), 'peel_0')
  t.equal(names.nameOf('select 2'), 'peel_1')
  t.equal(names.nameOf('select 3'), undefined)
  t.equal(names.nameOf('select 1'), 'peel_0')
})

const url = testDatabaseUrl()
t.test('a connection prepares a statement once and reuses it', { skip: url === null ? 'needs PostgreSQL (DATABASE_URL)' : false }, async (t) => {
  const pool = new pg.Pool({ connectionString: url!, max: 1 })
  t.teardown(() => pool.end())
  const names = new StatementNames()
  pool.on('connect', (client) => prepareStatements(client, names))
  for (let i = 0; i < 3; i++) {
    const { rows } = await pool.query('select $1::int + 1 as n', [i])
    t.equal(rows[0].n, i + 1, 'the answer is right each time')
  }
  const client = await pool.connect()
  try {
    const prepared = await client.query<{ name: string; statement: string }>(`select name, statement from pg_prepared_statements where statement not like '%pg_prepared_statements%'`)
    t.same(prepared.rows, [{ name: 'peel_0', statement: 'select $1::int + 1 as n' }], 'one prepared statement, on the one connection')
  } finally {
    client.release()
  }
})
