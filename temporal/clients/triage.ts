import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { taskPriority, triagePriorityLevel } from '../../workflows/priority.js';
import { AlertId, CustomerId, Domain, OrgId, Priority } from '../../workflows/search-attributes.js';
import type { alertTriage } from '../../workflows/triage/alert-triage.js';
import { triageWorkflowId } from '../../workflows/triage/ids.js';
import { alertEvidenceSignal, type AlertEvidence } from '../../workflows/triage/messages.js';
import { API_RPC_DEADLINE_MS } from '../start.js';
import { taskQueue } from '../task-queues.js';

export type TriageStart = {
  orgId: string;
  alertId: string;
  customerId: string;
  priority: string;
  agents?: string[] | undefined;
};

/**
 * Starts `triage-alert-<alertId>`: one triage per alert, ever. A running one answers for itself
 * (USE_EXISTING); a finished one is never run again. Returns the first run's id when this call
 * started it, null when the triage already existed.
 */
export async function startTriage(
  client: Client,
  t: TriageStart,
  o: { prefix?: string | undefined; deadlineMs?: number } = {},
): Promise<{ workflowId: string; runId: string | null }> {
  const workflowId = triageWorkflowId(t.alertId);
  try {
    const handle = await client.connection.withDeadline(
      Date.now() + (o.deadlineMs ?? API_RPC_DEADLINE_MS),
      () =>
        client.workflow.start<typeof alertTriage>('alertTriage', {
          workflowId,
          taskQueue: taskQueue('triage', o.prefix),
          args: [{ orgId: t.orgId, alertId: t.alertId, ...(t.agents && { agents: t.agents }) }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          priority: taskPriority(triagePriorityLevel(t.priority), t.orgId),
          typedSearchAttributes: [
            { key: OrgId, value: t.orgId },
            { key: AlertId, value: t.alertId },
            { key: CustomerId, value: t.customerId },
            { key: Priority, value: t.priority },
            { key: Domain, value: 'triage' },
          ],
        }),
    );
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, runId: null };
    throw err;
  }
}

/**
 * Tells a running triage that new transactions joined its alert (live progress only: the
 * evidence is in Postgres already). False when no triage is running.
 */
export async function signalTriageEvidence(
  client: Client,
  alertId: string,
  evidence: AlertEvidence,
  o: { deadlineMs?: number } = {},
): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + (o.deadlineMs ?? API_RPC_DEADLINE_MS), () =>
      client.workflow.getHandle(triageWorkflowId(alertId)).signal(alertEvidenceSignal, evidence),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
