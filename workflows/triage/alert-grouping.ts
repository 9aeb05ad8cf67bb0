/**
 * One alert per burst. While a customer has an open alert raised within the grouping window, a
 * new suspicious transaction of theirs joins it instead of raising another: the alert counts the
 * transactions and keeps the newest ids, keeps every rule that fired at its worst, and its
 * priority may rise (never fall). Pure; the ingest transaction applies it under a lock per customer.
 */
import type { Screening, Severity, Signal } from './screening.js';

/** A signal joins the customer's newest open alert raised less than this long ago. */
export const GROUPING_WINDOW_HOURS = 24;
/** How many transaction ids an alert keeps (the newest); the count is kept whole. */
export const MAX_ALERT_TRANSACTION_IDS = 100;

export type AlertPriority = 'low' | 'medium' | 'high' | 'critical';
const RANK: Record<AlertPriority, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

export const higherPriority = (a: AlertPriority, b: AlertPriority): AlertPriority =>
  RANK[b] > RANK[a] ? b : a;
/** High and critical alerts are triaged by a workflow; lower ones wait for an operator. */
export const needsTriage = (p: AlertPriority) => RANK[p] >= RANK.high;

export type AlertData = {
  signals: Signal[];
  risk_score: number;
  amount: string;
  currency: string;
  transaction_count: number;
  transaction_ids: string[];
  last_transaction_at: string;
};

export type ScreenedTransaction = {
  id: string;
  amount: string;
  currency: string;
  transaction_date: string;
  screening: Screening & { alert: NonNullable<Screening['alert']> };
};

/** The data of a new alert raised by one transaction. */
export function newAlertData(tx: ScreenedTransaction): AlertData {
  return {
    signals: tx.screening.signals,
    risk_score: tx.screening.riskScore,
    amount: tx.amount,
    currency: tx.currency,
    transaction_count: 1,
    transaction_ids: [tx.id],
    last_transaction_at: tx.transaction_date,
  };
}

/** An open alert after one more transaction joined it. */
export function joinAlert(
  alert: { priority: AlertPriority; data: Record<string, unknown>; transaction_id: string | null },
  tx: ScreenedTransaction,
): { priority: AlertPriority; data: AlertData } {
  const old = alert.data as Partial<AlertData>;
  const signals = new Map<string, Signal>();
  for (const s of [...(old.signals ?? []), ...tx.screening.signals]) {
    const seen = signals.get(s.rule);
    if (!seen || SEVERITY_RANK[s.severity] > SEVERITY_RANK[seen.severity]) signals.set(s.rule, s);
  }
  const ids = old.transaction_ids ?? (alert.transaction_id ? [alert.transaction_id] : []);
  return {
    priority: higherPriority(alert.priority, tx.screening.alert.priority),
    data: {
      ...(old as AlertData),
      signals: [...signals.values()],
      risk_score: Math.max(Number(old.risk_score ?? 0), tx.screening.riskScore),
      transaction_count: (old.transaction_count ?? ids.length) + 1,
      transaction_ids: [...ids, tx.id].slice(-MAX_ALERT_TRANSACTION_IDS),
      last_transaction_at: tx.transaction_date,
    },
  };
}
