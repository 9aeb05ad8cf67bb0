import { appendAudit } from '../platform/audit.js';
import { emitEvent } from '../platform/events.js';
import type { Db, Queryable } from '../pool.js';
import * as alerts from './alerts.js';
import * as cases from './cases.js';

/**
 * What an operator does to an alert, in one transaction each: the alert, its case and timeline,
 * the event stream and the audit trail. Used by the triage workflow's update handlers (through
 * activities) and by the API for alerts that have no triage run. `key` (the update id, made by
 * the server: api/idempotency.ts commandKey) makes a retried activity write nothing twice.
 */
export type Actor = { type: 'user' | 'api_key' | 'workflow'; id: string };

export const alertView = (a: alerts.AlertRow) => {
  const { org_id: _org, priority_rank: _rank, ...rest } = a;
  return rest;
};

const streams = (caseId: string | null | undefined) => (caseId ? ['alerts', `case:${caseId}`] : ['alerts']);

export class AlertStateError extends Error {}

/** One operator action on the record: case timeline (when there is a case), `alert_updated` on the streams, audit. */
async function recordAlertAction(
  t: Queryable,
  orgId: string,
  a: {
    alert: alerts.AlertRow;
    caseId: string | null | undefined;
    caseEvent: string;
    data: Record<string, unknown>;
    changes: string[];
    audit: { action: string; after: unknown };
    actor: Actor;
    key: string;
  },
): Promise<void> {
  if (a.caseId) {
    await cases.appendCaseEvent(t, orgId, {
      case_id: a.caseId,
      type: a.caseEvent,
      actor: a.actor.id,
      data: a.data,
      dedup_key: `${a.caseEvent}:${a.key}`,
    });
  }
  await emitEvent(t, {
    orgId,
    streams: streams(a.caseId),
    type: 'alert_updated',
    payload: { alert: alertView(a.alert), changes: a.changes },
    dedupKey: `${a.caseEvent}:${a.key}`,
  });
  await appendAudit(t, {
    orgId,
    actorType: a.actor.type,
    actorId: a.actor.id,
    action: a.audit.action,
    resourceType: 'alert',
    resourceId: a.alert.id,
    after: a.audit.after,
    dedupKey: `${a.audit.action}:${a.key}`,
  });
}

export function assignAlert(
  db: Db,
  orgId: string,
  i: { alertId: string; agent: string; actor: Actor; key: string },
) {
  return db.transaction(async (t) => {
    const alert = await alerts.assignAlert(t, orgId, i.alertId, i.agent);
    if (!alert) throw new AlertStateError('the alert is already resolved');
    const kase = await cases.getCaseByAlert(t, orgId, i.alertId);
    if (kase) await cases.updateCase(t, orgId, kase.id, { assigned_agent: i.agent });
    await recordAlertAction(t, orgId, {
      alert,
      caseId: kase?.id,
      caseEvent: 'assigned',
      data: { agent: i.agent },
      changes: ['assigned_agent', 'status'],
      audit: { action: 'alert.assigned', after: { assigned_agent: i.agent } },
      actor: i.actor,
      key: i.key,
    });
    return alert;
  });
}

export function resolveAlert(
  db: Db,
  orgId: string,
  i: {
    alertId: string;
    resolution: string;
    actions_taken: unknown[];
    outcome?: cases.CaseRow['outcome'] | undefined;
    actor: Actor;
    key: string;
  },
) {
  return db.transaction(async (t) => {
    const alert = await alerts.resolveAlert(t, orgId, i.alertId, {
      resolution: i.resolution,
      actions_taken: i.actions_taken,
    });
    if (!alert) throw new AlertStateError('the alert is already resolved or closed');
    const outcome = i.outcome ?? 'inconclusive';
    const kase = await cases.getCaseByAlert(t, orgId, i.alertId);
    if (kase) await cases.updateCase(t, orgId, kase.id, { status: 'closed', outcome });
    await recordAlertAction(t, orgId, {
      alert,
      caseId: kase?.id,
      caseEvent: 'resolved',
      data: { resolution: i.resolution, outcome, actions_taken: i.actions_taken },
      changes: ['status', 'resolution'],
      audit: { action: 'alert.resolved', after: { resolution: i.resolution, outcome } },
      actor: i.actor,
      key: i.key,
    });
    return alert;
  });
}

export function addCaseNote(
  db: Db,
  orgId: string,
  i: { caseId: string; note: string; actor: Actor; key: string },
) {
  return db.transaction(async (t) => {
    await cases.appendCaseEvent(t, orgId, {
      case_id: i.caseId,
      type: 'note_added',
      actor: i.actor.id,
      data: { note: i.note },
      dedup_key: `note:${i.key}`,
    });
    await emitEvent(t, {
      orgId,
      streams: [`case:${i.caseId}`],
      type: 'note_added',
      payload: { case_id: i.caseId, note: i.note, actor: i.actor.id },
      dedupKey: `note:${i.key}`,
    });
    await appendAudit(t, {
      orgId,
      actorType: i.actor.type,
      actorId: i.actor.id,
      action: 'case.note_added',
      resourceType: 'case',
      resourceId: i.caseId,
      after: { note: i.note },
      dedupKey: `case.note_added:${i.key}`,
    });
  });
}

/** Reopens a closed case: investigating again, its alert open again, the reopen counted and on the timeline. */
export function reopenCase(
  db: Db,
  orgId: string,
  i: { caseId: string; reason: string; actor: Actor; key: string },
) {
  return db.transaction(async (t) => {
    const kase = await cases.reopenCase(t, orgId, i.caseId);
    if (!kase) throw new AlertStateError('only a closed case can be reopened');
    const alert = await alerts.reopenAlert(t, orgId, kase.alert_id);
    await cases.appendCaseEvent(t, orgId, {
      case_id: kase.id,
      type: 'reopened',
      actor: i.actor.id,
      data: { reason: i.reason, reopened_count: kase.reopened_count },
      dedup_key: `reopen:${i.key}`,
    });
    await emitEvent(t, {
      orgId,
      streams: streams(kase.id),
      type: 'alert_updated',
      payload: {
        alert: alert ? alertView(alert) : { id: kase.alert_id },
        changes: ['status'],
        reopened: true,
      },
      dedupKey: `reopen:${i.key}`,
    });
    await appendAudit(t, {
      orgId,
      actorType: i.actor.type,
      actorId: i.actor.id,
      action: 'case.reopened',
      resourceType: 'case',
      resourceId: kase.id,
      after: { reason: i.reason },
      dedupKey: `case.reopened:${i.key}`,
    });
    return kase;
  });
}
