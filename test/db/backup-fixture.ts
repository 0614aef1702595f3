/** What the backup round trips write before a backup and compare after a restore, on either backend. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import pino from 'pino'
import { buildApp } from '../../src/app.ts'
import type { Config } from '../../src/config.ts'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import type { Db } from '../../src/db/database.ts'
import { serverOptions, webhookSettings } from '../../src/server-options.ts'
import { ADMIN_KEY } from '../helper.ts'

export const silent = pino({ level: 'silent' })

export interface RegisterApp {
  app: FastifyInstance
  request(options: InjectOptions): Promise<LightMyRequestResponse>
}

/** The application as the server builds it, on a database the caller opened and prepared. */
export async function appOn(database: DatabaseHandle, config: Config): Promise<RegisterApp> {
  const app = await buildApp({ server: serverOptions(config), database, webhooks: webhookSettings(config) })
  return {
    app,
    request: ({ headers, ...options }) => app.inject({ ...options, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers } })
  }
}

async function expect(response: Promise<LightMyRequestResponse>, status: number): Promise<LightMyRequestResponse> {
  const r = await response
  if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode}: ${r.body}`)
  return r
}

/** A finding with its actions, a progress update with evidence and an ongoing action, then an edit: the finding's id. */
export async function writeRegister({ request }: RegisterApp, reference = 'BK-1'): Promise<string> {
  const created = await expect(
    request({
      method: 'POST',
      url: '/v1/findings',
      payload: {
        force: 'cleveland',
        reference,
        kind: 'area_for_improvement',
        title: 'Crime recording',
        text: 'The force should make sure it records crimes accurately.',
        deadlineText: 'By October 2026',
        actions: [{ text: 'Audit crime recording' }, { text: 'Train control room staff', status: 'done' }]
      }
    }),
    201
  )
  const finding = created.json<{ id: string }>()
  await expect(
    request({
      method: 'POST',
      url: `/v1/findings/${finding.id}/updates`,
      payload: {
        position: 'Audit under way.',
        activities: 'Monthly audits of a sample of incidents.',
        impact: 'Recording accuracy up from 84% to 91%.',
        evidence: [{ title: 'Audit report, March', kind: 'report', location: 'Force intranet', date: '2026-03-31' }],
        ongoingActions: [{ description: 'Audit the remaining districts', anticipatedImpact: 'Force-wide picture', expectedCompletion: '2026-09-30' }]
      }
    }),
    201
  )
  await expect(
    request({
      method: 'PATCH',
      url: `/v1/findings/${finding.id}`,
      headers: { 'if-match': created.headers.etag as string },
      payload: { forceLead: 'Detective Chief Superintendent Crime', portalStatus: 'not_on_portal' }
    }),
    200
  )
  return finding.id
}

/** The finding as clients see it, everything hanging off it included. */
export async function readFinding({ request }: RegisterApp, id: string) {
  const get = async (url: string) => {
    const response = await expect(request({ method: 'GET', url }), 200)
    return { etag: response.headers.etag ?? null, body: response.json() as unknown }
  }
  return {
    finding: await get(`/v1/findings/${id}`),
    updates: await get(`/v1/findings/${id}/updates`),
    ongoingActions: await get(`/v1/findings/${id}/ongoing-actions`),
    history: await get(`/v1/findings/${id}/history`)
  }
}

/** Every table of the schema and its number of rows. */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name
  `.execute(db)
  const counts: Record<string, number> = {}
  for (const { name } of tables.rows) {
    const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db)
    counts[name] = result.rows[0]!.n
  }
  return counts
}
