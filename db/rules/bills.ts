import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';
import { RECURRENCES } from '../../workflows/rules/bill-schedule.js';

export const billRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  account_id: z.string().uuid().nullable(),
  name: z.string(),
  amount: z.string(),
  currency: z.string(),
  recurrence: z.enum(RECURRENCES),
  first_due_date: z.string(),
  next_due_date: z.string(),
  paid_through: z.string().nullable(),
  status: z.enum(['active', 'completed', 'cancelled']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BillRow = z.infer<typeof billRow>;
export type BillInput = {
  customer_id: string;
  account_id?: string | null | undefined;
  name: string;
  amount: string;
  currency?: string | undefined;
  recurrence?: BillRow['recurrence'] | undefined;
  next_due_date: string;
};

const columns = sql.fragment`id, org_id, customer_id, account_id, name, amount, currency, recurrence,
  to_char(first_due_date, 'YYYY-MM-DD') AS first_due_date, to_char(next_due_date, 'YYYY-MM-DD') AS next_due_date,
  to_char(paid_through, 'YYYY-MM-DD') AS paid_through, status, created_at, updated_at`;

export function createBill(db: Queryable, orgId: string, b: BillInput): Promise<BillRow> {
  return db.one(sql.type(billRow)`
    INSERT INTO bills (org_id, customer_id, account_id, name, amount, currency, recurrence, first_due_date, next_due_date)
    VALUES (${orgId}, ${b.customer_id}, ${b.account_id ?? null}, ${b.name}, ${b.amount}::numeric, ${b.currency ?? 'USD'},
      ${b.recurrence ?? 'monthly'}, ${b.next_due_date}::date, ${b.next_due_date}::date)
    RETURNING ${columns}`);
}

export function getBill(db: Queryable, orgId: string, id: string): Promise<BillRow | null> {
  return db.maybeOne(sql.type(billRow)`SELECT ${columns} FROM bills WHERE org_id = ${orgId} AND id = ${id}`);
}

/** A new due date re-anchors the bill's day of month. */
export function updateBill(
  db: Queryable,
  orgId: string,
  id: string,
  b: Partial<Omit<BillInput, 'customer_id'>> & { status?: 'active' | 'cancelled' | undefined },
): Promise<BillRow | null> {
  return db.maybeOne(sql.type(billRow)`
    UPDATE bills SET
      name = coalesce(${b.name ?? null}, name),
      amount = coalesce(${b.amount ?? null}::numeric, amount),
      currency = coalesce(${b.currency ?? null}, currency),
      recurrence = coalesce(${b.recurrence ?? null}, recurrence),
      account_id = CASE WHEN ${b.account_id !== undefined} THEN ${b.account_id ?? null}::uuid ELSE account_id END,
      next_due_date = coalesce(${b.next_due_date ?? null}::date, next_due_date),
      first_due_date = coalesce(${b.next_due_date ?? null}::date, first_due_date),
      status = coalesce(${b.status ?? null}, status),
      updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/** Paid for the occurrence now due: no reminder for it; the next occurrence is reminded as usual. */
export function markPaid(db: Queryable, orgId: string, id: string): Promise<BillRow | null> {
  return db.maybeOne(sql.type(billRow)`
    UPDATE bills SET paid_through = next_due_date, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = 'active' RETURNING ${columns}`);
}

/** Moves the bill past the occurrence due on `due` (only if it is still that one). */
export function advanceBill(
  db: Queryable,
  orgId: string,
  id: string,
  due: string,
  next: string | null,
): Promise<BillRow | null> {
  return db.maybeOne(sql.type(billRow)`
    UPDATE bills SET
      next_due_date = coalesce(${next}::date, next_due_date),
      status = CASE WHEN ${next === null} THEN 'completed' ELSE status END,
      updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND next_due_date = ${due}::date AND status = 'active'
    RETURNING ${columns}`);
}

export function listBills(
  db: Queryable,
  orgId: string,
  q: { customer_id?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<readonly BillRow[]> {
  return db.any(sql.type(billRow)`
    SELECT ${columns} FROM bills
    WHERE org_id = ${orgId} AND ${q.customer_id ? sql.fragment`customer_id = ${q.customer_id}` : sql.fragment`TRUE`}
      AND ${keysetAfter(q.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}

/** The bill's upcoming_bill rules, with what each has already notified. */
export function billRules(db: Queryable, orgId: string, billId: string) {
  return db.any(sql.type(
    z.object({
      id: z.string(),
      days_before: z.number(),
      last_due_date_notified: z.string().nullable(),
      email_delivery: z.boolean(),
      sms_delivery: z.boolean(),
    }),
  )`
    SELECT id, (conditions->>'days_before')::int AS days_before,
      metadata->>'last_due_date_notified' AS last_due_date_notified, email_delivery, sms_delivery
    FROM alert_rules
    WHERE org_id = ${orgId} AND bill_id = ${billId} AND alert_type = 'upcoming_bill'
      AND active AND deleted_at IS NULL
    ORDER BY id`);
}

/** Removes a bill whose reminder could not start (the create is undone). */
export async function deleteBill(db: Queryable, orgId: string, id: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM bills WHERE org_id = ${orgId} AND id = ${id}`);
}
