/**
 * The naive baseline the benchmark measures the service against: the same read routes, answering
 * the same JSON (or CSV) for the same query, written the plain way. One `pg` pool, hand-written
 * SQL, rows mapped to objects in the handler, `reply.send(object)` with no response schema (so
 * JSON.stringify), no auth, no validation beyond reading the few query parameters the scenarios
 * use. It must stay naive: it is the yardstick, not a second implementation to optimise.
 *
 *   DATABASE_URL=... PORT=... DATABASE_POOL_MAX=10 node --import tsx bench/baseline.ts
 *
 * prints `listening on <port>` once it accepts requests.
 */
import { pathToFileURL } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import pg from 'pg'
import { loadConfig } from '../src/config.ts'

export { type BaselineSamples, checkBaseline } from './baseline-equivalence.ts'

const OPEN_STATES = ['open', 'closure_requested']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

type Query = Record<string, string | string[] | undefined>

const today = () => new Date().toISOString().slice(0, 10)
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)
const many = (value: string | string[] | undefined) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])

function isDate(value: string): boolean {
  const match = DATE.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  return days !== undefined && day >= 1 && day <= days
}

// ---- errors, shaped as the service's problem documents so that the status and body match

function problem(request: FastifyRequest, reply: FastifyReply, status: number, slug: string, title: string, detail: string, errors?: unknown[]) {
  const body: Record<string, unknown> = { type: `/problems/${slug}`, title, status, detail, instance: request.url.split('?')[0], requestId: request.id }
  if (errors) body.errors = errors
  return reply.code(status).type('application/problem+json; charset=utf-8').send(body)
}

const notFound = (request: FastifyRequest, reply: FastifyReply, detail: string) => problem(request, reply, 404, 'not-found', 'Not found', detail)

function invalid(request: FastifyRequest, reply: FastifyReply, where: string, field: string, message: string) {
  return problem(request, reply, 400, 'validation', 'Request validation failed', `${where} ${field} ${message}`, [{ in: where, field, message }])
}

// ---- findings

const FINDING_SQL = `
  select findings.id, findings.force_code, findings.reference, findings.kind, findings.title, findings.text,
    findings.scope, findings.inspection_id, findings.parent_id, findings.deadline_text, findings.due_date::text as due_date,
    findings.due_date_resolved, findings.force_lead, findings.delivery_lead, findings.governance_group_id,
    findings.status, findings.status_note, findings.portal_status, findings.portal_note, findings.superseded_by_id,
    findings.version, findings.created_at, findings.updated_at,
    coalesce((
      select json_agg(json_build_object('framework', fq.framework_key, 'ref', fq.question_ref) order by fq.framework_key, fq.question_ref)
      from finding_questions fq where fq.finding_id = findings.id
    ), '[]'::json) as questions`

interface FindingRow {
  id: string
  force_code: string
  reference: string
  kind: string
  title: string
  text: string
  scope: string
  inspection_id: string | null
  parent_id: string | null
  deadline_text: string | null
  due_date: string | null
  due_date_resolved: boolean
  force_lead: string | null
  delivery_lead: string | null
  governance_group_id: string | null
  status: string
  status_note: string | null
  portal_status: string
  portal_note: string | null
  superseded_by_id: string | null
  version: number
  created_at: Date
  updated_at: Date
  questions: Array<{ framework: string; ref: string }>
}

/** Fields in the order the service's response schema writes them. */
function finding(row: FindingRow, asOf: string) {
  return {
    id: row.id,
    force: row.force_code,
    reference: row.reference,
    kind: row.kind,
    title: row.title,
    text: row.text,
    scope: row.scope,
    inspectionId: row.inspection_id,
    parentId: row.parent_id,
    questions: row.questions,
    deadlineText: row.deadline_text,
    dueDate: row.due_date,
    forceLead: row.force_lead,
    deliveryLead: row.delivery_lead,
    governanceGroupId: row.governance_group_id,
    status: row.status,
    statusNote: row.status_note,
    portalStatus: row.portal_status,
    portalNote: row.portal_note,
    supersededById: row.superseded_by_id,
    dueDateResolved: row.due_date_resolved,
    overdue: row.due_date !== null && row.due_date < asOf && OPEN_STATES.includes(row.status),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString()
  }
}

