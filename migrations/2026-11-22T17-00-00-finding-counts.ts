import { type Kysely, sql } from 'kysely'

/**
 * The summary report's numbers, kept by the database as findings change, so the report reads a
 * few dozen rows instead of counting a register. One row per force, reporting category (the
 * finding's inspection's; '' for none) and kind: open findings, those of them not open on the
 * portal, and findings open on the portal. Triggers keep it right inside every writing
 * transaction, whatever writes: the API, an import, a migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('finding_counts')
    .addColumn('force_code', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('open', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('open_not_on_portal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('on_portal', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('finding_counts_pk', ['force_code', 'category', 'kind'])
    .execute()

  // Adds (sign 1) or takes away (sign -1) one finding's part of the counts. The inspection's
  // category is read FOR SHARE: a change of category being made meanwhile is waited for, so the
  // finding is counted under the category that stands when both have committed.
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
  // Only the columns the counts depend on: most updates (leads, text, notes) cost nothing here.
  await sql`
    create trigger finding_counts_on_finding after insert or delete or update of force_code, inspection_id, kind, status, portal_status
    on findings for each row execute function finding_counts_on_finding()
  `.execute(db)

  // A change of an inspection's category moves its findings to another row: recount its force.
  await sql`
    create function finding_counts_on_inspection() returns trigger language plpgsql as $$
    begin
      delete from finding_counts where force_code = new.force_code;
      insert into finding_counts (force_code, category, kind, open, open_not_on_portal, on_portal)
      select f.force_code, coalesce(i.category, ''), f.kind,
             count(*) filter (where f.status in ('open', 'closure_requested')),
             count(*) filter (where f.status in ('open', 'closure_requested') and f.portal_status <> 'open'),
             count(*) filter (where f.portal_status = 'open')
      from findings f left join inspections i on i.id = f.inspection_id
      where f.force_code = new.force_code
      group by 1, 2, 3;
      return null;
    end;
    $$
  `.execute(db)
  await sql`
    create trigger finding_counts_on_inspection after update of category on inspections
    for each row when (old.category is distinct from new.category) execute function finding_counts_on_inspection()
  `.execute(db)

  // The register as it stands when this migration runs.
  await sql`
    insert into finding_counts (force_code, category, kind, open, open_not_on_portal, on_portal)
    select f.force_code, coalesce(i.category, ''), f.kind,
           count(*) filter (where f.status in ('open', 'closure_requested')),
           count(*) filter (where f.status in ('open', 'closure_requested') and f.portal_status <> 'open'),
           count(*) filter (where f.portal_status = 'open')
    from findings f left join inspections i on i.id = f.inspection_id
    group by 1, 2, 3
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger finding_counts_on_inspection on inspections`.execute(db)
  await sql`drop trigger finding_counts_on_finding on findings`.execute(db)
  await sql`drop function finding_counts_on_inspection()`.execute(db)
  await sql`drop function finding_counts_on_finding()`.execute(db)
  await sql`drop function finding_counts_apply(findings, integer)`.execute(db)
  await db.schema.dropTable('finding_counts').execute()
}
