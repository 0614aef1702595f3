import { type Kysely, sql } from 'kysely'

/**
 * finding_counts kept per statement instead of per row. A row trigger updated the same counter row
 * once for every finding an import wrote, and each update of one row inside one transaction has to
 * step over all the versions of it that the transaction made before: 10,000 findings took 1.4 s,
 * 20,000 took 4.7 s. These triggers see a statement's rows at once (transition tables) and add each
 * counter's net change in one upsert, so a batch of 500 findings costs one upsert per counter.
 *
 * PostgreSQL allows no column list on a trigger with transition tables, so the update trigger runs
 * for every update of findings; when none of the counted columns changed, the changes net to zero
 * and nothing is written.
 */
/** What each kind of statement does to the counts: its old rows leave their counters, its new rows join theirs. */
const CHANGED_ROWS = {
  insert: 'select force_code, inspection_id, kind, status, portal_status, 1 as sign from new_rows',
  update:
    'select force_code, inspection_id, kind, status, portal_status, -1 as sign from old_rows ' +
    'union all select force_code, inspection_id, kind, status, portal_status, 1 as sign from new_rows',
  delete: 'select force_code, inspection_id, kind, status, portal_status, -1 as sign from old_rows'
}

/**
 * A trigger function adding a statement's net change to each counter it touches, in one upsert.
 * The inspections' categories are read FOR SHARE first, as before: a change of category being made
 * meanwhile is waited for, so each finding is counted under the category that stands when both
 * have committed. Counters are written in key order, so two writers never wait on each other in a circle.
 */
function netChange(name: string, rows: string): string {
  const open = "sum(d.sign * (d.status in ('open', 'closure_requested'))::int)"
  const openNotOnPortal = "sum(d.sign * (d.status in ('open', 'closure_requested') and d.portal_status <> 'open')::int)"
  const onPortal = "sum(d.sign * (d.portal_status = 'open')::int)"
  return `
    create function ${name}() returns trigger language plpgsql as $$
    begin
      perform 1 from inspections i where i.id in (select d.inspection_id from (${rows}) d) order by i.id for share;
      insert into finding_counts as fc (force_code, category, kind, open, open_not_on_portal, on_portal)
      select d.force_code, coalesce(i.category, ''), d.kind, ${open}, ${openNotOnPortal}, ${onPortal}
      from (${rows}) d
      left join inspections i on i.id = d.inspection_id
      group by 1, 2, 3
      having ${open} <> 0 or ${openNotOnPortal} <> 0 or ${onPortal} <> 0
      order by 1, 2, 3
      on conflict (force_code, category, kind) do update set
        open = fc.open + excluded.open,
        open_not_on_portal = fc.open_not_on_portal + excluded.open_not_on_portal,
        on_portal = fc.on_portal + excluded.on_portal;
      return null;
    end;
    $$`
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop trigger finding_counts_on_finding on findings`.execute(db)
  await sql`drop function finding_counts_on_finding()`.execute(db)
  await sql`drop function finding_counts_apply(findings, integer)`.execute(db)

  for (const [action, rows] of Object.entries(CHANGED_ROWS)) {
    await sql.raw(netChange(`finding_counts_on_${action}`, rows)).execute(db)
  }
  await sql`
    create trigger finding_counts_on_insert after insert on findings
    referencing new table as new_rows for each statement execute function finding_counts_on_insert()
  `.execute(db)
  await sql`
    create trigger finding_counts_on_update after update on findings
    referencing old table as old_rows new table as new_rows for each statement execute function finding_counts_on_update()
  `.execute(db)
  await sql`
    create trigger finding_counts_on_delete after delete on findings
    referencing old table as old_rows for each statement execute function finding_counts_on_delete()
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const action of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger finding_counts_on_${action} on findings`).execute(db)
    await sql.raw(`drop function finding_counts_on_${action}()`).execute(db)
  }

  // The row trigger of 2026-11-22T17-00-00-finding-counts, as it was.
  await sql`
    create function finding_counts_apply(f findings, sign integer) returns void language plpgsql as $$
    declare
      c text;
      is_open boolean := f.status in ('open', 'closure_requested');
    begin
      select coalesce(i.category, '') into c from inspections i where i.id = f.inspection_id for share;
      c := coalesce(c, '');
      insert into finding_counts as fc (force_code, category, kind, open, open_not_on_portal, on_portal)
      values (
        f.force_code, c, f.kind,
        sign * (is_open)::int,
        sign * (is_open and f.portal_status <> 'open')::int,
        sign * (f.portal_status = 'open')::int
      )
      on conflict (force_code, category, kind) do update set
        open = fc.open + excluded.open,
        open_not_on_portal = fc.open_not_on_portal + excluded.open_not_on_portal,
        on_portal = fc.on_portal + excluded.on_portal;
    end;
    $$
  `.execute(db)
  await sql`
    create function finding_counts_on_finding() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then perform finding_counts_apply(old, -1); end if;
      if tg_op in ('INSERT', 'UPDATE') then perform finding_counts_apply(new, 1); end if;
      return null;
    end;
    $$
  `.execute(db)
  await sql`
    create trigger finding_counts_on_finding after insert or delete or update of force_code, inspection_id, kind, status, portal_status
    on findings for each row execute function finding_counts_on_finding()
  `.execute(db)
}
