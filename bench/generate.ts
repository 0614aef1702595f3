/**
 * The benchmark's data set: a deterministic national-scale register (43 forces, about 100k
 * findings, a million progress updates, closure requests in every state), generated inside
 * PostgreSQL with `insert ... select ... from generate_series(...)`, so that a million rows take
 * seconds rather than minutes.
 *
 * Every choice is a hash of the seed and a row's number (`hashint8extended`), every id an md5 of
 * the seed and the row's place: the same options give the same rows, and the runner can find the
 * same findings again. Forces are independent of each other, so a worker per core fills its share
 * of them in its own transaction; the two tables whose ids come from a sequence are then filled
 * in one ordered statement each, so that those ids do not depend on how the workers interleaved.
 * The database must already be migrated and hold its reference data.
 *
 *   DATABASE_URL=postgres://... node --import tsx bench/generate.ts [--quick]
 */
import { createHash } from 'node:crypto'
import { availableParallelism } from 'node:os'
import pg from 'pg'
import type { ClosureAction, ClosureStatus } from '../src/domain/closure/closure.rules.ts'
import { INSPECTIONS } from './inspections.ts'
import { BOARDS, CHAIRS, FREQUENCIES, POOLS, type PoolName, SEARCH_CANDIDATES, leadNames, rng, seedOf, textPools } from './words.ts'

export interface GenerateOptions {
  /** How many of the 43 force codes, in code order. */
  forces: number
  findingsPerForce: number
  updatesPerFinding: number
  seed: number
}

export interface GenerateSummary {
  forces: string[]
  findings: number
  updates: number
  ongoingActions: number
  reviews: number
  /** Per status. */
  closureRequests: Record<string, number>
  ms: number
}

export const NATIONAL: GenerateOptions = { forces: 43, findingsPerForce: 2326, updatesPerFinding: 10, seed: 1 }
export const QUICK: GenerateOptions = { forces: 43, findingsPerForce: 120, updatesPerFinding: 4, seed: 1 }

/** Every date is relative to this, not to the clock, so that a rerun next month gives the same rows. */
const ANCHOR = `timestamptz '2026-11-01 00:00:00+00'`
const LEADS_PER_FORCE = 15
const SENIOR_LEADS = 6
/** One worker per core of this machine, which is the database's too when the benchmark runs. */
const WORKERS = Math.min(4, availableParallelism())

/** The closure paths a request may have taken, as the actions of closure.rules.ts TRANSITIONS. */
const PATHS: ReadonlyArray<readonly ClosureAction[]> = [
  [],
  ['submit'],
  ['submit', 'return', 'submit'],
  ['submit', 'return'],
  ['submit', 'approve'],
  ['submit', 'approve', 'send_to_fll'],
  ['submit', 'approve', 'send_to_fll', 'close_pending_signoff'],
  ['submit', 'approve', 'send_to_fll', 'close'],
  ['submit', 'approve', 'send_to_fll', 'close_pending_signoff', 'sign_off'],
  ['submit', 'return', 'submit', 'approve', 'send_to_fll', 'close'],
  ['submit', 'approve', 'send_to_fll', 'reject'],
  ['withdraw'],
  ['submit', 'withdraw'],
  ['submit', 'return', 'submit', 'withdraw'],
  ['submit', 'approve', 'withdraw']
]
const ACTION_LEADS_TO: Record<ClosureAction, ClosureStatus> = {
  submit: 'board_review',
  approve: 'approved',
  return: 'returned',
  send_to_fll: 'with_fll',
  close: 'closed',
  close_pending_signoff: 'awaiting_signoff',
  sign_off: 'closed',
  reject: 'rejected',
  withdraw: 'withdrawn'
}
const NOTE_POOL: Partial<Record<ClosureAction, PoolName>> = { return: 'return_note', reject: 'reject_note', withdraw: 'withdraw_note' }

interface PathStep {
  path: number
  step: number
  action: string
  from: ClosureStatus | null
  to: ClosureStatus
  pool: PoolName | null
}

/**
 * Every step of every path. A request's path is known again from its status and version (one
 * per move) alone, which is how its transitions are written after the workers are done.
 */
function pathSteps(): { steps: PathStep[]; ends: Array<{ path: number; len: number; final: ClosureStatus }> } {
  const steps: PathStep[] = []
  const ends: Array<{ path: number; len: number; final: ClosureStatus }> = []
  PATHS.forEach((actions, path) => {
    const moves: Array<[string, ClosureStatus]> = [['create', 'draft'], ...actions.map((a): [string, ClosureStatus] => [a, ACTION_LEADS_TO[a]])]
    moves.forEach(([action, to], index) => {
      steps.push({ path, step: index + 1, action, from: index === 0 ? null : moves[index - 1]![1], to, pool: NOTE_POOL[action as ClosureAction] ?? null })
    })
    const final = moves[moves.length - 1]![1]
    if (ends.some((end) => end.final === final && end.len === moves.length)) throw new Error(`two closure paths end ${final} after ${moves.length} moves`)
    ends.push({ path, len: moves.length, final })
  })
  return { steps, ends }
}

