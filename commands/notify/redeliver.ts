import type { Db } from '../../db/pool.js';
import * as deliveries from '../../db/notify/deliveries.js';
import { queueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { redeliverWorkflowId } from '../../workflows/notify/ids.js';
import { audit, type CommandActor } from '../audited.js';

/** At most this many deliveries per bulk request; the rest wait for the next one. */
export const REDELIVER_MAX = 500;

export type Redelivery = { delivery: deliveries.FailedDeliveryRow; workflow_id: string };

/**
 * Sends failed deliveries again: each goes back to pending, owed a run of its own
 * (`redeliver-<id>-<n>`) in the same transaction, and audited. A delivery whose notification was
 * archived (retention) is left alone. Dry run: the deliveries it would send, nothing changed.
 */
async function redeliver(
  db: Db,
  orgId: string,
  select: deliveries.FailedFilter & { id?: string; limit: number },
  o: { dryRun: boolean; by: CommandActor },
): Promise<{ redeliveries: Redelivery[]; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const rows = (await deliveries.lockFailed(t, orgId, select)).filter((d) => d.kind !== null);
    if (o.dryRun) {
      const redeliveries = rows.map((d) => ({
        delivery: d,
        workflow_id: redeliverWorkflowId(d.id, d.redeliveries + 1),
      }));
      return { redeliveries, starts: [] };
    }
    const numbers = new Map(
      (
        await deliveries.markRedelivering(
          t,
          orgId,
          rows.map((d) => d.id),
        )
      ).map((r) => [r.id, r.redeliveries]),
    );
    const redeliveries = rows.map((d) => ({
      delivery: d,
      workflow_id: redeliverWorkflowId(d.id, numbers.get(d.id)!),
    }));
    const starts: PendingStart[] = redeliveries.map(({ delivery: d, workflow_id }) => ({
      workflow_id,
      org_id: orgId,
      kind: 'redelivery',
      subject_id: d.id,
      customer_id: d.customer_id,
      priority: null,
      input: { channel: d.channel, n: numbers.get(d.id)! },
    }));
    await queueStarts(t, starts);
    for (const { delivery: d, workflow_id } of redeliveries) {
      await audit(t, orgId, o.by, {
        action: 'delivery.redelivered',
        resourceType: 'notification_delivery',
        resourceId: d.id,
        before: { status: d.status, error_code: d.error_code, error_text: d.error_text },
        after: { status: 'pending', workflow_id },
      });
    }
    return { redeliveries, starts };
  });
}

/** One failed delivery sent again. */
export async function redeliverDelivery(
  db: Db,
  orgId: string,
  id: string,
  by: CommandActor,
): Promise<{ redelivery: Redelivery; starts: PendingStart[] }> {
  const { redeliveries, starts } = await redeliver(db, orgId, { id, limit: 1 }, { dryRun: false, by });
  const redelivery = redeliveries[0];
  if (!redelivery) {
    const d = await deliveries.getDelivery(db, orgId, id);
    if (!d) throw new NotFoundError('delivery');
    throw new ConflictError(
      d.status === 'failed'
        ? 'The notification of this delivery is no longer kept, or another request is sending it again'
        : `Only a failed delivery can be sent again; this one is ${d.status}`,
    );
  }
  return { redelivery, starts };
}

/** The failed deliveries a filter selects, sent again (or, on a dry run, listed). */
export function redeliverFailed(
  db: Db,
  orgId: string,
  filter: deliveries.FailedFilter,
  o: { dryRun: boolean; limit: number; by: CommandActor },
): Promise<{ redeliveries: Redelivery[]; starts: PendingStart[] }> {
  return redeliver(db, orgId, { ...filter, limit: Math.min(o.limit, REDELIVER_MAX) }, o);
}
