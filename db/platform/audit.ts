import { sql, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { ActorType } from '../../workflows/platform/actor.js';
import type { Db, Queryable } from '../pool.js';

export type AuditEntry = {
  orgId: string;
  actorType: ActorType;
  actorId: string;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: unknown;
  after?: unknown;
  /** The server's id of the request (X-Request-ID of its answer). */
  requestId?: string | null;
  /** The id the client sent (its X-Request-ID), kept beside the server's: it is the client's word. */
  clientRequestId?: string | null;
  ip?: string | null;
  /**
   * Set by workflow activities so a retried activity appends one row, not two; unique per
   * organisation. From the API always server-made (api/idempotency.ts commandKey).
   */
  dedupKey?: string | null;
};

export async function appendAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    sql.unsafe`INSERT INTO audit_events ${auditValues(e)} ON CONFLICT (org_id, dedup_key) DO NOTHING`,
  );
}

/**
 * The record of a read (personal data shown), in one statement that does not wait for its WAL
 * flush: a GET is not made to wait for the disk for it, and a crash in the next fraction of a
 * second is all that could lose it (a change's audit row is always written with the change).
 */
export async function appendReadAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(sql.unsafe`
    WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true))
    INSERT INTO audit_events ${auditValues(e, sql.fragment`FROM lazy`)}`);
}

/**
 * `select` with, in the same statement, the record of the read when it finds a row: a GET that
 * shows personal data leaves its trace (as appendReadAudit) without a second round trip.
 */
export function selectWithReadAudit(select: FragmentSqlToken, e: AuditEntry | null): FragmentSqlToken {
  if (!e) return select;
  return sql.fragment`
    WITH viewed AS (${select}),
      lazy AS (SELECT set_config('synchronous_commit', 'off', true)),
      audited AS (INSERT INTO audit_events ${auditValues(e, sql.fragment`FROM lazy WHERE EXISTS (SELECT 1 FROM viewed)`)})
    SELECT * FROM viewed`;
}

function auditValues(e: AuditEntry, from = sql.fragment``) {
  return sql.fragment`(org_id, actor_type, actor_id, action, resource_type, resource_id, before, after, request_id, client_request_id, ip, dedup_key)
    SELECT ${e.orgId}, ${e.actorType}, ${e.actorId}, ${e.action}, ${e.resourceType}, ${e.resourceId ?? null},
      ${e.before === undefined ? null : sql.jsonb(e.before as never)},
      ${e.after === undefined ? null : sql.jsonb(e.after as never)},
      ${e.requestId ?? null}, ${e.clientRequestId ?? null}, ${e.ip ?? null}, ${e.dedupKey ?? null} ${from}`;
}

export const auditRow = z.object({
  id: z.string().uuid(),
  actor_type: z.string(),
  actor_id: z.string(),
  action: z.string(),
  resource_type: z.string(),
  resource_id: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  request_id: z.string().nullable(),
  client_request_id: z.string().nullable(),
  ip: z.string().nullable(),
  created_at: z.string(),
});
export type AuditRow = z.infer<typeof auditRow>;

export type AuditFilters = {
  limit: number;
  cursor?: string | undefined;
  actor_id?: string | undefined;
  action?: string | undefined;
  resource_type?: string | undefined;
  resource_id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

/** Newest first; the export walks the same pages to the end. */
export function listAudit(db: Queryable, orgId: string, f: AuditFilters): Promise<readonly AuditRow[]> {
  const where = [sql.fragment`org_id = ${orgId}`, keysetAfter(f.cursor)];
  if (f.actor_id) where.push(sql.fragment`actor_id = ${f.actor_id}`);
  if (f.action) where.push(sql.fragment`action = ${f.action}`);
  if (f.resource_type) where.push(sql.fragment`resource_type = ${f.resource_type}`);
  if (f.resource_id) where.push(sql.fragment`resource_id = ${f.resource_id}`);
  if (f.from) where.push(sql.fragment`created_at >= ${f.from}::timestamptz`);
  if (f.to) where.push(sql.fragment`created_at <= ${f.to}::timestamptz`);
  return db.any(sql.type(auditRow)`
    SELECT id, actor_type, actor_id, action, resource_type, resource_id, before, after, request_id, client_request_id, host(ip) AS ip, created_at
    FROM audit_events WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${f.limit + 1}`);
}

/**
 * Deletes audit events older than `retentionDays` (the only deletion the trail allows), in
 * batches so a large backlog never holds one long transaction. Answers how many went.
 */
export async function enforceRetention(db: Db, retentionDays: number, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    // The database's own function, the only deleter the trail allows (it runs as the table's owner).
    const deleted = await db.oneFirst(
      sql.type(z.object({ n: z.number() }))`SELECT audit_enforce_retention(${retentionDays}, ${batch}) AS n`,
    );
    total += deleted;
    if (deleted < batch) return total;
  }
}
