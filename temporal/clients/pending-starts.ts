import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Db, Queryable } from '../../db/pool.js';
import {
  claimPendingStarts,
  markFailed,
  markStarted,
  pruneStarted,
  type PendingStart,
} from '../../db/platform/workflow-starts.js';
import type { CourtSignal } from '../../commands/bail/court-start.js';
import type { DocumentSignal } from '../../commands/bail/document-start.js';
import type { PlanSignal } from '../../commands/bail/plan-start.js';
import { tellCourtReminders, tellDocumentSigning, tellPaymentPlan } from './bail.js';
import { startContact, startDelivery, startRedelivery } from './notify.js';
import { startDispute, startTriage } from './triage.js';

/** After a commit, how long one start may wait on Temporal before the sweeper is left to make it. */
export const AFTER_COMMIT_DEADLINE_MS = 2_000;
const CONCURRENCY = 20;

/** Starts one owed workflow through its starter (the same id, queue and attributes as any other start). */
function startOne(client: Client, s: PendingStart, o: { prefix?: string | undefined; deadlineMs: number }) {
  switch (s.kind) {
    case 'triage':
      return startTriage(
        client,
        { orgId: s.org_id, alertId: s.subject_id, customerId: s.customer_id, priority: s.priority ?? 'high' },
        o,
      );
    case 'delivery':
      return startDelivery(
        client,
        {
          orgId: s.org_id,
          notificationId: s.subject_id,
          customerId: s.customer_id,
          critical: s.priority === 'critical',
        },
        o,
      );
    case 'redelivery':
      return startRedelivery(
        client,
        {
          orgId: s.org_id,
          deliveryId: s.subject_id,
          customerId: s.customer_id,
          channel: s.input?.channel === 'sms' ? 'sms' : 'email',
          n: Number(s.input?.n),
        },
        o,
      );
    case 'contact':
      return startContact(client, { orgId: s.org_id, contactId: s.subject_id, customerId: s.customer_id }, o);
    case 'dispute':
      return startDispute(
        client,
        {
          orgId: s.org_id,
          disputeId: s.subject_id,
          customerId: s.customer_id,
          submitBy: String(s.input?.submit_by),
        },
        o,
      );
    case 'court_reminders':
      return tellCourtReminders(
        client,
        { orgId: s.org_id, bondId: s.subject_id, clientId: s.customer_id },
        (s.input?.signal as CourtSignal | undefined) ?? { type: 'changed' },
        o,
      );
    case 'payment_plan':
      return tellPaymentPlan(
        client,
        { orgId: s.org_id, planId: s.subject_id, clientId: s.customer_id },
        (s.input?.signal as PlanSignal | undefined) ?? { type: 'started' },
        o,
      );
    case 'document_signing':
      return tellDocumentSigning(
        client,
        { orgId: s.org_id, documentId: s.subject_id, clientId: s.customer_id },
        (s.input?.signal as DocumentSignal | undefined) ?? { type: 'started' },
        o,
      );
  }
}

/**
 * Starts the workflows committed rows are owed, then marks them started. A start that fails
 * (Temporal unreachable, a deadline) stays owed: the start-pending sweeper makes it later under
 * the same id. Never throws for a failed start, so a request that stored its rows still answers.
 */
export async function dispatchStarts(
  client: Client,
  db: Queryable,
  starts: readonly PendingStart[],
  o: { prefix?: string | undefined; deadlineMs?: number; log?: Logger } = {},
): Promise<{ started: number; failed: number }> {
  const started: string[] = [];
  const failed: { workflowId: string; error: string }[] = [];
  const opts = { prefix: o.prefix, deadlineMs: o.deadlineMs ?? AFTER_COMMIT_DEADLINE_MS };
  for (let i = 0; i < starts.length; i += CONCURRENCY) {
    await Promise.all(
      starts.slice(i, i + CONCURRENCY).map(async (s) => {
        try {
          await startOne(client, s, opts);
          started.push(s.workflow_id);
        } catch (err) {
          failed.push({ workflowId: s.workflow_id, error: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  }
  if (failed.length)
    o.log?.warn({ failed: failed.length, first: failed[0] }, 'workflow starts left to the sweeper');
  try {
    await markStarted(db, started);
    await markFailed(db, failed);
  } catch (err) {
    // The workflows exist; a sweep finds them started (same ids) and marks them then.
    o.log?.warn({ err }, 'could not mark workflow starts');
  }
  return { started: started.length, failed: failed.length };
}

/**
 * The sweeper: starts every workflow still owed `olderThanSeconds` after its row committed (the
 * start after the commit failed, or the process died between the two), under the same ids, in
 * batches; stops early when Temporal refuses starts. Rows another sweeper holds are skipped.
 */
export async function sweepPendingStarts(
  client: Client,
  db: Db,
  o: {
    olderThanSeconds: number;
    batchSize?: number;
    maxBatches?: number;
    prefix?: string | undefined;
    log?: Logger;
  },
): Promise<{ started: number; failed: number; pruned: number }> {
  const batchSize = o.batchSize ?? 200;
  const totals = { started: 0, failed: 0, pruned: 0 };
  for (let i = 0; i < (o.maxBatches ?? 10); i++) {
    const r = await db.transaction(async (t) => {
      const rows = await claimPendingStarts(t, { olderThanSeconds: o.olderThanSeconds, limit: batchSize });
      const out = await dispatchStarts(client, t, rows, {
        prefix: o.prefix,
        deadlineMs: 5_000,
        ...(o.log && { log: o.log }),
      });
      return { ...out, claimed: rows.length };
    });
    totals.started += r.started;
    totals.failed += r.failed;
    if (r.claimed < batchSize || r.failed) break;
  }
  totals.pruned = await pruneStarted(db, 7);
  return totals;
}
