import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const DISPUTE_STATUS = z.enum(['unsubmitted', 'submitted', 'won', 'lost', 'expired']);

export const disputeRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  transaction_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  case_id: z.string().uuid().nullable(),
  reason: z.string(),
  amount: z.string(),
  status: DISPUTE_STATUS,
  evidence: z.array(z.unknown()),
  submit_by: z.string(),
  submitted_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DisputeRow = z.infer<typeof disputeRow>;

const columns = sql.fragment`id, org_id, transaction_id, customer_id, case_id, reason, amount, status, evidence,
  submit_by, submitted_at, resolved_at, created_at, updated_at`;

/** Opens the transaction's dispute once; a second request returns the first. */
export async function openDispute(
  db: Queryable,
  orgId: string,
  d: {
    transaction_id: string;
    customer_id: string;
    case_id: string | null;
    reason: string;
    amount: string;
    evidence: unknown[];
    submit_by: string;
  },
): Promise<{ row: DisputeRow; created: boolean }> {
  const created = await db.maybeOne(sql.type(disputeRow)`
    INSERT INTO disputes (org_id, transaction_id, customer_id, case_id, reason, amount, evidence, submit_by)
    VALUES (${orgId}, ${d.transaction_id}, ${d.customer_id}, ${d.case_id}, ${d.reason}, ${d.amount}::numeric,
      ${sql.jsonb(d.evidence as never)}, ${d.submit_by}::timestamptz)
    ON CONFLICT (org_id, transaction_id) DO NOTHING RETURNING ${columns}`);
  if (created) return { row: created, created: true };
  return {
    row: await db.one(sql.type(disputeRow)`
      SELECT ${columns} FROM disputes WHERE org_id = ${orgId} AND transaction_id = ${d.transaction_id}`),
    created: false,
  };
}

export function getDispute(db: Queryable, orgId: string, id: string): Promise<DisputeRow | null> {
  return db.maybeOne(
    sql.type(disputeRow)`SELECT ${columns} FROM disputes WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

/** Moves the dispute from one state to the next; null when it is not in `from` (already moved). */
export function transitionDispute(
  db: Queryable,
  orgId: string,
  id: string,
  t: { from: DisputeRow['status'][]; to: DisputeRow['status']; evidence?: unknown[] },
): Promise<DisputeRow | null> {
  const stamp =
    t.to === 'submitted'
      ? sql.fragment`, submitted_at = now()`
      : t.to === 'unsubmitted'
        ? sql.fragment``
        : sql.fragment`, resolved_at = now()`;
  const evidence = t.evidence
    ? sql.fragment`, evidence = evidence || ${sql.jsonb(t.evidence as never)}`
    : sql.fragment``;
  return db.maybeOne(sql.type(disputeRow)`
    UPDATE disputes SET status = ${t.to}${stamp}${evidence}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = ANY(${sql.array(t.from, 'text')})
    RETURNING ${columns}`);
}
