import type { Db } from '../../db/pool.js';
import * as goals from '../../db/rules/goals.js';
import { audited, type CommandActor } from '../audited.js';

/** Changes a savings goal; null when there is none. */
export function updateGoal(
  db: Db,
  orgId: string,
  id: string,
  change: Partial<Omit<goals.GoalInput, 'customer_id'>>,
  by: CommandActor,
): Promise<goals.GoalRow | null> {
  return audited(
    db,
    orgId,
    by,
    (t) => goals.updateGoal(t, orgId, id, change),
    (row) => ({ action: 'goal.updated', resourceType: 'goal', resourceId: row.id }),
  );
}
