import * as bonds from '../../db/bail/bonds.js';
import { closeFailureTasks } from '../../db/bail/tasks.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { courtRemindersStart } from './court-start.js';

/**
 * Sets aside a failure to appear (the defendant surrendered or the court reinstated the bond):
 * the grace period ends without forfeiture and its open tasks are done.
 */
export async function reinstateBond(
  db: Db,
  orgId: string,
  bondId: string,
  reason: string,
  by: CommandActor,
): Promise<{ bond: bonds.BondRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const bond = await bonds.lockBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    if (!bond.failure_to_appear_at || bond.status !== 'active')
      throw new ConflictError('The bond has no failure to appear to set aside');
    const row = await bonds.setFailureToAppear(t, orgId, bondId, null);
    await closeFailureTasks(t, orgId, bondId);
    await audit(t, orgId, by, {
      action: 'bail.bond.reinstated',
      resourceType: 'bond',
      resourceId: bondId,
      before: { failure_to_appear_at: bond.failure_to_appear_at, forfeiture_due_at: bond.forfeiture_due_at },
      after: { reason },
    });
    await bailEvent(t, orgId, 'bond.reinstated', { bond_id: bondId });
    const starts = [courtRemindersStart(orgId, row, { type: 'reinstated' })];
    await requeueStarts(t, starts);
    return { bond: row, starts };
  });
}