/** An id that is a function of the seed and a row's place, shaped as a version 4 UUID. */
export function uuidOf(key: string): string {
  const hex = createHash('md5').update(key).digest('hex')
  const v = `${hex.slice(0, 12)}4${hex.slice(13, 16)}8${hex.slice(17)}`
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`
}

function check(options: GenerateOptions) {
  const whole = (value: number, low: number, high: number) => Number.isInteger(value) && value >= low && value <= high
  if (!whole(options.forces, 1, 43)) throw new Error('forces must be a whole number from 1 to 43')
  if (!whole(options.findingsPerForce, 1, 9_999_999)) throw new Error('findingsPerForce must be a whole number from 1 to 9,999,999')
  if (!whole(options.updatesPerFinding, 0, 999)) throw new Error('updatesPerFinding must be a whole number from 0 to 999')
  if (!whole(options.seed, -1_000_000_000, 1_000_000_000)) throw new Error('seed must be a whole number within ±1e9')
}

/** The SQL that makes every choice: the same expressions in every statement keep the rows consistent with each other. */
function sqlKit(options: GenerateOptions) {
  const { seed } = options
  const F = options.findingsPerForce
  const U = options.updatesPerFinding
  /** A pseudo-random integer in [0, 2^31) for a row key and a salt naming the choice. */
  const r = (key: string, salt: number) => `(hashint8extended(${key}, ${seed * 1000 + salt}) & 2147483647)`
  /** A row key from an id that is already random. */
  const keyOf = (id: string) => `('x' || left(replace(${id}::text, '-', ''), 15))::bit(60)::bigint`
  const uid = (kind: string, ...parts: string[]) =>
    `overlay(overlay(md5('${seed}:${kind}:' || ${parts.join(` || ':' || `)}) placing '4' from 13) placing '8' from 17)::uuid`
  const size = (pool: PoolName) => POOLS[pool].size
  /** When update i of a plan row was written: spread between the finding's creation and its last activity. */
  const updateAt = (p: string, i: string) => `${p}.t0 + (${p}.c - ${p}.t0) * ${i} / ${U + 1} + (${r(`${p}.k * 1000 + ${i}`, 50)} % 7200) * interval '1 second'`
  return { F, U, r, keyOf, uid, size, updateAt }
}
type Kit = ReturnType<typeof sqlKit>

type Step = (name: string, ms: number) => void
type Run = (name: string, text: string, values?: unknown[]) => Promise<number>

function runner(client: pg.Client, prefix: string, onStep?: Step): Run {
  let last = performance.now()
  return async (name, text, values) => {
    const result = await client.query(text, values)
    const now = performance.now()
    onStep?.(`${prefix}${name}`, now - last)
    last = now
    return Array.isArray(result) ? 0 : (result.rowCount ?? 0)
  }
}

/** One force's small tables, built in Node from the seed. */
interface ForceData {
  f: number
  code: string
  groups: Array<{ id: string; name: string; chair: string; frequency: string; at: string }>
  inspections: Array<{
    id: string; key: string; title: string; label: string; kind: string; category: string; scope: string; year: number
    started: string; ended: string; published: string; framework: string | null; milestones: string; at: string; weight: number
  }>
  leads: string[]
}

const day = (iso: string, offset: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10)

function forceData(seed: number, f: number, code: string, name: string): ForceData {
  const random = rng(seedOf(seed, code, 'register'))
  const groupCount = 3 + Math.floor(random() * 3)
  const first = Math.floor(random() * BOARDS.length)
  const groups = Array.from({ length: groupCount }, (_, j) => ({
    id: uuidOf(`${seed}:g:${code}:${j}`),
    name: BOARDS[(first + j) % BOARDS.length]!,
    chair: CHAIRS[Math.floor(random() * CHAIRS.length)]!,
    frequency: FREQUENCIES[Math.floor(random() * FREQUENCIES.length)]!,
    at: `${day('2018-01-08', Math.floor(random() * 300))} 09:30:00+00`
  }))
  const inspections: ForceData['inspections'] = []
  for (const template of INSPECTIONS) {
    if (!template.core && random() >= 0.74) continue
    const published = template.scope === 'national' ? template.publishedOn : day(template.publishedOn, Math.floor(random() * 51) - 25)
    const started = day(published, -120 - Math.floor(random() * 80))
    const ended = day(started, 20 + Math.floor(random() * 40))
    const milestones =
      template.kind === 'peel'
        ? [
            { kind: 'fieldwork', title: 'Fieldwork', date: started, dateText: null, note: null },
            { kind: 'report_publication', title: 'Report published', date: published, dateText: null, note: null }
          ]
        : []
    inspections.push({
      id: uuidOf(`${seed}:i:${code}:${template.key}`),
      key: template.key,
      title: template.title(name),
      label: template.label,
      kind: template.kind,
      category: template.category,
      scope: template.scope,
      year: template.year,
      started,
      ended,
      published,
      framework: template.framework,
      milestones: JSON.stringify(milestones),
      at: `${day(published, 1)} 10:00:00+00`,
      weight: template.weight
    })
  }
  return { f, code, groups, inspections, leads: leadNames(seed, code, LEADS_PER_FORCE) }
}

/** The text pools and the closure paths, as temporary tables of the session. */
async function sharedTables(client: pg.Client, pools: Record<PoolName, string[]>, kit: Kit) {
  const entries = Object.entries(pools).flatMap(([pool, texts]) => texts.map((text, i) => [pool, i, text] as const))
  const { steps, ends } = pathSteps()
  await client.query(`
    create temp table gen_text (pool text, i int, s text not null, primary key (pool, i)) on commit drop;
    create temp table gen_path (path int, step int, action text, from_status text, to_status text, note_pool text, note_size int, primary key (path, step)) on commit drop;
    create temp table gen_pathlen (path int primary key, len int not null, final text not null, unique (final, len)) on commit drop;
  `)
  await client.query('insert into gen_text select * from unnest($1::text[], $2::int[], $3::text[])', [
    entries.map((e) => e[0]), entries.map((e) => e[1]), entries.map((e) => e[2])
  ])
  await client.query('insert into gen_path select * from unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[])', [
    steps.map((s) => s.path), steps.map((s) => s.step), steps.map((s) => s.action), steps.map((s) => s.from), steps.map((s) => s.to),
    steps.map((s) => s.pool), steps.map((s) => (s.pool ? kit.size(s.pool) : 1))
  ])
  await client.query('insert into gen_pathlen select * from unnest($1::int[], $2::int[], $3::text[])', [ends.map((e) => e.path), ends.map((e) => e.len), ends.map((e) => e.final)])
}

/** Settings local to the transaction: nothing changes for anyone else. */
async function begin(client: pg.Client) {
  await client.query('begin')
  // UTC so that dates do not move with the server's zone; room for the sorts; no JIT, which spends
  // longer compiling these wide expressions than running them; and hash joins, because every join
  // here is a lookup into a small table by a computed key, where the planner's row estimates for
  // such expressions would pick a nested loop of index probes.
  await client.query(`set local timezone = 'UTC'`)
  await client.query(`set local work_mem = '256MB'`)
  await client.query('set local jit = off')
  await client.query('set local enable_nestloop = off')
  // The register is written as an import writes one: closures older than the service come in as imported.
  await client.query(`select set_config('peel_register.writer', 'import', true)`)
}

/**
 * Fills the register of the first `options.forces` forces. Refuses a register that already holds
 * groups, inspections or findings for them: the data set is only reproducible from empty. A
 * failure after the workers commit (in the histories or the vacuum) leaves a partial data set:
 * start again from a fresh database. `onStep` hears each step's duration, for a progress display.
 */
export async function generate(databaseUrl: string, options: GenerateOptions, onStep?: Step): Promise<GenerateSummary> {
  check(options)
  const started = performance.now()
  const workers = Math.max(1, Math.min(WORKERS, options.forces))
  const clients = Array.from({ length: Math.max(2, workers) }, () => new pg.Client({ connectionString: databaseUrl }))
  try {
    await Promise.all(clients.map((client) => client.connect()))
    const main = clients[0]!
    const forces = await main.query<{ code: string; name: string }>('select code, name from forces order by code limit $1', [options.forces])
    if (forces.rows.length < options.forces) {
      throw new Error(`the database holds ${forces.rows.length} forces, fewer than the ${options.forces} asked for: load the reference data first`)
    }
    const codes = forces.rows.map((force) => force.code)
    const taken = await main.query<{ n: number }>(
      `select (select count(*) from findings where force_code = any($1))::int + (select count(*) from inspections where force_code = any($1))::int
              + (select count(*) from governance_groups where force_code = any($1))::int as n`,
      [codes]
    )
    if (taken.rows[0]!.n > 0) throw new Error('the register already holds data for these forces: generate into a freshly migrated database')

    const kit = sqlKit(options)
    const pools = textPools(options.seed)
    const data = forces.rows.map((force, index) => forceData(options.seed, index + 1, force.code, force.name))

    // Each worker fills a share of the forces in its own transaction; they commit only once every
    // one of them has succeeded.
    const shares = Array.from({ length: workers }, (_, w) => data.filter((_, index) => index % workers === w))
    const filled = await Promise.allSettled(
      shares.map(async (share, w) => {
        const client = clients[w]!
        await begin(client)
        return fillForces(client, kit, pools, share, runner(client, workers > 1 ? `[${w + 1}] ` : '', onStep))
      })
    )
    const failure = filled.find((result) => result.status === 'rejected')
    if (failure) {
      await Promise.all(clients.map((client) => client.query('rollback').catch(() => undefined)))
      throw failure.reason
    }
    await Promise.all(clients.slice(0, workers).map((client) => client.query('commit')))
    const counts = filled.map((result) => (result as PromiseFulfilledResult<Counts>).value)
    const sum = (key: keyof Counts) => counts.reduce((total, c) => total + c[key], 0)

    // The sequence-numbered histories, one ordered statement each, side by side.
    await Promise.all([
      history(clients[0]!, kit, pools, codes, 'ongoing action dates', onStep),
      history(clients[1]!, kit, pools, codes, 'closure transitions', onStep)
    ])

    // Statistics for the planner, and a visibility map so that index-only scans work from the
    // first request rather than whenever autovacuum gets round to it. Every table, for whatever
    // triggers maintain beside the register (counts rewritten once per finding leave dead rows).
    // The largest table on one connection, the rest on the other.
    const others = await main.query<{ name: string }>(
      `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname = current_schema() and tablename <> 'progress_updates' order by 1`
    )
    await Promise.all([
      runner(clients[0]!, '', onStep)('vacuum analyze progress_updates', 'vacuum analyze progress_updates'),
      runner(clients[1]!, '', onStep)('vacuum analyze the rest', `vacuum analyze ${others.rows.map((row) => row.name).join(', ')}`)
    ])

    const byStatus = await main.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from closure_requests where force_code = any($1) group by status order by status',
      [codes]
    )
    return {
      forces: codes,
      findings: sum('findings'),
      updates: sum('updates'),
      ongoingActions: sum('ongoingActions'),
      reviews: sum('reviews'),
      closureRequests: Object.fromEntries(byStatus.rows.map((row) => [row.status, row.n])),
      ms: Math.round(performance.now() - started)
    }
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)))
  }
}

interface Counts {
  findings: number
  updates: number
  ongoingActions: number
  reviews: number
}

/** Everything of a share of the forces but the two sequence-numbered histories, in the caller's transaction. */
async function fillForces(client: pg.Client, kit: Kit, pools: Record<PoolName, string[]>, share: ForceData[], step: Run): Promise<Counts> {
  const { F, U, r, keyOf, uid, size, updateAt } = kit
  const groups = share.flatMap((force) => force.groups.map((group, j) => ({ ...group, f: force.f, j, force: force.code })))
  const inspections = share.flatMap((force) => force.inspections.map((inspection) => ({ ...inspection, force: force.code })))
  const slots = share.flatMap((force) => force.inspections.flatMap((inspection) => Array.from({ length: inspection.weight }, () => ({ f: force.f, id: inspection.id })))
    .map((slot, index) => ({ ...slot, slot: index })))
  const leads = share.flatMap((force) => force.leads.map((name, j) => ({ f: force.f, j, name })))

  await sharedTables(client, pools, kit)
  await step(
    'working tables',
    `
    create temp table gen_force (f int primary key, code text not null, nslots int not null, ngroups int not null) on commit drop;
    create temp table gen_group (f int, j int, id uuid not null, primary key (f, j)) on commit drop;
    create temp table gen_slot (f int, slot int, insp_id uuid not null, primary key (f, slot)) on commit drop;
    create temp table gen_lead (f int, j int, name text not null, primary key (f, j)) on commit drop;
    create temp table gen_question on commit drop as
      select framework_key, (row_number() over (partition by framework_key order by position, ref) - 1)::int as i, ref
      from framework_questions;
    create temp table gen_qcount on commit drop as select framework_key, count(*)::int as n from gen_question group by framework_key;
    `
  )
  await client.query('insert into gen_force select * from unnest($1::int[], $2::text[], $3::int[], $4::int[])', [
    share.map((force) => force.f), share.map((force) => force.code),
    share.map((force) => force.inspections.reduce((total, inspection) => total + inspection.weight, 0)), share.map((force) => force.groups.length)
  ])
  await client.query('insert into gen_group select * from unnest($1::int[], $2::int[], $3::uuid[])', [groups.map((g) => g.f), groups.map((g) => g.j), groups.map((g) => g.id)])
  await client.query('insert into gen_slot select * from unnest($1::int[], $2::int[], $3::uuid[])', [slots.map((s) => s.f), slots.map((s) => s.slot), slots.map((s) => s.id)])
  await client.query('insert into gen_lead select * from unnest($1::int[], $2::int[], $3::text[])', [leads.map((l) => l.f), leads.map((l) => l.j), leads.map((l) => l.name)])

  await step(
    'governance groups',
    `insert into governance_groups (id, force_code, name, chair, meeting_frequency, created_at, updated_at)
     select id, force, name, chair, frequency, at, at from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
       as g(id, force, name, chair, frequency, at)`,
    [groups.map((g) => g.id), groups.map((g) => g.force), groups.map((g) => g.name), groups.map((g) => g.chair), groups.map((g) => g.frequency), groups.map((g) => g.at)]
  )
  await step(
    'inspections',
    `insert into inspections (id, force_code, key, title, label, kind, category, scope, year, started_on, ended_on, published_on, framework_key, milestones, created_at, updated_at)
     select id, force, key, title, label, kind, category, scope, year, started, ended, published, framework, milestones, at, at
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[],
                 $10::date[], $11::date[], $12::date[], $13::text[], $14::jsonb[], $15::timestamptz[])
       as i(id, force, key, title, label, kind, category, scope, year, started, ended, published, framework, milestones, at)`,
    [
      inspections.map((i) => i.id), inspections.map((i) => i.force), inspections.map((i) => i.key), inspections.map((i) => i.title),
      inspections.map((i) => i.label), inspections.map((i) => i.kind), inspections.map((i) => i.category), inspections.map((i) => i.scope),
      inspections.map((i) => i.year), inspections.map((i) => i.started), inspections.map((i) => i.ended), inspections.map((i) => i.published),
      inspections.map((i) => i.framework), inspections.map((i) => i.milestones), inspections.map((i) => i.at)
    ]
  )

  // ---- the plan: one row per finding with every choice the later statements share

  const width = Math.max(4, String(F).length)
  await step(
    'plan',
    `
    create temp table gen_plan on commit drop as
    -- Materialized steps: a column used by later steps is then computed once, not once per use.
    with base as (
      select gf.f, gf.code, gf.nslots, gf.ngroups, n,
             gf.f::bigint * 10000000 + n as k,
             -- Findings come in blocks of twenty; a block may hold a cause of concern and its recommendations.
             gf.f::bigint * 10000000 + (n - 1) / 20 as bk,
             (n - 1) % 20 as p
      from gen_force gf cross join generate_series(1, ${F}) n
    ), family as (
      select b.*, ${r('b.bk', 1)} % 17 as cpos from base b
    ), kinded as materialized (
      select x.*,
             case when x.p = x.cpos then 'cause_of_concern'
                  when x.p > x.cpos and x.p <= x.cpos + 3 then 'recommendation'
                  when ${r('x.k', 2)} % 100 < 42 then 'recommendation'
                  else 'area_for_improvement' end as kind,
             case when x.p > x.cpos and x.p <= x.cpos + 3 then x.n - (x.p - x.cpos) end as parent_n,
             x.p >= x.cpos and x.p <= x.cpos + 3 as in_family
      from family x
    ), placed as (
      select k.*, i.id as insp_id, i.year, i.published_on, i.framework_key, coalesce(i.scope, 'force') as scope
      from kinded k
      left join gen_slot s on s.f = k.f
        and (k.in_family or ${r('k.k', 4)} % 100 >= 4)
        and s.slot = (case when k.in_family then ${r('k.bk', 3)} else ${r('k.k', 3)} end) % k.nslots
      left join inspections i on i.id = s.insp_id
    ), timed as materialized (
      select q.*,
             case when q.insp_id is not null
                  then (q.published_on + (${r('q.k', 5)} % 21)::int)::timestamp
                  else timestamp '2018-01-01' + (${r('q.k', 5)} % 2800) * interval '1 day' end
               + (28800 + ${r('q.k', 6)} % 32400) * interval '1 second' as t0
      from placed q
    ), fated as materialized (
      select t.*,
             case when ${F} > 1 and ${r('t.k', 10)} % 1000 < 30 then 'superseded'
                  -- Older findings are more often closed.
                  when ${r('t.k', 10)} % 1000 < 30 + least(700, greatest(0, ((extract(epoch from ${ANCHOR} - t.t0) / 31557600 - 2) * 80)::int))
                    then case when ${r('t.k', 11)} % 100 < 25 then 'legacy_closed' else 'closed' end
                  else case when ${r('t.k', 12)} % 1000 < 45 then 'draft'
                            when ${r('t.k', 12)} % 1000 < 100 then 'board_review'
                            when ${r('t.k', 12)} % 1000 < 125 then 'returned'
                            when ${r('t.k', 12)} % 1000 < 160 then 'approved'
                            when ${r('t.k', 12)} % 1000 < 205 then 'with_fll'
                            when ${r('t.k', 12)} % 1000 < 245 then 'awaiting_signoff'
                            when ${r('t.k', 12)} % 1000 < 275 then 'rejected'
                            when ${r('t.k', 12)} % 1000 < 305 then 'withdrawn'
                            else 'none' end
             end as scenario
      from timed t
    ), pathed as materialized (
      select x.*,
             case x.scenario
               when 'draft' then 0
               when 'board_review' then case when ${r('x.k', 13)} % 4 = 0 then 2 else 1 end
               when 'returned' then 3
               when 'approved' then 4
               when 'with_fll' then 5
               when 'awaiting_signoff' then 6
               when 'closed' then case when ${r('x.k', 13)} % 10 < 5 then 7 when ${r('x.k', 13)} % 10 < 8 then 8 else 9 end
               when 'rejected' then 10
               when 'withdrawn' then 11 + ${r('x.k', 13)} % 4
             end as path,
             x.t0 + (${ANCHOR} - x.t0) * case x.scenario
               when 'none' then 0.97 - (${r('x.k', 16)} % 20) / 1000.0
               when 'superseded' then 0.6 + (${r('x.k', 16)} % 30) / 100.0
               when 'legacy_closed' then 0.3 + (${r('x.k', 16)} % 60) / 100.0
               -- A request that ended was made at any time; one under way, lately.
               when 'closed' then 0.3 + (${r('x.k', 16)} % 60) / 100.0
               when 'rejected' then 0.3 + (${r('x.k', 16)} % 60) / 100.0
               when 'withdrawn' then 0.3 + (${r('x.k', 16)} % 60) / 100.0
               else 0.8 + (${r('x.k', 16)} % 15) / 100.0 end as c,
             case when x.kind = 'area_for_improvement' or x.insp_id is null then null
                  when x.kind = 'cause_of_concern' then (array[3, 6])[1 + ${r('x.k', 17)} % 2]
                  else (array[3, 6, 6, 12, 12, 18, 24])[1 + ${r('x.k', 17)} % 7] end as months
      from fated x
    ), dated as materialized (
      select y.*,
             case when y.path is not null and ${r('y.k', 14)} % 100 < 15 then 10 + ${r('y.k', 15)} % 5 end as earlier_path,
             case when (y.published_on + make_interval(months => y.months))::date > date '2027-12-31' then 12 else y.months end as due_months,
             ${r('y.k', 18)} % 2 = 0 as by_month
      from pathed y
    )
    select d.f, d.code, d.n, d.k, d.kind, d.parent_n, d.insp_id, d.year, d.framework_key, d.scope, d.t0, d.c, d.scenario, d.path, d.earlier_path,
           ${uid('f', 'd.code', 'd.n')} as id,
           case d.kind when 'cause_of_concern' then 'CoC' when 'recommendation' then 'R' else 'AFI' end
             || '-' || coalesce(d.year, extract(year from d.t0)::int) || '-' || lpad(d.n::text, ${width}, '0') as reference,
           case when d.scenario = 'superseded' then 1 + (d.n + ${r('d.k', 27)} % ${Math.max(F - 1, 1)}) % ${F} end as succ_n,
           case when d.scenario = 'superseded' then 'superseded'
                when d.scenario in ('closed', 'legacy_closed', 'awaiting_signoff') then 'closed'
                when d.scenario in ('draft', 'board_review', 'approved', 'with_fll') then 'closure_requested'
                else 'open' end as status,
           case d.scenario
             when 'closed' then 'closed'
             when 'awaiting_signoff' then 'open'
             when 'legacy_closed' then case when ${r('d.k', 20)} % 100 < 8 then 'open' else 'closed' end
             when 'superseded' then case when ${r('d.k', 20)} % 100 < 15 then 'open' else 'closed' end
             else case when d.kind = 'area_for_improvement' and ${r('d.k', 20)} % 100 < 8 then 'not_on_portal'
                       when ${r('d.k', 20)} % 100 >= 97 then 'closed'
                       else 'open' end
           end as portal_status,
           case when ${r('d.k', 21)} % 100 < 85 then ${r('d.k', 22)} % d.ngroups end as group_j,
           case when ${r('d.k', 23)} % 100 >= 5 then ${r('d.k', 24)} % ${SENIOR_LEADS} end as force_lead_j,
           case when ${r('d.k', 25)} % 100 >= 6 then ${r('d.k', 26)} % ${LEADS_PER_FORCE} end as delivery_lead_j,
           -- A few delivery leads typed in lower case, as registers kept by hand have them.
           ${r('d.k', 25)} % 100 between 6 and 8 as lead_lowercase,
           case when d.due_months is not null then
                  case when d.by_month then (date_trunc('month', d.published_on + make_interval(months => d.due_months)) + interval '1 month - 1 day')::date
                       else (d.published_on + make_interval(months => d.due_months))::date end
                when d.kind <> 'area_for_improvement' or ${r('d.k', 19)} % 100 < 55
                  then least(date '2027-12-31', greatest(date '2018-01-01', d.t0::date + (90 + ${r('d.k', 19)} % 810)::int)) end as due_date,
           case when d.due_months is not null then
                  case when d.by_month then 'By ' || to_char(d.published_on + make_interval(months => d.due_months), 'FMMonth YYYY')
                       else 'Within ' || case d.due_months when 3 then 'three' when 6 then 'six' when 12 then 'twelve' when 18 then 'eighteen' else 'twenty-four' end || ' months' end
           end as deadline_text,
           d.due_months is not null as due_date_resolved,
           -- The final request opens a little after the last update; its moves take up to half a year.
           d.c + (${ANCHOR} - d.c) * 0.05 as cr,
           least(interval '180 days', (${ANCHOR} - (d.c + (${ANCHOR} - d.c) * 0.05)) * 0.9) as span,
           d.t0 + (d.c - d.t0) * 0.45 as ecr,
           least(interval '120 days', (d.c - d.t0) * 0.2) as espan,
           d.path is not null and ${r('d.k', 70)} % 100 < 30 as closure_review
    from dated d
    `
  )
  await client.query('create index on gen_plan (f, n); analyze gen_text, gen_force, gen_group, gen_slot, gen_lead, gen_pathlen, gen_question, gen_qcount, gen_plan')

  // ---- the register

  const findings = await step(
    'findings',
    `
    insert into findings (id, force_code, reference, kind, title, text, scope, inspection_id, parent_id, deadline_text, due_date, due_date_resolved,
                          force_lead, delivery_lead, governance_group_id, status, closed_via, status_note, portal_status, portal_note, superseded_by_id,
                          version, created_at, updated_at)
    select p.id, p.code, p.reference, p.kind, tt.s,
           lead.s || ' ' || b1.s || case when length(lead.s) + length(b1.s) < 300 then ' ' || b2.s else '' end,
           p.scope, p.insp_id,
           case when p.parent_n is not null then ${uid('f', 'p.code', 'p.parent_n')} end,
           p.deadline_text, p.due_date, p.due_date_resolved,
           fl.name, case when p.lead_lowercase then lower(dl.name) else dl.name end, g.id,
           p.status,
           case when p.status = 'closed' then case when p.scenario = 'legacy_closed' then 'import' else 'closure_request' end end,
           case when p.status = 'superseded' then 'Superseded by ' || s.reference || '.'
                when p.status = 'closed' and p.scenario <> 'awaiting_signoff' and ${r('p.k', 30)} % 100 < 40 then sn.s end,
           p.portal_status,
           case when p.scenario = 'awaiting_signoff' then 'Closed by the Force Liaison Lead; awaiting central sign-off.'
                when (p.status in ('closed', 'superseded') and p.portal_status = 'open')
                  or (p.status in ('open', 'closure_requested') and p.portal_status = 'closed')
                  or p.portal_status = 'not_on_portal' then pn.s end,
           s.id,
           1 + coalesce(pl.len, 0),
           p.t0,
           case when p.path is not null then p.cr + p.span * (pl.len - 1) / pl.len else p.c end
    from gen_plan p
    join gen_text tt on tt.pool = 'title' and tt.i = ${r('p.k', 31)} % ${size('title')}
    join gen_text lead on lead.pool = 'lead_' || p.kind and lead.i = ${r('p.k', 32)} % ${size('lead_recommendation')}
    join gen_text b1 on b1.pool = 'body' and b1.i = ${r('p.k', 33)} % ${size('body')}
    join gen_text b2 on b2.pool = 'body' and b2.i = ${r('p.k', 34)} % ${size('body')}
    join gen_text sn on sn.pool = 'status_note' and sn.i = ${r('p.k', 35)} % ${size('status_note')}
    join gen_text pn on pn.pool = 'portal_note' and pn.i = ${r('p.k', 36)} % ${size('portal_note')}
    left join gen_group g on g.f = p.f and g.j = p.group_j
    left join gen_lead fl on fl.f = p.f and fl.j = p.force_lead_j
    left join gen_lead dl on dl.f = p.f and dl.j = p.delivery_lead_j
    left join gen_plan s on s.f = p.f and s.n = p.succ_n
    left join gen_pathlen pl on pl.path = p.path
    order by p.t0, p.id
    `
  )

  await step(
    'finding questions',
    `
    insert into finding_questions (finding_id, framework_key, question_ref)
    select p.id, p.framework_key, q.ref
    from gen_plan p
    join gen_qcount qc on qc.framework_key = p.framework_key
    cross join lateral generate_series(0, least(${r('p.k', 37)} % 4, qc.n) - 1) j
    join gen_question q on q.framework_key = p.framework_key and q.i = (${r('p.k', 38)} % qc.n + j) % qc.n
    `
  )

  await step(
    'finding actions',
    `
    insert into finding_actions (id, finding_id, position, text, status, version, created_at, updated_at)
    select ${uid('x', 'a.code', 'a.n', 'a.j')}, a.id, a.j, t.s, case when a.done then 'done' else 'open' end,
           case when a.done then 2 else 1 end, a.t0, case when a.done then a.c else a.t0 end
    from (
      select p.*, j, p.status in ('closed', 'superseded') or ${r('p.k * 10 + j', 41)} % 3 = 0 as done
      from gen_plan p
      cross join lateral generate_series(1, (array[0, 0, 0, 0, 1, 1, 1, 2, 2, 3])[1 + ${r('p.k', 40)} % 10]) j
    ) a
    join gen_text t on t.pool = 'finding_action' and t.i = ${r('a.k * 10 + a.j', 42)} % ${size('finding_action')}
    `
  )

  // ---- progress: updates, their ongoing actions and the dates those actions moved to

  const evidenceItem = (n: number) => `jsonb_build_object(
      'title', split_part(e${n}.s, E'\\t', 2), 'kind', split_part(e${n}.s, E'\\t', 1),
      'location', case when ${r('u.uk', 53 + n)} % 100 < 15 then null else l${n}.s end,
      'date', to_char(u.at - (${r('u.uk', 55 + n)} % 30) * interval '1 day', 'YYYY-MM-DD'))`
  const updates = await step(
    'progress updates',
    `
    insert into progress_updates (id, finding_id, position, activities, impact, evidence, created_at)
    select ${uid('u', 'u.code', 'u.n', 'u.i')}, u.finding_id, po.s, a1.s || ' ' || a2.s,
           case when ${r('u.uk', 51)} % 100 < 35 then null else im.s end,
           case when ${r('u.uk', 52)} % 10 < 4 then '[]'::jsonb
                when ${r('u.uk', 52)} % 10 < 8 then jsonb_build_array(${evidenceItem(1)})
                else jsonb_build_array(${evidenceItem(1)}, ${evidenceItem(2)}) end,
           u.at
    from (
      -- Written in time order, as the service would have written them.
      select p.code, p.n, p.id as finding_id, i, p.k * 1000 + i as uk, ${updateAt('p', 'i')} as at
      from gen_plan p cross join generate_series(1, ${U}) i
      order by at, p.k, i
    ) u
    join gen_text po on po.pool = 'position' and po.i = ${r('u.uk', 60)} % ${size('position')}
    join gen_text a1 on a1.pool = 'activity' and a1.i = ${r('u.uk', 61)} % ${size('activity')}
    join gen_text a2 on a2.pool = 'activity' and a2.i = ${r('u.uk', 62)} % ${size('activity')}
    join gen_text im on im.pool = 'impact' and im.i = ${r('u.uk', 63)} % ${size('impact')}
    join gen_text e1 on e1.pool = 'evidence' and e1.i = ${r('u.uk', 64)} % ${size('evidence')}
    join gen_text e2 on e2.pool = 'evidence' and e2.i = ${r('u.uk', 65)} % ${size('evidence')}
    join gen_text l1 on l1.pool = 'location' and l1.i = ${r('u.uk', 66)} % ${size('location')}
    join gen_text l2 on l2.pool = 'location' and l2.i = ${r('u.uk', 67)} % ${size('location')}
    `
  )

  await step(
    'ongoing action plan',
    `
    create temp table gen_action on commit drop as
    select a.*,
           -- Keyed on the action's id, so that the date history can be written from the action alone.
           case when a.slipped then a.first_date + (30 + ${r(keyOf('a.id'), 73)} % 150)::int else a.first_date end as expected,
           a.at + (${ANCHOR} - a.at) * (0.2 + (${r('a.uk', 74)} % 50) / 100.0) as moved_at
    from (
      select p.k, p.code, p.n, p.id as finding_id, p.status as finding_status, i, p.k * 1000 + i as uk, ${updateAt('p', 'i')} as at,
             ${uid('a', 'p.code', 'p.n', 'i')} as id,
             (${updateAt('p', 'i')})::date + (30 + ${r('p.k * 1000 + i', 71)} % 300)::int as first_date,
             ${r('p.k * 1000 + i', 72)} % 100 < 20 as slipped
      from gen_plan p cross join generate_series(1, ${U}) i
      where ${r('p.k * 1000 + i', 70)} % 100 < 30
      offset 0 -- keeps the subquery whole, so that each column is computed once
    ) a;
    analyze gen_action;
    `
  )
  const ongoingActions = await step(
    'ongoing actions',
    `
    insert into ongoing_actions (id, finding_id, update_id, description, anticipated_impact, expected_completion, status, version, created_at, updated_at)
    select a.id, a.finding_id, ${uid('u', 'a.code', 'a.n', 'a.i')}, d.s,
           case when ${r('a.uk', 75)} % 2 = 0 then ai.s end,
           a.expected,
           case when a.finding_status in ('closed', 'superseded') then 'completed'
                when a.i <= ${U} - 3 then case when ${r('a.uk', 76)} % 100 < 70 then 'completed' when ${r('a.uk', 76)} % 100 < 90 then 'ongoing' else 'not_started' end
                else case when ${r('a.uk', 76)} % 100 < 20 then 'completed' when ${r('a.uk', 76)} % 100 < 80 then 'ongoing' else 'not_started' end
           end,
           case when a.slipped then 2 else 1 end,
           a.at,
           case when a.slipped then a.moved_at else a.at end
    from gen_action a
    join gen_text d on d.pool = 'ongoing' and d.i = ${r('a.uk', 77)} % ${size('ongoing')}
    join gen_text ai on ai.pool = 'anticipated' and ai.i = ${r('a.uk', 78)} % ${size('anticipated')}
    order by a.at, a.k, a.i
    `
  )
  // ---- reviews and closure

  const reviews = await step(
    'reviews',
    `
    insert into reviews (id, finding_id, outcome, rationale, governance_group_id, created_at)
    select ${uid('r', 'v.code', 'v.n')}, v.id, v.outcome, t.s,
           case when ${r('v.k', 82)} % 100 >= 20 then g.id end,
           v.at
    from (
      select p.*, 'request_closure' as outcome, p.c + (p.cr - p.c) / 2 as at from gen_plan p where p.closure_review
      union all
      select p.*,
             case when ${r('p.k', 81)} % 10 < 5 then 'embed_and_sustain' when ${r('p.k', 81)} % 10 < 9 then 'remedial_action' else 'request_closure' end,
             p.t0 + (p.c - p.t0) * 0.6
      from gen_plan p
      where p.path is null and p.scenario <> 'superseded' and ${r('p.k', 80)} % 100 < 9
    ) v
    join gen_text t on t.pool = 'rationale_' || v.outcome and t.i = ${r('v.k', 83)} % ${size('rationale_request_closure')}
    left join gen_group g on g.f = v.f and g.j = v.group_j
    order by v.at, v.k
    `
  )

  await step(
    'closure plan',
    `
    create temp table gen_request on commit drop as
    select p.k, p.code, p.n, p.id as finding_id, p.closure_review, x.final, x.path, x.at0, x.span, pl.len, pl.final as status,
           ${uid('c', 'p.code', 'p.n', 'x.final::int::text')} as id
    from gen_plan p
    cross join lateral (values (false, p.earlier_path, p.ecr, p.espan), (true, p.path, p.cr, p.span)) x(final, path, at0, span)
    join gen_pathlen pl on pl.path = x.path;
    analyze gen_request;
    `
  )
  await step(
    'closure requests',
    `
    insert into closure_requests (id, finding_id, force_code, status, summary, evidence, review_id, version, created_at, updated_at)
    select q.id, q.finding_id, q.code, q.status, t.s,
           -- What the service snapshots on create: every piece of evidence so far, with the update it came from.
           (select coalesce(jsonb_agg(e.item || jsonb_build_object('updateId', pu.id) order by pu.created_at, pu.id, e.ord), '[]'::jsonb)
            from progress_updates pu cross join lateral jsonb_array_elements(pu.evidence) with ordinality e(item, ord)
            where pu.finding_id = q.finding_id and pu.created_at <= q.at0),
           case when q.final and q.closure_review then ${uid('r', 'q.code', 'q.n')} end,
           q.len, q.at0, q.at0 + q.span * (q.len - 1) / q.len
    from gen_request q
    join gen_text t on t.pool = 'summary' and t.i = ${r('q.k * 2 + q.final::int', 84)} % ${size('summary')}
    order by q.at0, q.k, q.final
    `
  )

  return { findings, updates, ongoingActions, reviews }
}

/**
 * One of the two tables numbered by a sequence, for all the forces at once, from the rows the
 * workers committed, in an order that does not depend on them.
 */
async function history(client: pg.Client, kit: Kit, pools: Record<PoolName, string[]>, codes: string[], table: 'ongoing action dates' | 'closure transitions', onStep?: Step) {
  const { r, keyOf, size } = kit
  await begin(client)
  await sharedTables(client, pools, kit)
  const step = runner(client, '', onStep)
  if (table === 'ongoing action dates') {
    // The first date an action was expected by, and for one that slipped (version 2), the later one and why.
    await step(
      table,
      `
      insert into ongoing_action_dates (action_id, expected_completion, reason, changed_at)
      select a.id,
             case when m.later or a.version = 1 then a.expected_completion
                  else a.expected_completion - (30 + ${r(keyOf('a.id'), 73)} % 150)::int end,
             case when m.later then reason.s end,
             case when m.later then a.updated_at else a.created_at end
      from ongoing_actions a
      join findings f on f.id = a.finding_id
      cross join (values (false), (true)) m(later)
      join gen_text reason on reason.pool = 'slip_reason' and reason.i = ${r(keyOf('a.id'), 79)} % ${size('slip_reason')}
      where f.force_code = any($1) and (not m.later or a.version = 2)
      order by 4, a.id, m.later
      `,
      [codes]
    )
  } else {
    // A request's path is the one that ends in its status after as many moves as its version.
    await step(
      table,
      `
      insert into closure_transitions (request_id, action, from_status, to_status, note, at)
      select q.id, s.action, s.from_status, s.to_status,
             case when s.note_pool is null or (s.action = 'withdraw' and ${r(`${keyOf('q.id')} + s.step`, 85)} % 2 = 0) then null else note.s end,
             q.created_at + (q.updated_at - q.created_at) * (s.step - 1) / greatest(pl.len - 1, 1)
      from closure_requests q
      join gen_pathlen pl on pl.final = q.status and pl.len = q.version
      join gen_path s on s.path = pl.path
      left join gen_text note on note.pool = s.note_pool and note.i = ${r(`${keyOf('q.id')} + s.step`, 86)} % s.note_size
      where q.force_code = any($1)
      order by 6, q.id, s.step
      `,
      [codes]
    )
  }
  await client.query('commit')
}

/**
 * For the runner's scenarios: up to 100 ids of a force's findings, spread evenly over its register
 * in reference order, and the search terms that occur in its findings, most frequent first.
 */
export async function sampleIds(databaseUrl: string, force: string): Promise<{ findingIds: string[]; searchTerms: string[] }> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const ids = await client.query<{ id: string }>(
      `select id from (
         select id, row_number() over (order by reference, id) - 1 as rn, count(*) over () as total from findings where force_code = $1
       ) x
       where rn % greatest(1, total / 100) = 0
       order by rn
       limit 100`,
      [force]
    )
    const terms = await client.query<{ term: string }>(
      `select term from (
         select term, (select count(*) from findings where force_code = $1 and search @@ websearch_to_tsquery('english', term)) as hits
         from unnest($2::text[]) term
       ) x
       where hits > 0
       order by hits desc, term`,
      [force, [...SEARCH_CANDIDATES]]
    )
    return { findingIds: ids.rows.map((row) => row.id), searchTerms: terms.rows.map((row) => row.term) }
  } finally {
    await client.end()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL
  if (!url) {
    process.stderr.write('DATABASE_URL is required: a migrated database with its reference data loaded\n')
    process.exit(1)
  }
  const options = process.argv.includes('--quick') ? QUICK : NATIONAL
  generate(url, options, (name, ms) => process.stderr.write(`${name}: ${Math.round(ms)} ms\n`)).then(
    (summary) => process.stdout.write(`${JSON.stringify(summary)}\n`),
    (error: unknown) => {
      process.stderr.write(`generate failed: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    }
  )
}
