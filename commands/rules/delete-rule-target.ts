import type { Db } from '../../db/pool.js';
import { deleteWithRules } from '../../db/rules/targets.js';
import { audited, type CommandActor } from '../audited.js';

const TARGETS = {
  goal: { table: 'goals', column: 'goal_id' },
  budget: { table: 'budgets', column: 'budget_id' },
} as const;

/** Deletes a goal or a budget with the alert rules that watch it; false when there is none. */
export async function deleteRuleTarget(
  db: Db,
  orgId: string,
  kind: keyof typeof TARGETS,
  id: string,
  by: CommandActor,
): Promise<boolean> {
  const deleted = await audited(
    db,
    orgId,
    by,
    async (t) => ((await deleteWithRules(t, orgId, TARGETS[kind], id)) ? id : null),
    () => ({ action: `${kind}.deleted`, resourceType: kind, resourceId: id }),
  );
  return deleted !== null;
}
