import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';
import type { AlertRuleInput } from '../../db/rules/alert-rules.js';
import * as bills from '../../db/rules/bills.js';
import { ownedByCustomer } from '../../db/rules/targets.js';
import { InvalidReferenceError } from '../../lib/domain-errors.js';
import { notifyBillReminder } from '../../temporal/clients/rules.js';
import { checkCustomerReference } from '../customers/customer-reference.js';

export type AlertRuleDeps = { db: Db; temporal: Client; taskQueuePrefix?: string | undefined };

const TARGETS = [
  ['account_id', 'accounts', 'account'],
  ['goal_id', 'goals', 'goal'],
  ['budget_id', 'budgets', 'budget'],
  ['bill_id', 'bills', 'bill'],
] as const;

/** A rule's target must be the customer's own account, goal, budget or bill (400 naming the field). */
export async function checkRuleTargets(db: Db, orgId: string, r: AlertRuleInput): Promise<void> {
  await checkCustomerReference(db, orgId, r.customer_id);
  for (const [field, table, what] of TARGETS) {
    const id = r.conditions[field];
    if (typeof id !== 'string') continue;
    if (!(await ownedByCustomer(db, orgId, table, id, r.customer_id)))
      throw new InvalidReferenceError(`body.conditions.${field}`, `no such ${what} for this customer`);
  }
}

/** An upcoming_bill rule's bill re-plans its reminders when the rule changes (after the commit). */
export async function replanBill(deps: AlertRuleDeps, orgId: string, billId: string | null): Promise<void> {
  if (!billId) return;
  const bill = await bills.getBill(deps.db, orgId, billId);
  if (bill?.status === 'active')
    await notifyBillReminder(deps.temporal, bill, 'updated', { prefix: deps.taskQueuePrefix });
}
