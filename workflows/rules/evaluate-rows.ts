import type { RuleChange, RuleContextRow } from './rule-rows.js';
import {
  evaluateAccountThreshold,
  evaluateDigest,
  evaluateGoal,
  evaluateMerchantName,
  evaluateSpendingTarget,
  evaluateTransactionLimit,
  type Evaluation,
  type Rule,
  type TransactionContext,
} from './evaluators.js';

const ACCOUNT_NAMES: Record<string, string> = {
  checking: 'Checking account',
  savings: 'Savings account',
  credit: 'Credit account',
};

/** The channels a rule's notification uses: in-app always, email and SMS as the rule says. */
export const ruleChannels = (r: { email_delivery: boolean; sms_delivery: boolean }) => [
  'in_app',
  ...(r.email_delivery ? ['email'] : []),
  ...(r.sms_delivery ? ['sms'] : []),
];

/** Runs each row's evaluator. `tx` is the transaction under real-time evaluation, if any. */
export function evaluateRows(
  rows: readonly RuleContextRow[],
  nowMs: number,
  tx?: TransactionContext,
): { evaluatedIds: string[]; changes: RuleChange[] } {
  const evaluatedIds: string[] = [];
  const changes: RuleChange[] = [];
  for (const row of rows) {
    const result = evaluateRow(row, nowMs, tx);
    if (!result) continue; // its target is gone (account closed, goal deleted): nothing to say
    evaluatedIds.push(row.id);
    if (!result.fire && result.metadata === row.metadata) continue;
    changes.push({
      ruleId: row.id,
      orgId: row.org_id,
      metadata: result.metadata,
      ...(result.fire && {
        notification: {
          customerId: row.customer_id,
          kind: result.fire.kind,
          title: result.fire.title,
          message: result.fire.message,
          critical: result.fire.critical,
          channels: ruleChannels(row),
          dedupKey: result.fire.dedupKey,
          data: result.fire.data,
        },
      }),
    });
  }
  return { evaluatedIds, changes };
}

function evaluateRow(row: RuleContextRow, nowMs: number, tx?: TransactionContext): Evaluation | null {
  const rule = { id: row.id, alert_type: row.alert_type, conditions: row.conditions, metadata: row.metadata };
  switch (row.alert_type) {
    case 'account_threshold':
      if (row.balance === null) return null;
      return evaluateAccountThreshold(
        rule as Rule<'account_threshold'>,
        {
          id: String(row.conditions.account_id),
          name: ACCOUNT_NAMES[row.account_type ?? ''] ?? 'account',
          balance: row.balance,
          currency: row.account_currency ?? 'USD',
        },
        nowMs,
      );
    case 'goal':
      if (row.current_amount === null || row.target_amount === null) return null;
      return evaluateGoal(rule as Rule<'goal'>, {
        id: String(row.conditions.goal_id),
        name: row.goal_name ?? '',
        current_amount: row.current_amount,
        target_amount: row.target_amount,
        currency: row.goal_currency ?? 'USD',
      });
    case 'spending_target':
      if (row.budget_amount === null || row.spent === null || row.budget_period === null) return null;
      return evaluateSpendingTarget(rule as Rule<'spending_target'>, {
        id: String(row.conditions.budget_id),
        name: row.budget_name ?? '',
        amount: row.budget_amount,
        spent: row.spent,
        currency: row.budget_currency ?? 'USD',
        period: row.budget_period,
      });
    case 'transaction_limit':
      return tx ? evaluateTransactionLimit(rule as Rule<'transaction_limit'>, tx) : null;
    case 'merchant_name':
      return tx
        ? evaluateMerchantName(rule as Rule<'merchant_name'>, tx)
        : evaluateDigest(rule as Rule<'merchant_name'>, row.local_today);
    default:
      // upcoming_bill is the bill reminder's (billReminder), at 06:00 in the customer's zone.
      return null;
  }
}

/** A transaction under real-time evaluation, with what decides which state rules it touches. */
export type RealtimeTransaction = TransactionContext & {
  customer_id: string;
  merchant_category: string | null;
};

/**
 * The real-time rules of a batch of transactions. Transaction rules (transaction_limit,
 * merchant_name) see each transaction in order, each carrying the state the previous one left
 * (a first-of-day notice fires once however many transactions the batch holds); state rules
 * (account_threshold, spending_target) are evaluated once, on the state after the whole batch,
 * when one of its transactions touches them (their account; a budget of their category).
 */
export function evaluateTransactions(
  rows: readonly RuleContextRow[],
  nowMs: number,
  txs: readonly RealtimeTransaction[],
): { evaluatedIds: string[]; changes: RuleChange[] } {
  const evaluated = new Set<string>();
  const changes: RuleChange[] = [];
  const byCustomer = new Map<string, RealtimeTransaction[]>();
  for (const tx of txs) byCustomer.set(tx.customer_id, [...(byCustomer.get(tx.customer_id) ?? []), tx]);
  for (const row of rows) {
    const own = byCustomer.get(row.customer_id) ?? [];
    if (row.alert_type === 'transaction_limit' || row.alert_type === 'merchant_name') {
      let current = row;
      for (const tx of own) {
        const out = evaluateRows([current], nowMs, tx);
        out.evaluatedIds.forEach((id) => evaluated.add(id));
        for (const c of out.changes) {
          changes.push(c);
          current = { ...current, metadata: c.metadata };
        }
      }
      continue;
    }
    const touched = own.some((tx) =>
      row.alert_type === 'account_threshold'
        ? !!tx.account_id && row.conditions.account_id === tx.account_id
        : row.alert_type === 'spending_target'
          ? row.budget_category === null || row.budget_category === tx.merchant_category
          : false,
    );
    if (!touched) continue;
    const out = evaluateRows([row], nowMs);
    out.evaluatedIds.forEach((id) => evaluated.add(id));
    changes.push(...out.changes);
  }
  return { evaluatedIds: [...evaluated], changes };
}
