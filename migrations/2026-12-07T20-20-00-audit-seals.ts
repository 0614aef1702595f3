import { type Kysely, sql } from 'kysely'

/**
 * A tamper-evident audit log: each entry is sealed into a hash chain, SHA-256 over a canonical
 * encoding of the entry's fields and the hash before it, kept in a table of its own.
 *
 * The chain is built by a sealing step (audit_seal), not by the insert that writes the entry. Every
 * write inserts its entries in its own transaction, concurrently; chaining at insert would need a
 * lock on the chain's head held until commit, and would serialize the writes that share a chain (a
 * force's, or all of them). Sealing instead takes committed entries in the change feed's
 * commit-safe order, (txid, id) for transactions older than every one still running
 * (src/domain/events/events.repository.ts), so the order is final when an entry is sealed and
 * writers never wait. The price is a window: an entry is sealed a moment after it commits (the
 * service seals every second), and until then it is protected only by the grants and triggers.
 *
 * Each seal also keeps 8 bytes of SHA-256 of each field's encoding, so that a verifier can say which
 * field changed; the chain's hash covers the whole encoding, not these.
 *
 * The encoding, field by field in this order, each field's text as PostgreSQL writes it, is
 * `<bytes>:<text>`, or `-` for null: id, txid, occurred_at (UTC, microseconds, ISO 8601),
 * actor_key_id, force_code, entity_type, entity_id, root_id, action, before, after, request_id.
 * src/domain/audit/audit-chain.ts recomputes it to verify; the two must never drift apart.
 *
 * Entries already in the log are sealed by this migration, in the same order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_seals (
      seq bigint primary key,
      audit_id bigint not null unique,
      txid xid8 not null,
      hash bytea not null,
      field_digests bytea not null,
      sealed_at timestamptz not null default now()
    )
  `.execute(db)

  await sql`
    create function append_only() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
    end;
    $$
  `.execute(db)
  await sql`
    create trigger audit_seals_no_update_or_delete before update or delete on audit_seals
    for each row execute function append_only()
  `.execute(db)
  await sql`
    create trigger audit_seals_no_truncate before truncate on audit_seals
    for each statement execute function append_only()
  `.execute(db)

  // Runs as its caller (the service's role needs only to read audit_log and add to audit_seals).
  // 734004 is LOCKS.auditSeal: a second sealer finds the lock taken and leaves the work to the first.
  await sql`
    create function audit_seal(max_entries integer) returns integer language plpgsql as $$
    declare
      head record;
      entry record;
      chain bytea;
      position bigint;
      field text;
      piece text;
      encoding text;
      digests bytea;
      sealed integer := 0;
    begin
      if not pg_try_advisory_xact_lock(734004) then
        return 0;
      end if;
      select seq, txid, audit_id, hash into head from audit_seals order by seq desc limit 1;
      position := coalesce(head.seq, 0);
      chain := coalesce(head.hash, decode(repeat('00', 32), 'hex'));
      for entry in
        select id, txid, array[
                 id::text, txid::text, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                 actor_key_id::text, force_code, entity_type, entity_id, root_id, action, before::text, after::text, request_id
               ] as fields
        from audit_log
        where (txid, id) > (coalesce(head.txid, '0'::xid8), coalesce(head.audit_id, 0))
          and txid < pg_snapshot_xmin(pg_current_snapshot())
        order by txid, id
        limit max_entries
      loop
        encoding := '';
        digests := ''::bytea;
        foreach field in array entry.fields loop
          piece := case when field is null then '-' else octet_length(field)::text || ':' || field end;
          encoding := encoding || piece;
          digests := digests || substring(sha256(convert_to(piece, 'UTF8')) from 1 for 8);
        end loop;
        position := position + 1;
        chain := sha256(chain || convert_to(encoding, 'UTF8'));
        insert into audit_seals (seq, audit_id, txid, hash, field_digests) values (position, entry.id, entry.txid, chain, digests);
        sealed := sealed + 1;
      end loop;
      return sealed;
    end;
    $$
  `.execute(db)

  await sql`select audit_seal(2147483647)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function audit_seal(integer)`.execute(db)
  await sql`drop table audit_seals`.execute(db)
  await sql`drop function append_only()`.execute(db)
}
