import type { Db } from '../../db/pool.js';
import * as budgets from '../../db/rules/budgets.js';
import { audited, type CommandActor } from '../audited.js';

/** Changes a budget; null when there is none. */
export function updateBudget(
  db: Db,
  orgId: string,
  id: string,
  change: Partial<Omit<budgets.BudgetInput, 'customer_id'>>,
  by: CommandActor,
): Promise<budgets.BudgetRow | null> {
  return audited(
    db,
    orgId,
    by,
    (t) => budgets.updateBudget(t, orgId, id, change),
    (row) => ({ action: 'budget.updated', resourceType: 'budget', resourceId: row.id }),
  );
}
