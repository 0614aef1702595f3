import t from 'tap'
import { buildTestApp } from '../helper.ts'

const { request, database } = await buildTestApp(t)

t.test("a client's X-Request-Id cannot take the command line's namespace", async (t) => {
  const posing = ['cli:import:8f0c2f7e-5a1b-4c3d-9e8f-0a1b2c3d4e5f', 'CLI:import:1', 'Cli:keys-create:2', 'cLi:x', 'cli-import-3', 'cli.import.4', 'cli_5', 'cli']
  for (const [i, given] of posing.entries()) {
    const response = await request({
      method: 'POST',
      url: '/v1/findings',
      headers: { 'x-request-id': given },
      payload: { force: 'cleveland', reference: `RID-${i}`, kind: 'recommendation', title: 'Posing', text: 'Text.' }
    })
    t.equal(response.statusCode, 201)
    const id = String(response.headers['x-request-id'])
    t.not(id, given, `${given} is not honoured`)
    t.notMatch(id, /^cli/i)
    const entry = await database.db.selectFrom('audit_log').select(['request_id', 'actor_key_id']).where('entity_id', '=', response.json().id).executeTakeFirstOrThrow()
    t.equal(entry.request_id, id, 'the audit log has the id we gave it')
    t.not(entry.actor_key_id, null, 'and the key that wrote')
  }
})

t.test('other request ids are honoured as before, names that merely start with the letters too', async (t) => {
  for (const given of ['client-42', 'clinic:7', 'abc:cli:import:1', 'req-123']) {
    const response = await request({ method: 'GET', url: '/v1/forces', headers: { 'x-request-id': given } })
    t.equal(response.headers['x-request-id'], given)
  }
})
