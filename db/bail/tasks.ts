import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const BAIL_TASK_TYPES = [
  'failure_to_appear',
  'forfeiture_reminder',
  'recovery',
  'record_outcome',
  'plan_delinquent',
  'document_expired',
  'missed_check_in',
] as const;
export type BailTaskType = (typeof BAIL_TASK_TYPES)[number];

export const bailTaskRow = z.object({
  id: z.string().uuid(),
  bond_id: z.string().uuid(),
  type: z.enum(BAIL_TASK_TYPES),
  priority: z.enum(['low', 'medium', 'high', 'critical']),
  status: z.enum(['open', 'done']),
  title: z.string(),
  details: z.record(z.unknown()),
  assigned_to: z.string().uuid().nullable(),
  due_at: z.string().nullable(),
  done_at: z.string().nullable(),
  created_at: z.string(),
});
export type BailTaskRow = z.infer<typeof bailTaskRow>;

const columns = sql.fragment`id, bond_id, type, priority, status, title, details, assigned_to, due_at, done_at, created_at`;

export type NewBailTask = {
  bondId: string;
  type: BailTaskType;
  priority: BailTaskRow['priority'];
  title: string;
  details: Record<string, unknown>;
  assignedTo: string | null;
  dueAt?: string | null;
  dedupKey: string;
};

/** One task per dedup key: a retried activity returns null (nothing new). */
export function createBailTask(db: Queryable, orgId: string, t: NewBailTask): Promise<BailTaskRow | null> {
  return db.maybeOne(sql.type(bailTaskRow)`
    INSERT INTO bail_tasks (org_id, bond_id, type, priority, title, details, assigned_to, due_at, dedup_key)
    VALUES (${orgId}, ${t.bondId}, ${t.type}, ${t.priority}, ${t.title}, ${sql.jsonb(t.details as never)},
      ${t.assignedTo}, ${t.dueAt ?? null}::timestamptz, ${t.dedupKey})
    ON CONFLICT (org_id, dedup_key) DO NOTHING RETURNING ${columns}`);
}

export function listBailTasks(
  db: Queryable,
  orgId: string,
  q: {
    limit: number;
    cursor?: string | undefined;
    status?: string | undefined;
    bond_id?: string | undefined;
    type?: string | undefined;
  },
): Promise<readonly BailTaskRow[]> {
  const where = [sql.fragment`org_id = ${orgId}`, keysetAfter(q.cursor)];
  if (q.status) where.push(sql.fragment`status = ${q.status}`);
  if (q.bond_id) where.push(sql.fragment`bond_id = ${q.bond_id}`);
  if (q.type) where.push(sql.fragment`type = ${q.type}`);
  return db.any(sql.type(bailTaskRow)`
    SELECT ${columns} FROM bail_tasks WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}

export function completeBailTask(db: Queryable, orgId: string, id: string): Promise<BailTaskRow | null> {
  return db.maybeOne(sql.type(bailTaskRow)`
    UPDATE bail_tasks SET status = 'done', done_at = coalesce(done_at, now())
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/** Open failure-to-appear and forfeiture tasks of a bond are done when it is reinstated. */
export async function closeFailureTasks(db: Queryable, orgId: string, bondId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE bail_tasks SET status = 'done', done_at = now()
    WHERE org_id = ${orgId} AND bond_id = ${bondId} AND status = 'open'
      AND type IN ('failure_to_appear', 'forfeiture_reminder')`);
}

/** A plan's open delinquency tasks are done once it is current again (a late payment came in). */
export async function closeDelinquencyTasks(db: Queryable, orgId: string, planId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE bail_tasks SET status = 'done', done_at = now()
    WHERE org_id = ${orgId} AND status = 'open' AND type = 'plan_delinquent'
      AND details->>'plan_id' = ${planId}`);
}
