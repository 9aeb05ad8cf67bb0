import type { Db } from '../../db/pool.js';
import * as alerts from '../../db/triage/alerts.js';
import * as cases from '../../db/triage/cases.js';
import { ConflictError } from '../../lib/domain-errors.js';
import type { Actor } from '../../workflows/platform/actor.js';
import { record } from '../record.js';

/** Reopens a closed case: investigating again, its alert open again, the reopen counted and on the timeline. */
export function reopenCase(
  db: Db,
  orgId: string,
  i: { caseId: string; reason: string; actor: Actor; key: string },
): Promise<cases.CaseRow> {
  return db.transaction(async (t) => {
    const kase = await cases.reopenCase(t, orgId, i.caseId);
    if (!kase) throw new ConflictError('only a closed case can be reopened');
    const alert = await alerts.reopenAlert(t, orgId, kase.alert_id);
    await record(t, {
      orgId,
      caseId: kase.id,
      type: 'reopened',
      actor: i.actor,
      data: { reason: i.reason, reopened_count: kase.reopened_count },
      key: i.key,
      stream: {
        type: 'alert_updated',
        payload: {
          alert: alert ? alerts.alertView(alert) : { id: kase.alert_id },
          changes: ['status'],
          reopened: true,
        },
      },
      audit: {
        action: 'case.reopened',
        resourceType: 'case',
        resourceId: kase.id,
        after: { reason: i.reason },
      },
    });
    return kase;
  });
}
