import { sql } from 'slonik';
import { z } from 'zod';
import type { Actor } from '../../workflows/platform/actor.js';
import type { Queryable } from '../pool.js';
import { queueStarts, type PendingStart } from '../platform/workflow-starts.js';
import { deliverWorkflowId } from '../../workflows/notify/ids.js';
import { PERIODIC_TYPES, type AlertType, type RuleMetadata } from '../../workflows/rules/evaluators.js';
import type { RuleChange, RuleContextRow } from '../../workflows/rules/rule-rows.js';

/** A rule with everything its evaluator needs, fetched set-based (one query for a whole page). */
export const ruleContextRow = z.object({
  id: z.string(),
  org_id: z.string(),
  customer_id: z.string(),
  alert_type: z.string(),
  conditions: z.record(z.unknown()),
  metadata: z.record(z.unknown()),
  email_delivery: z.boolean(),
  sms_delivery: z.boolean(),
  trigger_count: z.number(),
  local_today: z.string(),
  account_type: z.string().nullable(),
  balance: z.string().nullable(),
  account_currency: z.string().nullable(),
  goal_name: z.string().nullable(),
  goal_currency: z.string().nullable(),
  current_amount: z.string().nullable(),
  target_amount: z.string().nullable(),
  budget_name: z.string().nullable(),
  budget_amount: z.string().nullable(),
  budget_currency: z.string().nullable(),
  budget_period: z.string().nullable(),
  budget_category: z.string().nullable(),
  spent: z.string().nullable(),
}) satisfies z.ZodType<RuleContextRow>;
export type { RuleChange, RuleContextRow };

/**
 * `page` is a SELECT of alert_rules rows (aliased r). Joins each rule to its account, goal or
 * budget (with the budget's spending this period, from the budget_spending view): one query
 * for the whole page.
 */
function withContext(page: ReturnType<typeof sql.fragment>) {
  return sql.type(ruleContextRow)`
    WITH r AS MATERIALIZED (${page}),
    -- Each budget of the page once, however many rules watch it.
    page_budgets AS MATERIALIZED (SELECT DISTINCT budget_id FROM r WHERE budget_id IS NOT NULL),
    spending AS MATERIALIZED (
      SELECT v.budget_id, v.period_key, v.spent FROM page_budgets p
      CROSS JOIN LATERAL (SELECT * FROM budget_spending v WHERE v.budget_id = p.budget_id) v
    )
    SELECT r.id, r.org_id, r.customer_id, r.alert_type, r.conditions, r.metadata, r.email_delivery,
      r.sms_delivery, r.trigger_count, to_char(now() AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS local_today,
      a.account_type, a.balance, a.currency AS account_currency,
      g.name AS goal_name, g.currency AS goal_currency, g.current_amount, g.target_amount,
      b.name AS budget_name, b.amount AS budget_amount, b.currency AS budget_currency, b.category AS budget_category,
      s.period_key AS budget_period, s.spent
    FROM r
    JOIN customers c ON c.id = r.customer_id AND c.org_id = r.org_id
    LEFT JOIN accounts a ON a.id = r.account_id AND a.org_id = r.org_id
    LEFT JOIN goals g ON g.id = r.goal_id AND g.org_id = r.org_id
    LEFT JOIN budgets b ON b.id = r.budget_id AND b.org_id = r.org_id
    LEFT JOIN spending s ON s.budget_id = b.id
    ORDER BY r.id`;
}

const ruleColumns = sql.fragment`id, org_id, customer_id, alert_type, conditions, metadata, email_delivery,
  sms_delivery, trigger_count, account_id, goal_id, budget_id`;

// Rules the 5-minute pass evaluates; the partial index alert_rules_periodic_idx has the same predicate.
const periodicPredicate = sql.fragment`active AND deleted_at IS NULL AND (alert_type IN (${sql.join(
  PERIODIC_TYPES,
  sql.fragment`, `,
)}) OR (alert_type = 'merchant_name' AND metadata ? 'digest'))`;