async function listFindings(pool: pg.Pool, query: Query) {
  const force = one(query.force)
  const statuses = many(query.status)
  const q = one(query.q)?.trim() || undefined
  const limit = Number(one(query.limit) ?? 50)
  const asOf = one(query.asOf) ?? today()

  const params: unknown[] = []
  const where: string[] = []
  if (force !== undefined) where.push(`findings.force_code = $${params.push(force)}`)
  if (statuses !== undefined) where.push(`findings.status = any($${params.push(statuses)})`)
  let sortKey = 'findings.reference'
  let direction = 'asc'
  if (q !== undefined) {
    const tsquery = `websearch_to_tsquery('english', $${params.push(q)})`
    where.push(`findings.search @@ ${tsquery}`)
    sortKey = `round(ts_rank_cd(findings.search, ${tsquery})::numeric, 6)`
    direction = 'desc'
  }
  const sql = `${FINDING_SQL}, ${sortKey}::text as sort_key from findings
    ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
    order by ${sortKey} ${direction}, findings.id
    limit $${params.push(limit + 1)}`
  const { rows } = await pool.query<FindingRow & { sort_key: string }>(sql, params)

  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map((row) => finding(row, asOf)),
    nextCursor: rows.length > limit && last ? Buffer.from(JSON.stringify([last.sort_key, last.id])).toString('base64url') : null
  }
}

interface ActionRow {
  id: string
  finding_id: string
  position: number
  text: string
  status: string
  version: number
  created_at: Date
  updated_at: Date
}

async function getFinding(pool: pg.Pool, id: string) {
  const { rows } = await pool.query<FindingRow>(`${FINDING_SQL} from findings where findings.id = $1`, [id])
  const row = rows[0]
  if (!row) return undefined
  const actions = await pool.query<ActionRow>(
    'select id, finding_id, position, text, status, version, created_at, updated_at from finding_actions where finding_id = $1 order by position',
    [id]
  )
  return {
    ...finding(row, today()),
    actions: actions.rows.map((a) => ({
      id: a.id,
      findingId: a.finding_id,
      position: a.position,
      text: a.text,
      status: a.status,
      version: a.version,
      createdAt: a.created_at.toISOString(),
      updatedAt: a.updated_at.toISOString()
    }))
  }
}

// ---- reports

const CATEGORIES: Array<[string, string]> = [
  ['local_peel', 'Local PEEL'],
  ['national_peel', 'National PEEL'],
  ['national_da_peel_thematic', 'National DA PEEL Thematic'],
  ['ncpi', 'National Child Protection Inspection (NCPI)'],
  ['cdi', 'Crime Data Integrity (CDI)'],
  ['other_national_thematic', 'Other national thematic inspections']
]
const KIND_FIELDS: Record<string, 'causesOfConcern' | 'recommendations' | 'areasForImprovement'> = {
  cause_of_concern: 'causesOfConcern',
  recommendation: 'recommendations',
  area_for_improvement: 'areasForImprovement'
}

async function forceExists(pool: pg.Pool, force: string): Promise<boolean> {
  const { rows } = await pool.query('select code from forces where code = $1', [force])
  return rows.length > 0
}

const noCounts = () => ({
  causesOfConcern: { total: 0, notOnPortal: 0 },
  recommendations: { total: 0, notOnPortal: 0 },
  areasForImprovement: { total: 0, notOnPortal: 0 }
})

interface DiscrepancyRow {
  id: string
  reference: string
  kind: string
  category: string | null
  title: string
  status: string
  portal_status: string
  portal_note: string | null
}

