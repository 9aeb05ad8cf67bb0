import type { Db, Queryable } from '../../db/pool.js';
import * as alerts from '../../db/triage/alerts.js';
import * as cases from '../../db/triage/cases.js';
import { ConflictError } from '../../lib/domain-errors.js';
import type { Actor } from '../../workflows/platform/actor.js';
import { record } from '../record.js';

/**
 * Assigns an alert (and its case) to an agent or team, on the record once per key (the update id
 * or the server-made command key). Called by the triage's update (through its activity) and by
 * the API for alerts with no triage running. A resolved alert is a ConflictError.
 */
export function assignAlert(
  db: Db,
  orgId: string,
  i: { alertId: string; agent: string; actor: Actor; key: string },
): Promise<alerts.AlertRow> {
  return db.transaction((t) => assignAlertIn(t, orgId, i));
}

/** assignAlert inside a transaction the caller holds. */
export async function assignAlertIn(
  t: Queryable,
  orgId: string,
  i: { alertId: string; agent: string; actor: Actor; key: string },
): Promise<alerts.AlertRow> {
  const alert = await alerts.assignAlert(t, orgId, i.alertId, i.agent);
  if (!alert) throw new ConflictError('the alert is already resolved');
  const kase = await cases.getCaseByAlert(t, orgId, i.alertId);
  if (kase) await cases.updateCase(t, orgId, kase.id, { assigned_agent: i.agent });
  await record(t, {
    orgId,
    caseId: kase?.id,
    type: 'assigned',
    actor: i.actor,
    data: { agent: i.agent },
    key: i.key,
    stream: {
      type: 'alert_updated',
      payload: { alert: alerts.alertView(alert), changes: ['assigned_agent', 'status'] },
    },
    audit: {
      action: 'alert.assigned',
      resourceType: 'alert',
      resourceId: alert.id,
      after: { assigned_agent: i.agent },
    },
  });
  return alert;
}
