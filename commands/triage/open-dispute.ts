import type { Db } from '../../db/pool.js';
import { queueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { getCaseByTransaction } from '../../db/triage/cases.js';
import * as disputes from '../../db/triage/disputes.js';
import { getTransaction } from '../../db/triage/transactions.js';
import { NotFoundError, UnprocessableError } from '../../lib/domain-errors.js';
import type { Actor } from '../../workflows/platform/actor.js';
import { submitByDeadline, type DisputeReason } from '../../workflows/triage/dispute-rules.js';
import { disputeWorkflowId } from '../../workflows/triage/ids.js';
import { record } from '../record.js';

/**
 * Opens the issuer-side dispute of a transaction, once per transaction: the row, its timeline
 * entry, the audit row, and its lifecycle workflow owed in the same transaction (the caller
 * dispatches `starts` after the commit; the sweeper makes any start that fails). A second call
 * returns the first dispute. Called by the API and by the contact agent when the customer
 * denies a payment. A passed submit-by deadline is an UnprocessableError.
 */
export async function openDispute(
  db: Db,
  orgId: string,
  d: {
    transactionId: string;
    reason: DisputeReason;
    evidence: unknown[];
    actor: Actor;
    /** The triage's case, when the caller knows it; else the case of the transaction's alert. */
    caseId?: string | null;
    now?: number;
  },
): Promise<{ row: disputes.DisputeRow; created: boolean; starts: PendingStart[] }> {
  const tx = await getTransaction(db, orgId, d.transactionId);
  if (!tx) throw new NotFoundError('transaction');
  const submitBy = submitByDeadline(tx.transaction_date, d.reason);
  return db.transaction(async (t) => {
    const caseId =
      d.caseId !== undefined ? d.caseId : ((await getCaseByTransaction(t, orgId, tx.id))?.id ?? null);
    const existing = await disputes.openDispute(t, orgId, {
      transaction_id: tx.id,
      customer_id: tx.customer_id,
      case_id: caseId,
      reason: d.reason,
      amount: tx.amount.replace('-', ''),
      evidence: d.evidence,
      submit_by: submitBy,
    });
    if (!existing.created) return { ...existing, starts: [] };
    if (Date.parse(submitBy) <= (d.now ?? Date.now())) {
      throw new UnprocessableError(`The submit-by deadline (${submitBy}) has passed`);
    }
    const { row } = existing;
    await record(t, {
      orgId,
      caseId,
      type: 'dispute_opened',
      actor: d.actor,
      data: {
        dispute_id: row.id,
        transaction_id: row.transaction_id,
        status: row.status,
        reason: row.reason,
        submit_by: row.submit_by,
      },
      key: row.id,
      stream: {
        type: 'action_completed',
        payload: {
          action: 'dispute_opened',
          result: { dispute_id: row.id, status: row.status, submit_by: row.submit_by },
          dispute_id: row.id,
          transaction_id: row.transaction_id,
          reason: row.reason,
        },
      },
      audit: {
        action: 'dispute.opened',
        resourceType: 'dispute',
        resourceId: row.id,
        after: { reason: row.reason, amount: row.amount, submit_by: row.submit_by },
      },
    });
    const starts: PendingStart[] = [
      {
        workflow_id: disputeWorkflowId(row.id),
        org_id: orgId,
        kind: 'dispute',
        subject_id: row.id,
        customer_id: row.customer_id,
        priority: null,
        input: { submit_by: row.submit_by },
      },
    ];
    await queueStarts(t, starts);
    return { row, created: true, starts };
  });
}
