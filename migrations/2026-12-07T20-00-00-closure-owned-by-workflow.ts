import { type Kysely, sql } from 'kysely'

/**
 * The closure workflow becomes the only way to close a finding, held by the database as well as
 * the service, so that no writer (a PATCH, an import, a future code path) can step round it:
 *
 * - `findings.closed_via` says how a closed finding got there: `closure_request` (a request that
 *   reached closed or awaiting sign-off), `import` (a historic closure brought in by an import), or
 *   `legacy` (closed before this migration by a direct write; only this migration sets it). It is
 *   set exactly when the status is closed.
 * - A deferred constraint trigger checks each finding that is closed or closure_requested at commit:
 *   closure_requested needs a live request; closed via closure_request needs a request that ended
 *   so; closed via import is written only inside an import's transaction, which says so in the
 *   transaction-local setting `peel_register.writer`.
 * - Progress updates and reviews written by an import are marked `imported`; a closure request may
 *   not cite an imported review, since only a review the board made here is the board's decision.
 * - `api_keys.secret_seen_by` names the key whose holder saw the key's current secret when it was
 *   issued (its creator, or whoever rotated it last, unless it rotated itself); separation of duties
 *   follows it (src/domain/closure/closure.rules.ts). Rotations before now are read back from the
 *   audit log.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table findings add column closed_via text`.execute(db)
  await sql`
    update findings f
       set closed_via = case
         when exists (select 1 from closure_requests c where c.finding_id = f.id and c.status in ('closed', 'awaiting_signoff')) then 'closure_request'
         else 'legacy' end
     where status = 'closed'
  `.execute(db)
  await sql`
    alter table findings add constraint findings_closed_via
      check ((status = 'closed') = (closed_via is not null) and closed_via in ('closure_request', 'import', 'legacy'))
  `.execute(db)

  await sql`
    create function findings_closure_owned_by_workflow() returns trigger language plpgsql as $$
    declare
      current_status text;
      current_via text;
    begin
      -- Deferred to commit: judge the row as it stands then, not as this statement left it.
      select status, closed_via into current_status, current_via from findings where id = new.id;
      if not found then
        return null;
      end if;
      if current_status = 'closure_requested' and not exists (
        select 1 from closure_requests where finding_id = new.id and status in ('draft', 'board_review', 'approved', 'with_fll')
      ) then
        raise exception 'finding % is closure_requested without a closure request under way', new.id
          using errcode = '23514', constraint = 'findings_closure_requested_by_request';
      end if;
      if current_status = 'closed' and current_via = 'closure_request' and not exists (
        select 1 from closure_requests where finding_id = new.id and status in ('closed', 'awaiting_signoff')
      ) then
        raise exception 'finding % is closed via a closure request that did not close it', new.id
          using errcode = '23514', constraint = 'findings_closed_by_request';
      end if;
      if current_via in ('import', 'legacy') and (tg_op = 'INSERT' or old.closed_via is distinct from current_via)
         and (current_via = 'legacy' or coalesce(current_setting('peel_register.writer', true), '') <> 'import') then
        raise exception 'finding % closed via % outside an import', new.id, current_via
          using errcode = '23514', constraint = 'findings_closed_by_import';
      end if;
      return null;
    end
    $$
  `.execute(db)
  await sql`
    create constraint trigger findings_closure_owned_by_workflow
      after insert or update of status, closed_via on findings
      deferrable initially deferred
      for each row when (new.status in ('closed', 'closure_requested'))
      execute function findings_closure_owned_by_workflow()
  `.execute(db)

  await sql`alter table progress_updates add column imported boolean not null default false`.execute(db)
  await sql`alter table reviews add column imported boolean not null default false`.execute(db)
  await sql`
    create function closure_requests_cite_boards_review() returns trigger language plpgsql as $$
    begin
      if new.review_id is not null and exists (select 1 from reviews where id = new.review_id and imported) then
        raise exception 'closure request % cites imported review %', new.id, new.review_id
          using errcode = '23514', constraint = 'closure_requests_review_not_imported';
      end if;
      return new;
    end
    $$
  `.execute(db)
  await sql`
    create trigger closure_requests_cite_boards_review before insert or update of review_id on closure_requests
      for each row when (new.review_id is not null) execute function closure_requests_cite_boards_review()
  `.execute(db)

  await sql`alter table api_keys add column secret_seen_by uuid references api_keys (id)`.execute(db)
  await sql`
    update api_keys k
       set secret_seen_by = coalesce(
         (select a.actor_key_id from audit_log a
           where a.entity_type = 'api_key' and a.entity_id = k.id::text and a.action = 'rotate'
             and a.actor_key_id is not null and a.actor_key_id <> k.id
           order by a.id desc limit 1),
         k.created_by)
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table api_keys drop column secret_seen_by`.execute(db)
  await sql`drop trigger closure_requests_cite_boards_review on closure_requests`.execute(db)
  await sql`drop function closure_requests_cite_boards_review()`.execute(db)
  await sql`alter table reviews drop column imported`.execute(db)
  await sql`alter table progress_updates drop column imported`.execute(db)
  await sql`drop trigger findings_closure_owned_by_workflow on findings`.execute(db)
  await sql`drop function findings_closure_owned_by_workflow()`.execute(db)
  await sql`alter table findings drop constraint findings_closed_via`.execute(db)
  await sql`alter table findings drop column closed_via`.execute(db)
}
