import type { Db } from '../../db/pool.js';
import * as goals from '../../db/rules/goals.js';
import { audited, type CommandActor } from '../audited.js';
import { checkCustomerReference } from '../customers/customer-reference.js';

/** Sets a savings goal for a customer. */
export async function createGoal(
  db: Db,
  orgId: string,
  g: goals.GoalInput,
  by: CommandActor,
): Promise<goals.GoalRow> {
  await checkCustomerReference(db, orgId, g.customer_id);
  return (await audited(
    db,
    orgId,
    by,
    (t) => goals.createGoal(t, orgId, g),
    (row) => ({ action: 'goal.created', resourceType: 'goal', resourceId: row.id }),
  ))!;
}
