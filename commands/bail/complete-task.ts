import { completeBailTask, type BailTaskRow } from '../../db/bail/tasks.js';
import type { Db } from '../../db/pool.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audited, type CommandActor } from '../audited.js';

/** Marks an agent's task done (done again is the same answer). */
export async function completeTask(
  db: Db,
  orgId: string,
  id: string,
  by: CommandActor,
): Promise<BailTaskRow> {
  const row = await audited(
    db,
    orgId,
    by,
    (t) => completeBailTask(t, orgId, id),
    (r) => ({ action: 'bail.task.done', resourceType: 'bail_task', resourceId: r.id }),
  );
  if (!row) throw new NotFoundError('task');
  return row;
}
