import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';
import { ALERT_TYPES, type AlertType } from '../../workflows/rules/evaluators.js';

export const alertRuleRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  alert_type: z.enum(ALERT_TYPES),
  conditions: z.record(z.unknown()),
  email_delivery: z.boolean(),
  sms_delivery: z.boolean(),
  active: z.boolean(),
  last_triggered_at: z.string().nullable(),
  last_evaluated_at: z.string().nullable(),
  evaluation_count: z.number(),
  trigger_count: z.number(),
  metadata: z.record(z.unknown()),
  bill_id: z.string().uuid().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AlertRuleRow = z.infer<typeof alertRuleRow>;

export type AlertRuleInput = {
  customer_id: string;
  alert_type: AlertType;
  conditions: Record<string, unknown>;
  email_delivery: boolean;
  sms_delivery: boolean;
  active: boolean;
};

const columns = sql.fragment`id, org_id, customer_id, alert_type, conditions, email_delivery, sms_delivery, active,
  last_triggered_at, last_evaluated_at, evaluation_count, trigger_count, metadata, bill_id, created_at, updated_at`;

// The rule's target, lifted out of its conditions into an indexed, foreign-keyed column.
const target = (c: Record<string, unknown>, key: string) => (typeof c[key] === 'string' ? c[key] : null);

export function createAlertRule(db: Queryable, orgId: string, r: AlertRuleInput): Promise<AlertRuleRow> {
  return db.one(sql.type(alertRuleRow)`
    INSERT INTO alert_rules (org_id, customer_id, alert_type, conditions, account_id, goal_id, budget_id, bill_id,
      email_delivery, sms_delivery, active)
    VALUES (${orgId}, ${r.customer_id}, ${r.alert_type}, ${sql.jsonb(r.conditions as never)},
      ${target(r.conditions, 'account_id')}, ${target(r.conditions, 'goal_id')}, ${target(r.conditions, 'budget_id')},
      ${target(r.conditions, 'bill_id')}, ${r.email_delivery}, ${r.sms_delivery}, ${r.active})
    RETURNING ${columns}`);
}

export function getAlertRule(db: Queryable, orgId: string, id: string): Promise<AlertRuleRow | null> {
  return db.maybeOne(sql.type(alertRuleRow)`
    SELECT ${columns} FROM alert_rules WHERE org_id = ${orgId} AND id = ${id} AND deleted_at IS NULL`);
}

/** A full replacement (PUT); new conditions start the rule's deduplication state afresh. */
export function replaceAlertRule(
  db: Queryable,
  orgId: string,
  id: string,
  r: AlertRuleInput,
): Promise<AlertRuleRow | null> {
  return db.maybeOne(sql.type(alertRuleRow)`
    UPDATE alert_rules SET customer_id = ${r.customer_id}, alert_type = ${r.alert_type},
      metadata = CASE WHEN conditions = ${sql.jsonb(r.conditions as never)} THEN metadata ELSE '{}'::jsonb END,
      conditions = ${sql.jsonb(r.conditions as never)},
      account_id = ${target(r.conditions, 'account_id')}, goal_id = ${target(r.conditions, 'goal_id')},
      budget_id = ${target(r.conditions, 'budget_id')}, bill_id = ${target(r.conditions, 'bill_id')},
      email_delivery = ${r.email_delivery}, sms_delivery = ${r.sms_delivery}, active = ${r.active},
      updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND deleted_at IS NULL RETURNING ${columns}`);
}

export function deleteAlertRule(db: Queryable, orgId: string, id: string): Promise<AlertRuleRow | null> {
  return db.maybeOne(sql.type(alertRuleRow)`
    UPDATE alert_rules SET deleted_at = now(), active = false, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND deleted_at IS NULL RETURNING ${columns}`);
}

export function listAlertRules(
  db: Queryable,
  orgId: string,
  q: {
    customer_id?: string | undefined;
    alert_type?: AlertType | undefined;
    active?: boolean | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<readonly AlertRuleRow[]> {
  const filters = [
    sql.fragment`org_id = ${orgId}`,
    sql.fragment`deleted_at IS NULL`,
    ...(q.customer_id ? [sql.fragment`customer_id = ${q.customer_id}`] : []),
    ...(q.alert_type ? [sql.fragment`alert_type = ${q.alert_type}`] : []),
    ...(q.active !== undefined ? [sql.fragment`active = ${q.active}`] : []),
  ];
  return db.any(sql.type(alertRuleRow)`
    SELECT ${columns} FROM alert_rules WHERE ${sql.join(filters, sql.fragment` AND `)} AND ${keysetAfter(q.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}

/**
 * A bill's active reminder rule, locked for the rest of the transaction so the reminder and the
 * rule's state change together (a concurrent pass waits rather than notifying twice).
 */
export function lockBillReminderRule(db: Queryable, orgId: string, ruleId: string, billId: string) {
  return db.maybeOne(sql.type(
    alertRuleRow.pick({
      id: true,
      conditions: true,
      metadata: true,
      email_delivery: true,
      sms_delivery: true,
    }),
  )`
    SELECT id, conditions, metadata, email_delivery, sms_delivery FROM alert_rules
    WHERE org_id = ${orgId} AND id = ${ruleId} AND bill_id = ${billId} AND active AND deleted_at IS NULL
    FOR UPDATE`);
}

/** Locks a customer's active rules of these types until the transaction ends (in id order, as the periodic pass does). */
export async function lockCustomerRules(
  db: Queryable,
  orgId: string,
  customerId: string,
  types: readonly AlertType[],
): Promise<void> {
  await db.query(sql.unsafe`
    SELECT 1 FROM alert_rules
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND active AND deleted_at IS NULL
      AND alert_type = ANY(${sql.array([...types], 'text')})
    ORDER BY id
    FOR UPDATE`);
}
