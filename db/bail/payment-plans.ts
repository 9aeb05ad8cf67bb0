import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const PLAN_STATUSES = ['active', 'paid', 'delinquent', 'cancelled'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export const installmentRow = z.object({
  id: z.string().uuid(),
  seq: z.number().int(),
  due_date: z.string(),
  amount: z.string(),
  status: z.enum(['pending', 'paid', 'failed', 'cancelled']),
  attempts: z.number().int(),
  paid_at: z.string().nullable(),
});
export type InstallmentRow = z.infer<typeof installmentRow>;

export const paymentPlanRow = z.object({
  id: z.string().uuid(),
  bond_id: z.string().uuid(),
  total: z.string(),
  currency: z.string(),
  status: z.enum(PLAN_STATUSES),
  provider_customer_id: z.string().nullable(),
  provider_payment_method_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PaymentPlanRow = z.infer<typeof paymentPlanRow>;

const planColumns = sql.fragment`id, bond_id, total::text, currency, status, provider_customer_id,
  provider_payment_method_id, created_at, updated_at`;
const installmentColumns = sql.fragment`id, seq, to_char(due_date, 'YYYY-MM-DD') AS due_date, amount::text,
  status, attempts, paid_at`;

export async function insertPaymentPlan(
  db: Queryable,
  orgId: string,
  p: {
    bondId: string;
    total: string;
    currency: string;
    customerId: string | null;
    paymentMethodId: string;
    installments: { seq: number; dueDate: string; amount: string }[];
  },
): Promise<PaymentPlanRow> {
  const plan = await db.one(sql.type(paymentPlanRow)`
    INSERT INTO payment_plans (org_id, bond_id, total, currency, provider_customer_id, provider_payment_method_id)
    VALUES (${orgId}, ${p.bondId}, ${p.total}, ${p.currency}, ${p.customerId}, ${p.paymentMethodId})
    RETURNING ${planColumns}`);
  await db.query(sql.unsafe`
    INSERT INTO installments (org_id, plan_id, seq, due_date, amount)
    SELECT ${orgId}, ${plan.id}, seq, due_date, amount
    FROM jsonb_to_recordset(${sql.jsonb(p.installments.map((i) => ({ seq: i.seq, due_date: i.dueDate, amount: i.amount })))})
      AS i(seq int, due_date date, amount numeric)`);
  return plan;
}

export function getPaymentPlan(db: Queryable, orgId: string, planId: string): Promise<PaymentPlanRow | null> {
  return db.maybeOne(sql.type(paymentPlanRow)`
    SELECT ${planColumns} FROM payment_plans WHERE org_id = ${orgId} AND id = ${planId}`);
}

export function lockPaymentPlan(
  db: Queryable,
  orgId: string,
  planId: string,
): Promise<PaymentPlanRow | null> {
  return db.maybeOne(sql.type(paymentPlanRow)`
    SELECT ${planColumns} FROM payment_plans WHERE org_id = ${orgId} AND id = ${planId} FOR UPDATE`);
}

export function listPaymentPlans(
  db: Queryable,
  orgId: string,
  bondId: string,
): Promise<readonly PaymentPlanRow[]> {
  return db.any(sql.type(paymentPlanRow)`
    SELECT ${planColumns} FROM payment_plans WHERE org_id = ${orgId} AND bond_id = ${bondId}
    ORDER BY created_at DESC, id DESC`);
}

/** The bond's plan still collecting (active or delinquent), if any: a bond has one at a time. */
export function openPlanOfBond(db: Queryable, orgId: string, bondId: string): Promise<PaymentPlanRow | null> {
  return db.maybeOne(sql.type(paymentPlanRow)`
    SELECT ${planColumns} FROM payment_plans
    WHERE org_id = ${orgId} AND bond_id = ${bondId} AND status IN ('active', 'delinquent') LIMIT 1`);
}

export function listInstallments(
  db: Queryable,
  orgId: string,
  planId: string,
): Promise<readonly InstallmentRow[]> {
  return db.any(sql.type(installmentRow)`
    SELECT ${installmentColumns} FROM installments WHERE org_id = ${orgId} AND plan_id = ${planId} ORDER BY seq`);
}

export function getInstallment(
  db: Queryable,
  orgId: string,
  installmentId: string,
): Promise<(InstallmentRow & { plan_id: string }) | null> {
  return db.maybeOne(sql.type(installmentRow.extend({ plan_id: z.string().uuid() }))`
    SELECT ${installmentColumns}, plan_id FROM installments WHERE org_id = ${orgId} AND id = ${installmentId}`);
}

export function setPlanStatus(
  db: Queryable,
  orgId: string,
  planId: string,
  to: PlanStatus,
  from: readonly PlanStatus[],
): Promise<PaymentPlanRow | null> {
  return db.maybeOne(sql.type(paymentPlanRow)`
    UPDATE payment_plans SET status = ${to}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${planId} AND status = ANY(${sql.array(from, 'text')})
    RETURNING ${planColumns}`);
}

/** An attempt's outcome on its installment (attempts only grow: a late retry never lowers them). */
export function recordInstallmentAttempt(
  db: Queryable,
  orgId: string,
  installmentId: string,
  attempt: number,
  outcome: 'paid' | 'failed' | 'processing',
): Promise<InstallmentRow | null> {
  const status = outcome === 'processing' ? 'pending' : outcome;
  return db.maybeOne(sql.type(installmentRow)`
    UPDATE installments SET attempts = greatest(attempts, ${attempt}),
      status = CASE WHEN status = 'paid' THEN 'paid' ELSE ${status} END,
      paid_at = CASE WHEN ${outcome} = 'paid' THEN coalesce(paid_at, now()) ELSE paid_at END
    WHERE org_id = ${orgId} AND id = ${installmentId} RETURNING ${installmentColumns}`);
}

/** Closes the plan's unpaid installments (the plan was cancelled, or settled by hand). */
export function closeUnpaidInstallments(
  db: Queryable,
  orgId: string,
  planId: string,
  as: 'paid' | 'cancelled',
): Promise<readonly InstallmentRow[]> {
  return db.any(sql.type(installmentRow)`
    UPDATE installments SET status = ${as}, paid_at = CASE WHEN ${as} = 'paid' THEN now() ELSE paid_at END
    WHERE org_id = ${orgId} AND plan_id = ${planId} AND status IN ('pending', 'failed')
    RETURNING ${installmentColumns}`);
}

/** Whether the plan's first installment is paid (it stands for the premium when a bond is posted). */
export async function firstInstallmentPaid(db: Queryable, orgId: string, bondId: string): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM payment_plans p JOIN installments i ON i.org_id = p.org_id AND i.plan_id = p.id AND i.seq = 1
    WHERE p.org_id = ${orgId} AND p.bond_id = ${bondId} AND p.status <> 'cancelled' AND i.status = 'paid'`);
}

/** The client's time zone, in which the plan's due dates are days. */
export function planTimeZone(db: Queryable, orgId: string, planId: string): Promise<string> {
  return db.oneFirst(sql.type(z.object({ timezone: z.string() }))`
    SELECT c.timezone FROM payment_plans p
    JOIN bonds b ON b.org_id = p.org_id AND b.id = p.bond_id
    JOIN customers c ON c.org_id = b.org_id AND c.id = b.client_id
    WHERE p.org_id = ${orgId} AND p.id = ${planId}`);
}

/** The installment (its seq) whose card charge is still pending at the provider, if any. */
export function installmentCharging(db: Queryable, orgId: string, planId: string): Promise<number | null> {
  return db.maybeOneFirst(sql.type(z.object({ seq: z.number().int() }))`
    SELECT i.seq FROM installments i
    JOIN payments p ON p.org_id = i.org_id AND p.installment_id = i.id AND p.status = 'pending'
    WHERE i.org_id = ${orgId} AND i.plan_id = ${planId}
    ORDER BY i.seq LIMIT 1`);
}