async function summary(pool: pg.Pool, force: string) {
  const [counts, disagreeing] = await Promise.all([
    pool.query<{ category: string | null; kind: string; open: number; open_not_on_portal: number; on_portal: number }>(
      `select inspections.category, findings.kind,
         count(*) filter (where findings.status in ('open', 'closure_requested'))::int as open,
         count(*) filter (where findings.status in ('open', 'closure_requested') and findings.portal_status <> 'open')::int as open_not_on_portal,
         count(*) filter (where findings.portal_status = 'open')::int as on_portal
       from findings left join inspections on inspections.id = findings.inspection_id
       where findings.force_code = $1
       group by inspections.category, findings.kind`,
      [force]
    ),
    pool.query<DiscrepancyRow>(
      `select findings.id, findings.reference, findings.kind, inspections.category, findings.title, findings.status,
         findings.portal_status, findings.portal_note
       from findings left join inspections on inspections.id = findings.inspection_id
       where findings.force_code = $1
         and ((findings.status in ('closed', 'superseded') and findings.portal_status = 'open')
           or (findings.status in ('open', 'closure_requested') and findings.portal_status = 'closed')
           or findings.portal_status = 'not_on_portal')
       order by findings.reference, findings.id`,
      [force]
    )
  ])

  const byCategory = new Map<string | null, ReturnType<typeof noCounts>>()
  const register = noCounts()
  const portal = { causesOfConcern: 0, recommendations: 0, areasForImprovement: 0 }
  for (const row of counts.rows) {
    const field = KIND_FIELDS[row.kind]!
    const line = byCategory.get(row.category) ?? noCounts()
    byCategory.set(row.category, line)
    line[field].total += row.open
    line[field].notOnPortal += row.open_not_on_portal
    register[field].total += row.open
    register[field].notOnPortal += row.open_not_on_portal
    portal[field] += row.on_portal
  }

  const discrepancies: Record<'registerOnly' | 'portalOnly' | 'closedOnPortalOnly', unknown[]> = { registerOnly: [], portalOnly: [], closedOnPortalOnly: [] }
  for (const row of disagreeing.rows) {
    const open = OPEN_STATES.includes(row.status)
    const list =
      open && row.portal_status === 'not_on_portal'
        ? 'registerOnly'
        : open && row.portal_status === 'closed'
          ? 'closedOnPortalOnly'
          : !open && row.portal_status === 'open'
            ? 'portalOnly'
            : null
    if (list === null) continue
    discrepancies[list].push({
      id: row.id,
      reference: row.reference,
      kind: row.kind,
      category: row.category,
      title: row.title,
      status: row.status,
      portalStatus: row.portal_status,
      portalNote: row.portal_note
    })
  }

  return {
    force,
    generatedAt: new Date().toISOString(),
    rows: CATEGORIES.map(([category, label]) => ({ category, label, ...(byCategory.get(category) ?? noCounts()) })),
    uncategorised: byCategory.get(null) ?? noCounts(),
    register: { label: 'Total on Force register', ...register },
    portal: { label: 'Total on HMIC monitoring portal', ...portal },
    discrepancies
  }
}

const groupOf = (id: string | null, name: string | null) => (id !== null && name !== null ? { id, name } : null)

async function overdue(pool: pg.Pool, force: string, asOf: string) {
  const [findings, actions] = await Promise.all([
    pool.query(
      `select findings.id, findings.reference, findings.kind, findings.title, findings.status, inspections.category,
         findings.deadline_text, findings.due_date::text as due_date, $2::date - findings.due_date as days_overdue,
         findings.force_lead, findings.delivery_lead, findings.governance_group_id, governance_groups.name as group_name
       from findings
         left join inspections on inspections.id = findings.inspection_id
         left join governance_groups on governance_groups.id = findings.governance_group_id
       where findings.force_code = $1 and findings.status in ('open', 'closure_requested') and findings.due_date < $2::date
       order by days_overdue desc, findings.reference, findings.id`,
      [force, asOf]
    ),
    pool.query(
      `select ongoing_actions.id, ongoing_actions.finding_id, findings.reference, findings.title, ongoing_actions.description,
         ongoing_actions.status, ongoing_actions.expected_completion::text as expected_completion,
         $2::date - ongoing_actions.expected_completion as days_overdue,
         findings.force_lead, findings.delivery_lead, findings.governance_group_id, governance_groups.name as group_name
       from ongoing_actions
         join findings on findings.id = ongoing_actions.finding_id
         left join governance_groups on governance_groups.id = findings.governance_group_id
       where findings.force_code = $1 and findings.status in ('open', 'closure_requested')
         and ongoing_actions.status <> 'completed' and ongoing_actions.expected_completion < $2::date
       order by days_overdue desc, findings.reference, ongoing_actions.created_at, ongoing_actions.id`,
      [force, asOf]
    )
  ])
  return {
    force,
    asOf,
    generatedAt: new Date().toISOString(),
    findings: findings.rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      kind: row.kind,
      title: row.title,
      status: row.status,
      category: row.category,
      deadlineText: row.deadline_text,
      dueDate: row.due_date,
      daysOverdue: row.days_overdue,
      forceLead: row.force_lead,
      deliveryLead: row.delivery_lead,
      governanceGroup: groupOf(row.governance_group_id, row.group_name)
    })),
    ongoingActions: actions.rows.map((row) => ({
      id: row.id,
      findingId: row.finding_id,
      reference: row.reference,
      findingTitle: row.title,
      description: row.description,
      status: row.status,
      expectedCompletion: row.expected_completion,
      daysOverdue: row.days_overdue,
      forceLead: row.force_lead,
      deliveryLead: row.delivery_lead,
      governanceGroup: groupOf(row.governance_group_id, row.group_name)
    }))
  }
}

// ---- the findings sheet of the register export, as CSV

const SHEET_HEADERS = [
  'Reference', 'Kind', 'Title', 'Text', 'Scope', 'Inspection', 'Parent', 'Questions', 'Deadline', 'Due date',
  'Force lead', 'Delivery lead', 'Governance group', 'Status', 'Status note', 'Portal status', 'Portal note', 'Superseded by'
]

