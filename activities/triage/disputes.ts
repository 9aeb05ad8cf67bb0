import { appendAudit } from '../../db/platform/audit.js';
import { emitEvent } from '../../db/platform/events.js';
import { appendCaseEvent } from '../../db/triage/cases.js';
import * as disputes from '../../db/triage/disputes.js';
import type { Queryable } from '../../db/pool.js';
import { actorOf, type TriageDeps } from './deps.js';

async function record(
  t: Queryable,
  d: disputes.DisputeRow,
  type: string,
  actor: string,
  data: Record<string, unknown>,
  key: string,
) {
  const payload = { dispute_id: d.id, transaction_id: d.transaction_id, status: d.status, ...data };
  await emitEvent(t, {
    orgId: d.org_id,
    streams: d.case_id ? ['alerts', `case:${d.case_id}`] : ['alerts'],
    type,
    payload,
    dedupKey: key,
  });
  if (d.case_id) {
    await appendCaseEvent(t, d.org_id, { case_id: d.case_id, type, actor, data: payload, dedup_key: key });
  }
}

/** The issuer's side of a dispute's lifecycle; each step moves the row once. */
export function createDisputeActivities({ db }: TriageDeps) {
  const transition = (
    orgId: string,
    disputeId: string,
    from: disputes.DisputeRow['status'][],
    to: disputes.DisputeRow['status'],
    actor: string,
    type: string,
    evidence?: unknown[],
  ) =>
    db.transaction(async (t) => {
      const row = await disputes.transitionDispute(t, orgId, disputeId, {
        from,
        to,
        ...(evidence && { evidence }),
      });
      if (row) {
        await record(t, row, type, actor, {}, `${type}:${disputeId}`);
        // Submissions and outcomes move money between issuer and network: on the audit trail.
        const who = actor === 'system' ? { type: 'system' as const, id: 'disputeLifecycle' } : actorOf(actor);
        await appendAudit(t, {
          orgId,
          actorType: who.type,
          actorId: who.id,
          action: type.replace('dispute_', 'dispute.'),
          resourceType: 'dispute',
          resourceId: disputeId,
          before: { status: from },
          after: { status: to, ...(evidence && { evidence_items: evidence.length }) },
          dedupKey: `${type}:${disputeId}`,
        });
      }
      return row?.status ?? (await disputes.getDispute(t, orgId, disputeId))?.status ?? null;
    });

  return {
    async disputeReminder(input: { orgId: string; disputeId: string; daysLeft: number }) {
      const d = await disputes.getDispute(db, input.orgId, input.disputeId);
      if (!d || d.status !== 'unsubmitted') return;
      await db.transaction((t) =>
        record(
          t,
          d,
          'dispute_deadline_approaching',
          'system',
          { days_left: input.daysLeft, submit_by: d.submit_by },
          `dispute_reminder:${d.id}:${input.daysLeft}`,
        ),
      );
    },
    submitDispute: (input: { orgId: string; disputeId: string; evidence: unknown[]; actor: string }) =>
      transition(
        input.orgId,
        input.disputeId,
        ['unsubmitted'],
        'submitted',
        input.actor,
        'dispute_submitted',
        input.evidence,
      ),
    resolveDispute: (input: { orgId: string; disputeId: string; result: 'won' | 'lost'; actor: string }) =>
      transition(
        input.orgId,
        input.disputeId,
        ['submitted'],
        input.result,
        input.actor,
        `dispute_${input.result}`,
      ),
    expireDispute: (input: { orgId: string; disputeId: string }) =>
      transition(input.orgId, input.disputeId, ['unsubmitted'], 'expired', 'system', 'dispute_expired'),
  };
}