/**
 * One page of the periodic pass over every organisation (the pass is the system's, not a
 * tenant's; each rule is evaluated and written within its own org_id). The page's rules stay
 * locked until the caller's transaction ends, so a transaction's real-time evaluation of the
 * same rule waits for this one's state; both lock in id order, so they cannot deadlock.
 */
export function periodicPage(
  db: Queryable,
  page: { afterId: string | null; before: string | null; limit: number },
) {
  const upper = page.before ? sql.fragment`AND id <= ${page.before}::uuid` : sql.fragment``;
  const lower = page.afterId ? sql.fragment`AND id > ${page.afterId}::uuid` : sql.fragment``;
  return db.any(
    withContext(sql.fragment`
      SELECT ${ruleColumns} FROM alert_rules
      WHERE ${periodicPredicate} ${lower} ${upper}
      ORDER BY id LIMIT ${page.limit}
      FOR UPDATE`),
  );
}

/**
 * The active rules of some types of these customers, with context, locked until the transaction
 * ends in id order (as the periodic pass locks), so concurrent evaluations of one rule queue up.
 */
export function lockedCustomersRules(
  db: Queryable,
  orgId: string,
  customerIds: readonly string[],
  types: readonly AlertType[],
) {
  return db.any(
    withContext(sql.fragment`
      SELECT ${ruleColumns} FROM alert_rules
      WHERE org_id = ${orgId} AND customer_id = ANY(${sql.array([...customerIds], 'uuid')})
        AND active AND deleted_at IS NULL AND alert_type = ANY(${sql.array([...types], 'text')})
      ORDER BY id
      FOR UPDATE`),
  );
}

/** A customer's active rules of some types, with context (manual and real-time evaluation). */
export function customerRules(db: Queryable, orgId: string, customerId: string, types: readonly AlertType[]) {
  return db.any(
    withContext(sql.fragment`
      SELECT ${ruleColumns} FROM alert_rules
      WHERE org_id = ${orgId} AND customer_id = ${customerId} AND active AND deleted_at IS NULL
        AND alert_type = ANY(${sql.array([...types], 'text')})`),
  );
}

export type RuleActor = Actor;

/**
 * Writes one evaluation's outcome atomically: the evaluated rules are stamped, the fired ones
 * get their notification (unique by dedup key) and their new state; a firing whose notification
 * already exists (a retry, or a concurrent evaluator that saw the same state) changes nothing.
 * A rule may change several times in one call (a batch of transactions): its last state is kept
 * and each firing counted. Returns the deliveries the new notifications are owed, queued in the
 * same transaction: start them after the commit. A constant number of statements per call.
 */
