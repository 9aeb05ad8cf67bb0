import type { Db } from '../../db/pool.js';
import * as alerts from '../../db/triage/alerts.js';
import * as cases from '../../db/triage/cases.js';
import { ConflictError } from '../../lib/domain-errors.js';
import type { Actor } from '../../workflows/platform/actor.js';
import type { CaseOutcome } from '../../workflows/triage/case-events.js';
import { record } from '../record.js';

/**
 * Resolves an alert and closes its case with an outcome, on the record once per key. Called by
 * the triage's update, by the contact agent when the customer confirms, and by the API for
 * alerts with no triage running. An alert already resolved or closed is a ConflictError.
 */
export function resolveAlert(
  db: Db,
  orgId: string,
  i: {
    alertId: string;
    resolution: string;
    actions_taken: unknown[];
    outcome?: CaseOutcome | undefined;
    actor: Actor;
    key: string;
  },
): Promise<alerts.AlertRow> {
  return db.transaction(async (t) => {
    const alert = await alerts.resolveAlert(t, orgId, i.alertId, {
      resolution: i.resolution,
      actions_taken: i.actions_taken,
    });
    if (!alert) throw new ConflictError('the alert is already resolved or closed');
    const outcome = i.outcome ?? 'inconclusive';
    const kase = await cases.getCaseByAlert(t, orgId, i.alertId);
    if (kase) await cases.updateCase(t, orgId, kase.id, { status: 'closed', outcome });
    await record(t, {
      orgId,
      caseId: kase?.id,
      type: 'resolved',
      actor: i.actor,
      data: { resolution: i.resolution, outcome, actions_taken: i.actions_taken },
      key: i.key,
      stream: {
        type: 'alert_updated',
        payload: { alert: alerts.alertView(alert), changes: ['status', 'resolution'] },
      },
      audit: {
        action: 'alert.resolved',
        resourceType: 'alert',
        resourceId: alert.id,
        after: { resolution: i.resolution, outcome },
      },
    });
    return alert;
  });
}
