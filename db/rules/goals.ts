import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const goalRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  name: z.string(),
  target_amount: z.string(),
  current_amount: z.string(),
  currency: z.string(),
  target_date: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type GoalRow = z.infer<typeof goalRow>;
export type GoalInput = {
  customer_id: string;
  name: string;
  target_amount: string;
  current_amount?: string | undefined;
  currency?: string | undefined;
  target_date?: string | null | undefined;
};

const columns = sql.fragment`id, org_id, customer_id, name, target_amount, current_amount, currency,
  to_char(target_date, 'YYYY-MM-DD') AS target_date, created_at, updated_at`;

export function createGoal(db: Queryable, orgId: string, g: GoalInput): Promise<GoalRow> {
  return db.one(sql.type(goalRow)`
    INSERT INTO goals (org_id, customer_id, name, target_amount, current_amount, currency, target_date)
    VALUES (${orgId}, ${g.customer_id}, ${g.name}, ${g.target_amount}::numeric, ${g.current_amount ?? '0'}::numeric,
      ${g.currency ?? 'USD'}, ${g.target_date ?? null}::date)
    RETURNING ${columns}`);
}

export function getGoal(db: Queryable, orgId: string, id: string): Promise<GoalRow | null> {
  return db.maybeOne(sql.type(goalRow)`SELECT ${columns} FROM goals WHERE org_id = ${orgId} AND id = ${id}`);
}

export function updateGoal(
  db: Queryable,
  orgId: string,
  id: string,
  g: Partial<Omit<GoalInput, 'customer_id'>>,
): Promise<GoalRow | null> {
  return db.maybeOne(sql.type(goalRow)`
    UPDATE goals SET
      name = coalesce(${g.name ?? null}, name),
      target_amount = coalesce(${g.target_amount ?? null}::numeric, target_amount),
      current_amount = coalesce(${g.current_amount ?? null}::numeric, current_amount),
      currency = coalesce(${g.currency ?? null}, currency),
      target_date = CASE WHEN ${g.target_date !== undefined} THEN ${g.target_date ?? null}::date ELSE target_date END,
      updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

export function listGoals(
  db: Queryable,
  orgId: string,
  q: { customer_id?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<readonly GoalRow[]> {
  return db.any(sql.type(goalRow)`
    SELECT ${columns} FROM goals
    WHERE org_id = ${orgId} AND ${q.customer_id ? sql.fragment`customer_id = ${q.customer_id}` : sql.fragment`TRUE`}
      AND ${keysetAfter(q.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}