export async function applyEvaluation(
  t: Queryable,
  evaluatedIds: string[],
  changes: RuleChange[],
  /** Who evaluated, for the audit trail: a workflow id, or who posted the transaction. */
  actor: string | RuleActor = 'rules',
): Promise<PendingStart[]> {
  const who: RuleActor = typeof actor === 'string' ? { type: 'workflow', id: actor } : actor;
  if (evaluatedIds.length) {
    await t.query(sql.unsafe`
      UPDATE alert_rules SET last_evaluated_at = now(), evaluation_count = evaluation_count + 1
      WHERE id = ANY(${sql.array(evaluatedIds, 'uuid')})`);
  }
  const fired = changes.filter((c) => c.notification);
  let created: {
    id: string;
    org_id: string;
    customer_id: string;
    dedup_key: string;
    rule_id: string;
    kind: string;
    critical: boolean;
  }[] = [];
  if (fired.length) {
    created = [
      ...(await t.any(sql.type(
        z.object({
          id: z.string(),
          org_id: z.string(),
          customer_id: z.string(),
          dedup_key: z.string(),
          rule_id: z.string(),
          kind: z.string(),
          critical: z.boolean(),
        }),
      )`
        INSERT INTO notifications (org_id, customer_id, source, kind, title, message, metadata, critical, channels, dedup_key)
        SELECT org_id, customer_id, 'rules', kind, title, message, metadata, critical,
          ARRAY(SELECT jsonb_array_elements_text(channels)), dedup_key
        FROM jsonb_to_recordset(${sql.jsonb(
          fired.map((c) => ({
            org_id: c.orgId,
            customer_id: c.notification!.customerId,
            kind: c.notification!.kind,
            title: c.notification!.title,
            message: c.notification!.message,
            metadata: { ...c.notification!.data, rule_id: c.ruleId },
            critical: c.notification!.critical,
            channels: c.notification!.channels,
            dedup_key: c.notification!.dedupKey,
          })) as never,
        )}) AS x(org_id uuid, customer_id uuid, kind text, title text, message text, metadata jsonb,
          critical boolean, channels jsonb, dedup_key text)
        ON CONFLICT (org_id, source, dedup_key) DO NOTHING
        RETURNING id, org_id, customer_id, dedup_key, metadata->>'rule_id' AS rule_id, kind, critical`)),
    ];
    // Each firing is an action on the world: one audit row, once (a retry finds the notification).
    if (created.length) {
      await t.query(sql.unsafe`
        INSERT INTO audit_events (org_id, actor_type, actor_id, action, resource_type, resource_id, after, dedup_key)
        SELECT org_id, ${who.type}, ${who.id}, 'rule.fired', 'alert_rule', rule_id,
          jsonb_build_object('notification_id', id, 'kind', kind), 'rule.fired:' || id
        FROM jsonb_to_recordset(${sql.jsonb(created as never)}) AS x(id uuid, org_id uuid, rule_id text, kind text)
        ON CONFLICT (org_id, dedup_key) DO NOTHING`);
    }
  }
  const createdKeys = new Set(created.map((n) => `${n.org_id}:${n.dedup_key}`));
  // One row per rule: its last state, and how many of its firings created a notification.
  const updates = new Map<string, { id: string; org_id: string; metadata: RuleMetadata; fired: number }>();
  for (const c of changes) {
    const fired = c.notification && createdKeys.has(`${c.orgId}:${c.notification.dedupKey}`);
    if (c.notification && !fired) continue; // notified already: the state that said so stays
    const u = updates.get(c.ruleId) ?? { id: c.ruleId, org_id: c.orgId, metadata: c.metadata, fired: 0 };
    u.metadata = c.metadata;
    if (fired) u.fired++;
    updates.set(c.ruleId, u);
  }
  if (updates.size) {
    await t.query(sql.unsafe`
      UPDATE alert_rules r SET metadata = u.metadata, updated_at = now(),
        last_triggered_at = CASE WHEN u.fired > 0 THEN now() ELSE r.last_triggered_at END,
        trigger_count = r.trigger_count + u.fired
      FROM jsonb_to_recordset(${sql.jsonb([...updates.values()] as never)}) AS u(id uuid, org_id uuid, metadata jsonb, fired int)
      WHERE r.id = u.id AND r.org_id = u.org_id`);
  }
  const starts: PendingStart[] = created.map((n) => ({
    workflow_id: deliverWorkflowId(n.id),
    org_id: n.org_id,
    kind: 'delivery',
    subject_id: n.id,
    customer_id: n.customer_id,
    priority: n.critical ? 'critical' : null,
  }));
  await queueStarts(t, starts);
  return starts;
}

/** A transaction as the rule evaluators see it, with its day in the customer's time zone. */
export function transactionForRules(db: Queryable, orgId: string, transactionId: string) {
  return db.maybeOne(sql.type(
    z.object({
      id: z.string(),
      customer_id: z.string(),
      account_id: z.string().nullable(),
      amount: z.string(),
      currency: z.string(),
      merchant_name: z.string().nullable(),
      merchant_category: z.string().nullable(),
      transaction_type: z.string(),
      local_day: z.string(),
    }),
  )`
    SELECT t.id, t.customer_id, t.account_id, t.amount, t.currency, t.merchant_name, t.merchant_category,
      t.transaction_type, to_char(t.transaction_date AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS local_day
    FROM transactions t JOIN customers c ON c.id = t.customer_id AND c.org_id = t.org_id
    WHERE t.org_id = ${orgId} AND t.id = ${transactionId}`);
}
