import type { RuleMetadata } from './evaluators.js';

/** A rule with everything its evaluator needs (db/rules/evaluation.ts fetches it, set-based). */
export type RuleContextRow = {
  id: string;
  org_id: string;
  customer_id: string;
  alert_type: string;
  conditions: Record<string, unknown>;
  metadata: Record<string, unknown>;
  email_delivery: boolean;
  sms_delivery: boolean;
  trigger_count: number;
  local_today: string;
  account_type: string | null;
  balance: string | null;
  account_currency: string | null;
  goal_name: string | null;
  goal_currency: string | null;
  current_amount: string | null;
  target_amount: string | null;
  budget_name: string | null;
  budget_amount: string | null;
  budget_currency: string | null;
  budget_period: string | null;
  budget_category: string | null;
  spent: string | null;
};

/** What evaluating a rule changes: its metadata, and when it fired, its notification. */
export type RuleChange = {
  ruleId: string;
  orgId: string;
  metadata: RuleMetadata;
  /** Set when the rule fired: its notification, created in the same transaction. */
  notification?: {
    customerId: string;
    kind: string;
    title: string;
    message: string;
    critical: boolean;
    channels: string[];
    dedupKey: string;
    data: Record<string, unknown>;
  };
};
