import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';
import { lockBillReminderRule, lockCustomerRules } from '../../db/rules/alert-rules.js';
import * as bills from '../../db/rules/bills.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import {
  applyEvaluation,
  customerRules,
  periodicPage,
  type RuleContextRow,
  transactionForRules,
} from '../../db/rules/evaluation.js';
import { getCustomer } from '../../db/customers/customers.js';
import { dispatchStarts, sweepPendingStarts } from '../../temporal/clients/pending-starts.js';
import { nextDueDate } from '../../workflows/rules/bill-schedule.js';
import {
  ALERT_TYPES,
  evaluateUpcomingBill,
  REALTIME_TYPES,
  type Rule,
} from '../../workflows/rules/evaluators.js';
import { evaluateRows, ruleChannels } from '../../workflows/rules/evaluate-rows.js';
import type { RuleChange } from '../../workflows/rules/rule-rows.js';
import { countEvaluations } from '../metrics.js';

export type RulesDeps = { db: Db; temporal: Client; taskQueuePrefix?: string };

/** The evaluating workflow, for the audit trail ("rules" when called outside an activity). */
const actor = () => {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? 'rules';
  } catch {
    return 'rules';
  }
};

/** Each evaluated rule's type and whether it fired, for alerts_evaluated_total. */
function outcomes(
  rows: readonly { id: string; alert_type: string }[],
  evaluatedIds: readonly string[],
  changes: readonly RuleChange[],
) {
  const type = new Map(rows.map((r) => [r.id, r.alert_type]));
  const fired = new Set(changes.filter((c) => c.notification).map((c) => c.ruleId));
  return evaluatedIds.map((id) => ({ alertType: type.get(id) ?? 'unknown', triggered: fired.has(id) }));
}

export type PageResult = { evaluated: number; fired: number; nextAfterId: string | null };

/**
 * The rules context's side effects. An evaluation's writes (rule state, notifications) commit in
 * one transaction with dedup keys, so a retry or a crash never notifies twice; deliveries start
 * after the commit, and a notification whose delivery did not start is picked up by the next pass.
 */
