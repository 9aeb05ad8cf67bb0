import { record } from '../../commands/record.js';
import * as disputes from '../../db/triage/disputes.js';
import { parseActor, type Actor } from '../../workflows/platform/actor.js';
import type { CaseEventType } from '../../workflows/triage/case-events.js';
import type { TriageActivities, TriageDeps } from './types.js';

const LIFECYCLE: Actor = { type: 'system', id: 'disputeLifecycle' };

/** The issuer's side of a dispute's lifecycle; each step moves the row once. */
export function createDisputeActivities({
  db,
}: TriageDeps): Pick<
  TriageActivities,
  'disputeReminder' | 'submitDispute' | 'resolveDispute' | 'expireDispute'
> {
  const payload = (d: disputes.DisputeRow, data: Record<string, unknown> = {}) => ({
    dispute_id: d.id,
    transaction_id: d.transaction_id,
    status: d.status,
    ...data,
  });

  const transition = (
    orgId: string,
    disputeId: string,
    from: disputes.DisputeRow['status'][],
    to: disputes.DisputeRow['status'],
    actor: Actor,
    type: CaseEventType,
    evidence?: unknown[],
  ) =>
    db.transaction(async (t) => {
      const row = await disputes.transitionDispute(t, orgId, disputeId, {
        from,
        to,
        ...(evidence && { evidence }),
      });
      if (row) {
        // Submissions and outcomes move money between issuer and network: on the audit trail.
        await record(t, {
          orgId,
          caseId: row.case_id,
          type,
          actor,
          data: payload(row),
          key: disputeId,
          audit: {
            action: type.replace('dispute_', 'dispute.'),
            resourceType: 'dispute',
            resourceId: disputeId,
            before: { status: from },
            after: { status: to, ...(evidence && { evidence_items: evidence.length }) },
          },
        });
      }
      return row?.status ?? (await disputes.getDispute(t, orgId, disputeId))?.status ?? null;
    });

  return {
    async disputeReminder(input) {
      const d = await disputes.getDispute(db, input.orgId, input.disputeId);
      if (!d || d.status !== 'unsubmitted') return;
      await db.transaction((t) =>
        record(t, {
          orgId: d.org_id,
          caseId: d.case_id,
          type: 'dispute_deadline_approaching',
          actor: LIFECYCLE,
          data: payload(d, { days_left: input.daysLeft, submit_by: d.submit_by }),
          key: `${d.id}:${input.daysLeft}`,
        }),
      );
    },
    submitDispute: (input) =>
      transition(
        input.orgId,
        input.disputeId,
        ['unsubmitted'],
        'submitted',
        parseActor(input.actor),
        'dispute_submitted',
        input.evidence,
      ),
    resolveDispute: (input) =>
      transition(
        input.orgId,
        input.disputeId,
        ['submitted'],
        input.result,
        parseActor(input.actor),
        input.result === 'won' ? 'dispute_won' : 'dispute_lost',
      ),
    expireDispute: (input) =>
      transition(input.orgId, input.disputeId, ['unsubmitted'], 'expired', LIFECYCLE, 'dispute_expired'),
  };
}
