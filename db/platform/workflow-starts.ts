import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const workflowStartRow = z.object({
  workflow_id: z.string(),
  org_id: z.string().uuid(),
  kind: z.enum([
    'triage',
    'delivery',
    'contact',
    'dispute',
    'court_reminders',
    'payment_plan',
    'document_signing',
    'redelivery',
  ]),
  subject_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  priority: z.enum(['low', 'medium', 'high', 'critical']).nullable(),
  /** What the start needs beyond the keys (a dispute's submit-by deadline, a redelivery's channel and number). */
  input: z.record(z.unknown()).optional(),
});
/** A workflow a committed row is owed: what its starter needs, nothing more. */
export type PendingStart = z.infer<typeof workflowStartRow>;

const columns = sql.fragment`workflow_id, org_id, kind, subject_id, customer_id, priority, input`;

/**
 * Records workflows to start, in the caller's transaction (the fact and its start commit together).
 * A start already owed or made under the same id is left as it is.
 */
export async function queueStarts(db: Queryable, starts: readonly PendingStart[]): Promise<void> {
  if (!starts.length) return;
  await db.query(sql.unsafe`
    INSERT INTO workflow_starts (workflow_id, org_id, kind, subject_id, customer_id, priority, input)
    SELECT workflow_id, org_id, kind, subject_id, customer_id, priority, coalesce(input, '{}'::jsonb)
    FROM jsonb_to_recordset(${sql.jsonb(starts as never)})
      AS s(workflow_id text, org_id uuid, kind text, subject_id uuid, customer_id uuid, priority text, input jsonb)
    ON CONFLICT (workflow_id) DO NOTHING`);
}

export async function markStarted(db: Queryable, workflowIds: readonly string[]): Promise<void> {
  if (!workflowIds.length) return;
  await db.query(sql.unsafe`
    UPDATE workflow_starts SET started_at = now(), attempts = attempts + 1
    WHERE workflow_id = ANY(${sql.array([...workflowIds], 'text')}) AND started_at IS NULL`);
}

export async function markFailed(
  db: Queryable,
  failures: readonly { workflowId: string; error: string }[],
): Promise<void> {
  if (!failures.length) return;
  await db.query(sql.unsafe`
    UPDATE workflow_starts s SET attempts = s.attempts + 1, last_error = left(f.error, 500)
    FROM jsonb_to_recordset(${sql.jsonb(failures as never)}) AS f("workflowId" text, error text)
    WHERE s.workflow_id = f."workflowId" AND s.started_at IS NULL`);
}

/**
 * Starts still owed after `olderThanSeconds` (every organisation: the sweep is the system's),
 * oldest first. Rows another sweeper is starting are skipped, not waited for.
 */
export function claimPendingStarts(
  db: Queryable,
  o: { olderThanSeconds: number; limit: number },
): Promise<readonly PendingStart[]> {
  return db.any(sql.type(workflowStartRow)`
    SELECT ${columns} FROM workflow_starts
    WHERE started_at IS NULL AND created_at <= now() - make_interval(secs => ${o.olderThanSeconds})
    ORDER BY created_at LIMIT ${o.limit}
    FOR UPDATE SKIP LOCKED`);
}

/** Forgets starts made long ago; the workflows themselves are Temporal's to keep. */
export async function pruneStarted(db: Queryable, olderThanDays: number): Promise<number> {
  const r = await db.query(sql.unsafe`
    DELETE FROM workflow_starts WHERE started_at < now() - make_interval(days => ${olderThanDays})`);
  return r.rowCount;
}

/**
 * Records workflows owed again (a later change to something whose workflow may have ended, such
 * as a bond's new court date): a start already made is owed anew, so the sweeper retries it if the
 * start after the commit fails. Their starters must be idempotent (signal-with-start).
 */
export async function requeueStarts(db: Queryable, starts: readonly PendingStart[]): Promise<void> {
  if (!starts.length) return;
  await db.query(sql.unsafe`
    INSERT INTO workflow_starts (workflow_id, org_id, kind, subject_id, customer_id, priority, input)
    SELECT workflow_id, org_id, kind, subject_id, customer_id, priority, coalesce(input, '{}'::jsonb)
    FROM jsonb_to_recordset(${sql.jsonb(starts as never)})
      AS s(workflow_id text, org_id uuid, kind text, subject_id uuid, customer_id uuid, priority text, input jsonb)
    ON CONFLICT (workflow_id) DO UPDATE SET started_at = NULL, created_at = now(), last_error = NULL`);
}
