import type { Db } from '../../db/pool.js';
import * as budgets from '../../db/rules/budgets.js';
import { audited, type CommandActor } from '../audited.js';
import { checkCustomerReference } from '../customers/customer-reference.js';

/** Sets a spending budget for a customer. */
export async function createBudget(
  db: Db,
  orgId: string,
  b: budgets.BudgetInput,
  by: CommandActor,
): Promise<budgets.BudgetRow> {
  await checkCustomerReference(db, orgId, b.customer_id);
  return (await audited(
    db,
    orgId,
    by,
    (t) => budgets.createBudget(t, orgId, b),
    (row) => ({ action: 'budget.created', resourceType: 'budget', resourceId: row.id }),
  ))!;
}