/** RFC 4180 field with the service's formula guard (a leading = + - @ tab or CR gets a quote mark). */
function csvField(value: string | null): string {
  if (value === null) return ''
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

async function findingsSheet(pool: pg.Pool, force: string): Promise<string> {
  // A due date worked out from the deadline's words is left out: only a date set by hand travels.
  const { rows } = await pool.query<Record<string, string | null>>(
    `select findings.reference, findings.kind, findings.title, findings.text, findings.scope, inspections.key as inspection,
       parent.reference as parent,
       (select string_agg(fq.framework_key || ':' || fq.question_ref, E'\\n' order by fq.framework_key, fq.question_ref)
          from finding_questions fq where fq.finding_id = findings.id) as questions,
       findings.deadline_text, case when findings.due_date_resolved then null else findings.due_date::text end as due_date,
       findings.force_lead, findings.delivery_lead, governance_groups.name as governance_group, findings.status,
       findings.status_note, findings.portal_status, findings.portal_note, successor.reference as superseded_by
     from findings
       left join inspections on inspections.id = findings.inspection_id
       left join findings parent on parent.id = findings.parent_id
       left join governance_groups on governance_groups.id = findings.governance_group_id
       left join findings successor on successor.id = findings.superseded_by_id
     where findings.force_code = $1
     order by findings.reference`,
    [force]
  )
  const lines = [SHEET_HEADERS.map(csvField).join(',')]
  for (const row of rows) {
    lines.push(
      [
        row.reference, row.kind, row.title, row.text, row.scope, row.inspection, row.parent, row.questions, row.deadline_text, row.due_date,
        row.force_lead, row.delivery_lead, row.governance_group, row.status, row.status_note, row.portal_status, row.portal_note, row.superseded_by
      ]
        .map((value) => csvField(value ?? null))
        .join(',')
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

// ---- the app

export async function buildBaseline(pool: pg.Pool): Promise<FastifyInstance> {
  const app = Fastify()

  app.get('/v1/findings', async (request, reply) => reply.type('application/json; charset=utf-8').send(await listFindings(pool, request.query as Query)))

  app.get('/v1/findings/:id', async (request, reply) => {
    const { id } = request.params as { id: string }
    if (!UUID.test(id)) return invalid(request, reply, 'params', 'id', 'must match format "uuid"')
    const detail = await getFinding(pool, id)
    if (!detail) return notFound(request, reply, `No finding ${id}.`)
    return reply.header('etag', `"${detail.version}"`).type('application/json; charset=utf-8').send(detail)
  })

  /** The force a report or export is for, or the problem that answers instead. */
  async function forceOf(request: FastifyRequest, reply: FastifyReply, missing: string): Promise<string | null> {
    const force = one((request.query as Query).force)
    if (force === undefined) {
      await invalid(request, reply, 'query', 'force', `is required with a national key: ${missing}`)
      return null
    }
    if (!(await forceExists(pool, force))) {
      await notFound(request, reply, `No force with code ${force}.`)
      return null
    }
    return force
  }

  app.get('/v1/reports/summary', async (request, reply) => {
    const force = await forceOf(request, reply, 'name the force whose register to report on')
    if (force === null) return reply
    return reply.type('application/json; charset=utf-8').send(await summary(pool, force))
  })

  app.get('/v1/reports/overdue', async (request, reply) => {
    const asOf = one((request.query as Query).asOf)
    if (asOf !== undefined && !isDate(asOf)) return invalid(request, reply, 'query', 'asOf', 'must match format "date"')
    const force = await forceOf(request, reply, 'name the force whose register to report on')
    if (force === null) return reply
    return reply.type('application/json; charset=utf-8').send(await overdue(pool, force, asOf ?? today()))
  })

  app.get('/v1/exports/register', async (request, reply) => {
    const force = await forceOf(request, reply, 'name the force whose register this is')
    if (force === null) return reply
    const csv = await findingsSheet(pool, force)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="register-${force}-${today()}-findings.csv"`)
      .send(csv)
  })

  await app.ready()
  return app
}

async function main(): Promise<void> {
  // The service's own configuration reader: the same DATABASE_POOL_MAX (default 10), PORT and HOST.
  const config = loadConfig()
  if (config.databaseUrl === null) throw new Error('DATABASE_URL is required: the baseline runs on PostgreSQL only')
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolMax })
  pool.on('error', () => {})
  const app = await buildBaseline(pool)
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  process.stdout.write(`listening on ${typeof address === 'object' && address !== null ? address.port : config.port}\n`)
  const stop = async () => {
    await app.close()
    await pool.end()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop())
  process.once('SIGINT', () => void stop())
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`baseline failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  })
}
