import type { Test } from 'tap'
import { type TestApp, buildTestApp, loadExample } from '../helper.ts'

/**
 * A test app with the example register of 002 loaded into force cleveland, keys for the roles the
 * reports' tests write with, and helpers to change the register through the API as a user would.
 */
export async function exampleApp(t: Test) {
  const app: TestApp = await buildTestApp(t)
  await loadExample(app.database)
  const { request } = app
  const keys = {
    viewer: await app.createKey('viewer', 'cleveland'),
    contributor: await app.createKey('contributor', 'cleveland'),
    registrar: await app.createKey('registrar', 'cleveland'),
    approver: await app.createKey('approver', 'cleveland'),
    durham: await app.createKey('viewer', 'durham')
  }

  const listed = (await request({ method: 'GET', url: '/v1/findings?force=cleveland&limit=500' })).json<{ items: Array<{ id: string; reference: string }> }>()
  const ids = new Map(listed.items.map((f) => [f.reference, f.id]))
  const idOf = (reference: string): string => {
    const id = ids.get(reference)
    if (!id) throw new Error(`no finding ${reference} in the example`)
    return id
  }

  async function ok(response: Awaited<ReturnType<TestApp['request']>>, status: number) {
    if (response.statusCode !== status) throw new Error(`expected ${status}, got ${response.statusCode}: ${response.body}`)
    return response.json()
  }

  /** PATCH a finding by reference, with the ETag read just before. */
  async function patchFinding(reference: string, body: Record<string, unknown>) {
    const current = await request({ method: 'GET', url: `/v1/findings/${idOf(reference)}` })
    return ok(await request({ method: 'PATCH', url: `/v1/findings/${idOf(reference)}`, payload: body, headers: { 'if-match': current.headers.etag as string } }), 200)
  }

  async function patchInspection(key: string, body: Record<string, unknown>) {
    const all = await ok(await request({ method: 'GET', url: '/v1/inspections?force=cleveland&limit=500' }), 200)
    const inspection = (all.items as Array<{ id: string; key: string; version: number }>).find((i) => i.key === key)!
    return ok(await request({ method: 'PATCH', url: `/v1/inspections/${inspection.id}`, payload: body, headers: { 'if-match': `"${inspection.version}"` } }), 200)
  }

  async function createGroup(name: string): Promise<{ id: string; name: string }> {
    return ok(await request({ method: 'POST', url: '/v1/governance-groups', payload: { force: 'cleveland', name } }), 201)
  }

  async function addUpdate(reference: string, body: Record<string, unknown>) {
    return ok(await request({ method: 'POST', url: `/v1/findings/${idOf(reference)}/updates`, key: keys.contributor, payload: { position: 'On track.', activities: 'Work done.', ...body } }), 201)
  }

  async function addReview(reference: string, groupId: string | null, outcome = 'embed_and_sustain') {
    return ok(
      await request({ method: 'POST', url: `/v1/findings/${idOf(reference)}/reviews`, key: keys.approver, payload: { outcome, rationale: 'Reviewed at the meeting.', governanceGroupId: groupId } }),
      201
    )
  }

  /** A closure request for a finding, moved by the registrar (and the approver) through `moves`. */
  async function closure(reference: string, moves: string[] = []) {
    let body = await ok(await request({ method: 'POST', url: '/v1/closure-requests', key: keys.registrar, payload: { findingId: idOf(reference), summary: 'Complete.' } }), 201)
    for (const action of moves) {
      const key = action === 'approve' || action === 'return' ? keys.approver : keys.registrar
      body = await ok(await request({ method: 'POST', url: `/v1/closure-requests/${body.id}/transitions`, key, payload: { action } }), 200)
    }
    return body
  }

  return { ...app, keys, idOf, ok, patchFinding, patchInspection, createGroup, addUpdate, addReview, closure }
}

/** RFC 4180 CSV to rows of fields: enough to read back what the reports write. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  return rows
}
