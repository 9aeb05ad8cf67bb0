import { listIndemnitors, type BondRow } from '../../db/bail/bonds.js';
import { createNotification } from '../../db/notify/notifications.js';
import { emitEvents } from '../../db/platform/events.js';
import type { Queryable } from '../../db/pool.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { deliverWorkflowId } from '../../workflows/notify/ids.js';

/**
 * Tells a bond's client and its indemnitors one thing through the notification engine (their own
 * channels, preferences and quiet hours; `critical` goes past quiet hours), once per person and
 * key. Returns the deliveries owed, for the caller to dispatch after its commit.
 */
export async function notifyBondParties(
  t: Queryable,
  orgId: string,
  bond: Pick<BondRow, 'id' | 'client_id' | 'bond_number'>,
  n: {
    kind: string;
    title: string;
    message: string;
    metadata: Record<string, unknown>;
    critical?: boolean;
    key: string;
    /** Only the client (a matter between the client and the agency, such as a failed charge). */
    clientOnly?: boolean;
  },
): Promise<PendingStart[]> {
  const people = [
    bond.client_id,
    ...(n.clientOnly ? [] : (await listIndemnitors(t, orgId, bond.id)).map((i) => i.customer_id)),
  ];
  const starts: PendingStart[] = [];
  for (const customerId of new Set(people)) {
    const { row, created } = await createNotification(t, orgId, {
      customer_id: customerId,
      source: 'bail',
      kind: n.kind,
      title: n.title,
      message: n.message,
      metadata: { ...n.metadata, bond_id: bond.id, bond_number: bond.bond_number },
      critical: n.critical ?? false,
      dedup_key: `${n.key}:${customerId}`,
    });
    if (created)
      starts.push({
        workflow_id: deliverWorkflowId(row.id),
        org_id: orgId,
        kind: 'delivery',
        subject_id: row.id,
        customer_id: customerId,
        priority: row.critical ? 'critical' : null,
      });
  }
  return starts;
}

/** A bail event on `/stream/bail` (no personal data: ids, statuses and times). */
export function bailEvent(
  t: Queryable,
  orgId: string,
  type: string,
  payload: Record<string, unknown>,
  dedupKey?: string,
): Promise<void> {
  return emitEvents(t, orgId, [{ streams: ['bail'], type, payload, ...(dedupKey && { dedupKey }) }]);
}
