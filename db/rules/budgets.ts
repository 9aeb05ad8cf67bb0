import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const BUDGET_PERIODS = ['weekly', 'monthly', 'yearly'] as const;

export const budgetRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  name: z.string(),
  amount: z.string(),
  currency: z.string(),
  period: z.enum(BUDGET_PERIODS),
  category: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BudgetRow = z.infer<typeof budgetRow>;
export type BudgetInput = {
  customer_id: string;
  name: string;
  amount: string;
  currency?: string | undefined;
  period?: BudgetRow['period'] | undefined;
  category?: string | null | undefined;
};

const columns = sql.fragment`id, org_id, customer_id, name, amount, currency, period, category, created_at, updated_at`;

export function createBudget(db: Queryable, orgId: string, b: BudgetInput): Promise<BudgetRow> {
  return db.one(sql.type(budgetRow)`
    INSERT INTO budgets (org_id, customer_id, name, amount, currency, period, category)
    VALUES (${orgId}, ${b.customer_id}, ${b.name}, ${b.amount}::numeric, ${b.currency ?? 'USD'},
      ${b.period ?? 'monthly'}, ${b.category ?? null})
    RETURNING ${columns}`);
}

export function getBudget(db: Queryable, orgId: string, id: string): Promise<BudgetRow | null> {
  return db.maybeOne(
    sql.type(budgetRow)`SELECT ${columns} FROM budgets WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

export function updateBudget(
  db: Queryable,
  orgId: string,
  id: string,
  b: Partial<Omit<BudgetInput, 'customer_id'>>,
): Promise<BudgetRow | null> {
  return db.maybeOne(sql.type(budgetRow)`
    UPDATE budgets SET
      name = coalesce(${b.name ?? null}, name),
      amount = coalesce(${b.amount ?? null}::numeric, amount),
      currency = coalesce(${b.currency ?? null}, currency),
      period = coalesce(${b.period ?? null}, period),
      category = CASE WHEN ${b.category !== undefined} THEN ${b.category ?? null} ELSE category END,
      updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

export function listBudgets(
  db: Queryable,
  orgId: string,
  q: { customer_id?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<readonly BudgetRow[]> {
  return db.any(sql.type(budgetRow)`
    SELECT ${columns} FROM budgets
    WHERE org_id = ${orgId} AND ${q.customer_id ? sql.fragment`customer_id = ${q.customer_id}` : sql.fragment`TRUE`}
      AND ${keysetAfter(q.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}

/** The budget's period now in force (customer's time zone) and the spending in it. */
export function budgetSpending(db: Queryable, orgId: string, budgetId: string) {
  return db.one(sql.type(
    z.object({ period_key: z.string(), period_start: z.string(), period_end: z.string(), spent: z.string() }),
  )`
    SELECT period_key, period_start, period_end, spent FROM budget_spending
    WHERE org_id = ${orgId} AND budget_id = ${budgetId}`);
}