export function createRulesActivities(deps: RulesDeps) {
  const { db } = deps;
  const prefix = deps.taskQueuePrefix ?? '';
  // Deliveries are queued with their notifications; a start that fails here is the sweeper's.
  const deliver = (starts: PendingStart[]) => dispatchStarts(deps.temporal, db, starts, { prefix });

  return {
    /** One page of the periodic pass: a few queries for the whole page, whatever its size. */
    async evaluateRulePage(input: {
      afterId: string | null;
      before: string | null;
      limit: number;
    }): Promise<PageResult> {
      // Read, evaluate and write the page in one transaction, its rules locked throughout.
      const page = await db.transaction(async (t) => {
        const rows = await periodicPage(t, input);
        const { evaluatedIds, changes } = evaluateRows(rows, Date.now());
        const created = await applyEvaluation(t, evaluatedIds, changes, actor());
        countEvaluations(outcomes(rows, evaluatedIds, changes));
        return { rows: rows.length, lastId: rows.at(-1)?.id, evaluated: evaluatedIds.length, created };
      });
      await deliver(page.created);
      return {
        evaluated: page.evaluated,
        fired: page.created.length,
        nextAfterId: page.rows === input.limit ? page.lastId! : null,
      };
    },

    /** Starts the deliveries (and any other workflow) committed a minute ago but never started. */
    async dispatchPendingNotifications(): Promise<number> {
      return (await sweepPendingStarts(deps.temporal, db, { olderThanSeconds: 60, prefix })).started;
    },

    /**
     * Real-time rules of one transaction: transaction_limit and merchant_name, and the
     * account_threshold and spending_target rules it touches (its account; budgets of its category).
     */
    async evaluateTransactionRules(input: { orgId: string; transactionId: string }): Promise<number> {
      const tx = await transactionForRules(db, input.orgId, input.transactionId);
      if (!tx)
        throw ApplicationFailure.nonRetryable(`transaction ${input.transactionId} not found`, 'NotFound');
      const touched = (r: RuleContextRow) => {
        if (r.alert_type === 'account_threshold')
          return !!tx.account_id && r.conditions.account_id === tx.account_id;
        if (r.alert_type === 'spending_target')
          return r.budget_category === null || r.budget_category === tx.merchant_category;
        return true;
      };
      const created = await db.transaction(async (t) => {
        // Lock the customer's real-time rules first, so a concurrent transaction of theirs
        // evaluates the state this one writes (a first_of_day or a digest is never counted twice).
        await lockCustomerRules(t, input.orgId, tx.customer_id, REALTIME_TYPES);
        const rows = (await customerRules(t, input.orgId, tx.customer_id, REALTIME_TYPES)).filter(touched);
        const { evaluatedIds, changes } = evaluateRows(rows, Date.now(), tx);
        return applyEvaluation(t, evaluatedIds, changes, actor());
      });
      await deliver(created);
      return created.length;
    },

    /** Every rule of one customer that can be evaluated now (the admin's "evaluate now"). */
    async evaluateCustomerRules(input: { orgId: string; customerId: string }): Promise<PageResult> {
      const { evaluatedIds, created } = await db.transaction(async (t) => {
        await lockCustomerRules(t, input.orgId, input.customerId, ALERT_TYPES);
        const rows = await customerRules(t, input.orgId, input.customerId, ALERT_TYPES);
        const evaluation = evaluateRows(rows, Date.now());
        countEvaluations(outcomes(rows, evaluation.evaluatedIds, evaluation.changes));
        return {
          evaluatedIds: evaluation.evaluatedIds,
          created: await applyEvaluation(t, evaluation.evaluatedIds, evaluation.changes, actor()),
        };
      });
      await deliver(created);
      return { evaluated: evaluatedIds.length, fired: created.length, nextAfterId: null };
    },

    /** What the bill reminder needs to plan its timers. Null when the bill is gone. */
    async loadBill(input: { orgId: string; billId: string }) {
      const bill = await bills.getBill(db, input.orgId, input.billId);
      if (!bill) return null;
      const [customer, rules] = await Promise.all([
        getCustomer(db, input.orgId, bill.customer_id),
        bills.billRules(db, input.orgId, input.billId),
      ]);
      const timezone = customer?.timezone ?? 'UTC';
      return {
        status: bill.status,
        dueDate: bill.next_due_date,
        paid: bill.paid_through !== null && bill.paid_through >= bill.next_due_date,
        timezone,
        reminders: rules.map((r) => ({
          ruleId: r.id,
          daysBefore: r.days_before,
          notified: r.last_due_date_notified === bill.next_due_date,
        })),
      };
    },

    /**
     * Reminds the customer of the bill due on `dueDate` for one rule, once: checked again here
     * (still due, not paid, rule still on), written with its dedup key in one transaction.
     */
    async sendBillReminder(input: {
      orgId: string;
      billId: string;
      ruleId: string;
      dueDate: string;
      today: string;
    }): Promise<{ notificationId: string | null }> {
      const created = await db.transaction(async (t) => {
        const bill = await bills.getBill(t, input.orgId, input.billId);
        if (!bill || bill.status !== 'active' || bill.next_due_date !== input.dueDate) return [];
        if (bill.paid_through !== null && bill.paid_through >= input.dueDate) return [];
        const rule = await lockBillReminderRule(t, input.orgId, input.ruleId, input.billId);
        if (!rule) return [];
        const result = evaluateUpcomingBill(
          { ...rule, alert_type: 'upcoming_bill' } as unknown as Rule<'upcoming_bill'>,
          {
            id: bill.id,
            name: bill.name,
            amount: bill.amount,
            currency: bill.currency,
            due_date: bill.next_due_date,
          },
          input.today,
        );
        if (!result.fire) return [];
        return applyEvaluation(
          t,
          [rule.id],
          [
            {
              ruleId: rule.id,
              orgId: input.orgId,
              metadata: result.metadata,
              notification: {
                customerId: bill.customer_id,
                ...result.fire,
                channels: ruleChannels(rule),
                dedupKey: result.fire.dedupKey,
              },
            },
          ],
          actor(),
        );
      });
      await deliver(created);
      return { notificationId: created[0]?.subject_id ?? null };
    },

    /** The occurrence due on `dueDate` is over: move to the next one, or complete a one-off bill. */
    async advanceBill(input: { orgId: string; billId: string; dueDate: string }) {
      const bill = await bills.getBill(db, input.orgId, input.billId);
      if (!bill) return { status: 'gone' as const, nextDueDate: null };
      const next = nextDueDate(input.dueDate, bill.recurrence, bill.first_due_date);
      const moved = await bills.advanceBill(db, input.orgId, input.billId, input.dueDate, next);
      const now = moved ?? bill;
      return { status: now.status, nextDueDate: now.status === 'active' ? now.next_due_date : null };
    },
  };
}
