/**
 * The six personal-finance alert rules, exactly as the seed's "Trigger Conditions Specification"
 * states them, as pure functions shared by every trigger (the 5-minute pass, real-time
 * evaluation of a transaction, a manual evaluation, the bill reminder). Each takes the rule, its
 * context and the time, and answers whether it fires, with the message, the dedup key of that
 * firing and the rule's next deduplication state. No I/O and no imports but ./money.
 */
import { absCents, formatMoney, fromCents, percentOf, toCents } from './money.js';

export const ALERT_TYPES = [
  'account_threshold',
  'goal',
  'merchant_name',
  'spending_target',
  'transaction_limit',
  'upcoming_bill',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** Evaluated by the 5-minute pass; the others are event-driven (transactions, bill reminders). */
export const PERIODIC_TYPES = ['account_threshold', 'goal', 'spending_target'] as const;
/** Evaluated on each transaction. */
export const REALTIME_TYPES = [
  'transaction_limit',
  'merchant_name',
  'account_threshold',
  'spending_target',
] as const;

export const GOAL_MILESTONES = [25, 50, 75, 100] as const;
export const BUDGET_THRESHOLDS = [50, 80, 90, 100] as const;
export const BILL_DAYS_BEFORE = [3, 7, 14] as const;
export const THRESHOLD_COOLDOWN_MS = 6 * 3600_000;

export type Conditions = {
  account_threshold: { account_id: string; threshold: string; direction: 'below' | 'above' };
  /** Without milestone_percentage the rule notifies at every milestone, 25/50/75/100. */
  goal: { goal_id: string; milestone_percentage?: (typeof GOAL_MILESTONES)[number] };
  merchant_name: {
    merchant_pattern: string;
    match_type: 'exact' | 'contains';
    frequency?: 'immediate' | 'daily_digest' | 'first_of_day';
  };
  /** Without threshold_percentage the rule notifies at every threshold, 50/80/90/100. */
  spending_target: { budget_id: string; threshold_percentage?: (typeof BUDGET_THRESHOLDS)[number] };
  transaction_limit: { amount: string; account_id?: string };
  upcoming_bill: { bill_id: string; days_before: (typeof BILL_DAYS_BEFORE)[number] };
};

/** What a rule remembers between evaluations so that it never notifies twice for one thing. */
export type RuleMetadata = {
  /** account_threshold: when each direction last fired (6 h cooldown per direction). */
  last_triggered_by_direction?: { below?: string; above?: string };
  /** goal */
  milestone_notifications_sent?: number[];
  /** spending_target: thresholds sent in the current budget period, reset when it changes. */
  current_period?: string;
  thresholds_sent?: number[];
  /** merchant_name first_of_day / daily_digest: the customer's local day. */
  last_notified_day?: string;
  digest?: { day: string; count: number; total: string; currency: string; merchants: string[] };
  /** upcoming_bill */
  last_due_date_notified?: string;
};

export type Rule<T extends AlertType = AlertType> = {
  id: string;
  alert_type: T;
  conditions: Conditions[T];
  metadata: RuleMetadata;
};

export type Firing = {
  kind: string;
  title: string;
  message: string;
  critical: boolean;
  dedupKey: string;
  /** Facts for templates and for whoever reads the notification later. */
  data: Record<string, unknown>;
};

export type Evaluation = {
  fire: Firing | null;
  /** The rule's metadata after this evaluation (equal to the input when nothing changed). */
  metadata: RuleMetadata;
};

const none = (metadata: RuleMetadata): Evaluation => ({ fire: null, metadata });

export type AccountContext = { id: string; name: string; balance: string; currency: string };

export function evaluateAccountThreshold(
  rule: Rule<'account_threshold'>,
  account: AccountContext,
  nowMs: number,
): Evaluation {
  const { threshold, direction } = rule.conditions;
  const balance = toCents(account.balance);
  const limit = toCents(threshold);
  const holds = direction === 'below' ? balance < limit : balance > limit;
  if (!holds) return none(rule.metadata);
  const last = rule.metadata.last_triggered_by_direction?.[direction];
  if (last && nowMs - Date.parse(last) < THRESHOLD_COOLDOWN_MS) return none(rule.metadata);
  const at = new Date(nowMs).toISOString();
  return {
    fire: {
      kind: 'account_threshold',
      title: `Balance ${direction} ${formatMoney(threshold, account.currency)}`,
      message: `Your ${account.name} balance is ${direction} ${formatMoney(threshold, account.currency)}. Current balance: ${formatMoney(account.balance, account.currency)}`,
      critical: false,
      // Two evaluators that saw the same state produce the same key, so only one notification.
      dedupKey: `alert-rule:${rule.id}:${direction}:after:${last ?? 'never'}`,
      data: {
        alert_type: 'account_threshold',
        account_id: account.id,
        account_name: account.name,
        balance: account.balance,
        currency: account.currency,
        threshold,
        direction,
      },
    },
    metadata: {
      ...rule.metadata,
      last_triggered_by_direction: { ...rule.metadata.last_triggered_by_direction, [direction]: at },
    },
  };
}

export type GoalContext = {
  id: string;
  name: string;
  current_amount: string;
  target_amount: string;
  currency?: string;
};

export function evaluateGoal(rule: Rule<'goal'>, goal: GoalContext): Evaluation {
  const progress = percentOf(toCents(goal.current_amount), toCents(goal.target_amount));
  const sent = rule.metadata.milestone_notifications_sent ?? [];
  const watched = rule.conditions.milestone_percentage
    ? [rule.conditions.milestone_percentage]
    : [...GOAL_MILESTONES];
  const reached = watched.filter((m) => progress >= m && !sent.includes(m));
  if (!reached.length) return none(rule.metadata);
  // A jump past several milestones at once tells the customer the highest, and marks all of them.
  const milestone = Math.max(...reached);
  return {
    fire: {
      kind: 'goal_milestone',
      title: `Goal ${milestone}% reached`,
      // The customer's actual progress (80 %), not the milestone it passed (75 %), as the seed says.
      message: `Your goal '${goal.name}' has reached ${progress}% completion!`,
      critical: false,
      dedupKey: `alert-rule:${rule.id}:milestone:${milestone}`,
      data: {
        alert_type: 'goal',
        goal_id: goal.id,
        goal_name: goal.name,
        milestone,
        progress,
        current_amount: goal.current_amount,
        target_amount: goal.target_amount,
        currency: goal.currency ?? 'USD',
      },
    },
    metadata: { ...rule.metadata, milestone_notifications_sent: [...sent, ...reached].sort((a, b) => a - b) },
  };
}

export type BudgetContext = {
  id: string;
  name: string;
  amount: string;
  spent: string;
  currency: string;
  /** The budget period now in force, in the customer's time zone: "2026-11", "2026-W47", "2026". */
  period: string;
};

export function evaluateSpendingTarget(rule: Rule<'spending_target'>, budget: BudgetContext): Evaluation {
  const samePeriod = rule.metadata.current_period === budget.period;
  const sent = samePeriod ? (rule.metadata.thresholds_sent ?? []) : [];
  const base: RuleMetadata = { ...rule.metadata, current_period: budget.period, thresholds_sent: sent };
  const percent = percentOf(toCents(budget.spent), toCents(budget.amount));
  const watched = rule.conditions.threshold_percentage
    ? [rule.conditions.threshold_percentage]
    : [...BUDGET_THRESHOLDS];
  const reached = watched.filter((t) => percent >= t && !sent.includes(t));
  if (!reached.length) return samePeriod ? none(rule.metadata) : none(base);
  const threshold = Math.max(...reached);
  return {
    fire: {
      kind: 'budget_alert',
      title: `Budget at ${percent}%`,
      message: `Your '${budget.name}' budget is at ${percent}% (${formatMoney(budget.spent, budget.currency)} of ${formatMoney(budget.amount, budget.currency)})`,
      critical: false,
      dedupKey: `alert-rule:${rule.id}:period:${budget.period}:${threshold}`,
      data: {
        alert_type: 'spending_target',
        budget_id: budget.id,
        budget_name: budget.name,
        period: budget.period,
        percent,
        threshold,
        spent: budget.spent,
        amount: budget.amount,
        currency: budget.currency,
      },
    },
    metadata: { ...base, thresholds_sent: [...sent, ...reached].sort((a, b) => a - b) },
  };
}

export type TransactionContext = {
  id: string;
  account_id: string | null;
  amount: string;
  currency: string;
  merchant_name: string | null;
  transaction_type: string;
  /** The transaction's day in the customer's time zone, "2026-11-23". */
  local_day: string;
};

export function evaluateTransactionLimit(
  rule: Rule<'transaction_limit'>,
  tx: TransactionContext,
): Evaluation {
  const { amount, account_id } = rule.conditions;
  if (account_id && tx.account_id !== account_id) return none(rule.metadata);
  if (absCents(toCents(tx.amount)) < toCents(amount)) return none(rule.metadata);
  const description = tx.merchant_name ?? tx.transaction_type;
  return {
    fire: {
      kind: 'large_transaction',
      title: 'Large transaction',
      message: `Large transaction detected: ${description} for ${formatMoney(absCents(toCents(tx.amount)), tx.currency)} exceeds your limit of ${formatMoney(amount, tx.currency)}`,
      // Security critical: every occurrence, past quiet hours and rate limits.
      critical: true,
      dedupKey: `alert-rule:${rule.id}:tx:${tx.id}`,
      data: {
        alert_type: 'transaction_limit',
        transaction_id: tx.id,
        amount: tx.amount,
        limit: amount,
        currency: tx.currency,
        merchant_name: tx.merchant_name,
      },
    },
    metadata: rule.metadata,
  };
}

export function merchantMatches(c: Conditions['merchant_name'], merchantName: string | null): boolean {
  if (!merchantName) return false;
  const name = merchantName.trim().toLowerCase();
  const pattern = c.merchant_pattern.trim().toLowerCase();
  return c.match_type === 'exact' ? name === pattern : name.includes(pattern);
}

export function evaluateMerchantName(rule: Rule<'merchant_name'>, tx: TransactionContext): Evaluation {
  if (!merchantMatches(rule.conditions, tx.merchant_name)) return none(rule.metadata);
  const frequency = rule.conditions.frequency ?? 'immediate';
  const amount = formatMoney(absCents(toCents(tx.amount)), tx.currency);
  const fire = (dedupKey: string): Firing => ({
    kind: 'merchant_activity',
    title: `${tx.merchant_name} transaction`,
    message: `Transaction detected: ${tx.merchant_name} for ${amount}`,
    critical: false,
    dedupKey,
    data: {
      alert_type: 'merchant_name',
      transaction_id: tx.id,
      merchant_name: tx.merchant_name,
      amount: tx.amount,
      currency: tx.currency,
    },
  });
  if (frequency === 'immediate')
    return { fire: fire(`alert-rule:${rule.id}:tx:${tx.id}`), metadata: rule.metadata };
  if (frequency === 'first_of_day') {
    if (rule.metadata.last_notified_day === tx.local_day) return none(rule.metadata);
    return {
      fire: fire(`alert-rule:${rule.id}:day:${tx.local_day}`),
      metadata: { ...rule.metadata, last_notified_day: tx.local_day },
    };
  }
  // daily_digest: gather the day's matches; the 5-minute pass sends them once the day is over.
  const previous = rule.metadata.digest;
  const digest =
    previous && previous.day === tx.local_day
      ? previous
      : { day: tx.local_day, count: 0, total: '0.00', currency: tx.currency, merchants: [] as string[] };
  const carried = previous && previous.day !== tx.local_day ? evaluateDigest(rule, tx.local_day) : null;
  const next = {
    day: digest.day,
    count: digest.count + 1,
    total: fromCents(toCents(digest.total) + absCents(toCents(tx.amount))),
    currency: digest.currency,
    merchants: digest.merchants.includes(tx.merchant_name!)
      ? digest.merchants
      : [...digest.merchants, tx.merchant_name!].slice(0, 10),
  };
  return { fire: carried?.fire ?? null, metadata: { ...rule.metadata, digest: next } };
}

/** A merchant_name daily digest whose day is over (`today` is the customer's local day) is sent once. */
export function evaluateDigest(rule: Rule<'merchant_name'>, today: string): Evaluation {
  const d = rule.metadata.digest;
  if (!d || d.day >= today) return none(rule.metadata);
  const { digest: _sent, ...rest } = rule.metadata;
  return {
    fire: {
      kind: 'merchant_digest',
      title: `${rule.conditions.merchant_pattern}: ${d.count} transaction${d.count === 1 ? '' : 's'}`,
      message: `Daily digest for ${d.day}: ${d.count} transaction${d.count === 1 ? '' : 's'} at ${d.merchants.join(', ')} for ${formatMoney(d.total, d.currency)}`,
      critical: false,
      dedupKey: `alert-rule:${rule.id}:digest:${d.day}`,
      data: {
        alert_type: 'merchant_name',
        day: d.day,
        count: d.count,
        total: d.total,
        currency: d.currency,
        merchants: d.merchants,
      },
    },
    metadata: { ...rest, last_notified_day: d.day },
  };
}

export type BillContext = { id: string; name: string; amount: string; currency: string; due_date: string };

/** Whole days from `today` to `dueDate` (both "YYYY-MM-DD", the customer's calendar). */
export function daysBetween(today: string, dueDate: string): number {
  return Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

export function billMessage(bill: BillContext, days: number): string {
  const what = `Bill '${bill.name}' for ${formatMoney(bill.amount, bill.currency)} is due`;
  if (days === 0) return `${what} today`;
  if (days === 1) return `${what} tomorrow`;
  return `${what} in ${days} days`;
}

/** `today` is the customer's local date at evaluation. Once per due date. */
export function evaluateUpcomingBill(
  rule: Rule<'upcoming_bill'>,
  bill: BillContext,
  today: string,
): Evaluation {
  const days = daysBetween(today, bill.due_date);
  if (days < 0 || days > rule.conditions.days_before) return none(rule.metadata);
  if (rule.metadata.last_due_date_notified === bill.due_date) return none(rule.metadata);
  return {
    fire: {
      kind: 'bill_reminder',
      title: `${bill.name} due ${days === 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`}`,
      message: billMessage(bill, days),
      critical: false,
      dedupKey: `alert-rule:${rule.id}:due:${bill.due_date}`,
      data: {
        alert_type: 'upcoming_bill',
        bill_id: bill.id,
        bill_name: bill.name,
        due_date: bill.due_date,
        days_until_due: days,
        amount: bill.amount,
        currency: bill.currency,
      },
    },
    metadata: { ...rule.metadata, last_due_date_notified: bill.due_date },
  };
}
