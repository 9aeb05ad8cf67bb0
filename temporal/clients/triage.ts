import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ConflictError, UnprocessableError } from '../../lib/domain-errors.js';
import { taskPriority, triagePriorityLevel } from '../../workflows/priority.js';
import { AlertId, CustomerId, Domain, OrgId, Priority } from '../../workflows/search-attributes.js';
import type { alertTriage } from '../../workflows/triage/alert-triage.js';
import type { cardFreeze } from '../../workflows/triage/card-freeze.js';
import type { disputeLifecycle } from '../../workflows/triage/dispute-lifecycle.js';
import { cardFreezeWorkflowId, disputeWorkflowId, triageWorkflowId } from '../../workflows/triage/ids.js';
import {
  addNoteUpdate,
  alertEvidenceSignal,
  assignUpdate,
  disputeOutcomeSignal,
  freezeUpdate,
  resolveUpdate,
  submitDisputeSignal,
  unfreezeSignal,
  type AlertEvidence,
  type AssignInput,
  type CardFreezeState,
  type FreezeRequest,
  type NoteInput,
  type ResolveInput,
  type UnfreezeRequest,
} from '../../workflows/triage/messages.js';
import { taskQueue } from '../task-queues.js';
import { withDeadline, type StartOptions } from './deadline.js';

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
  o: StartOptions = {},
): Promise<{ workflowId: string; runId: string | null }> {
  const workflowId = triageWorkflowId(t.alertId);
  try {
    const handle = await withDeadline(client, o, () =>
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
    await withDeadline(client, o, () =>
      client.workflow.getHandle(triageWorkflowId(alertId)).signal(alertEvidenceSignal, evidence),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const TRIAGE_UPDATES = { assign: assignUpdate, resolve: resolveUpdate, addNote: addNoteUpdate };
type TriageCommand =
  | { name: 'assign'; input: AssignInput }
  | { name: 'resolve'; input: ResolveInput }
  | { name: 'addNote'; input: NoteInput };

/**
 * Sends an operator's command to the alert's running triage as an update (its validator and
 * state apply; the key is the update id, so a retry applies once). False when no triage runs:
 * the caller then applies the same command directly. A refusal is a ConflictError.
 */
export async function sendTriageCommand(
  client: Client,
  alertId: string,
  command: TriageCommand,
  key: string,
  o: { deadlineMs?: number } = {},
): Promise<boolean> {
  const handle = client.workflow.getHandle(triageWorkflowId(alertId));
  try {
    await withDeadline(client, o, () =>
      handle.executeUpdate(TRIAGE_UPDATES[command.name] as typeof assignUpdate, {
        args: [command.input as AssignInput],
        updateId: key,
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw new ConflictError(err.cause?.message ?? 'The triage refused the command');
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * Freezes a card through its `card-freeze-<cardId>` workflow: starts it, or sends the request to
 * the running one (a second freeze updates the running freeze). Answers once the card is frozen
 * in Postgres. The request id is the update id, so a retried request freezes once. A freeze the
 * workflow refuses is an UnprocessableError.
 */
export async function requestCardFreeze(
  client: Client,
  f: { orgId: string; cardId: string; customerId: string; request: FreezeRequest },
  o: StartOptions = {},
): Promise<CardFreezeState> {
  const start = new WithStartWorkflowOperation<typeof cardFreeze>('cardFreeze', {
    workflowId: cardFreezeWorkflowId(f.cardId),
    taskQueue: taskQueue('triage', o.prefix),
    args: [{ orgId: f.orgId, cardId: f.cardId }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: OrgId, value: f.orgId },
      { key: CustomerId, value: f.customerId },
      { key: Domain, value: 'triage' },
    ],
  });
  try {
    return await withDeadline(client, o, () =>
      client.workflow.executeUpdateWithStart(freezeUpdate, {
        args: [f.request],
        updateId: f.request.requestId,
        startWorkflowOperation: start,
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw new UnprocessableError(err.cause?.message ?? 'The freeze was refused');
    throw err;
  }
}

/**
 * Asks the card's freeze workflow to lift its freeze (or only the hold named). False when no
 * freeze workflow runs: a frozen card without one is unfrozen directly (commands/triage/unfreeze-card.ts).
 */
export async function requestCardUnfreeze(
  client: Client,
  cardId: string,
  request: UnfreezeRequest,
  o: { deadlineMs?: number } = {},
): Promise<boolean> {
  try {
    await withDeadline(client, o, () =>
      client.workflow.getHandle(cardFreezeWorkflowId(cardId)).signal(unfreezeSignal, request),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Starts `dispute-<disputeId>` once; a start already made (a retry, the sweeper) finds the first. */
export async function startDispute(
  client: Client,
  d: { orgId: string; disputeId: string; customerId: string; submitBy: string },
  o: StartOptions = {},
): Promise<void> {
  try {
    await withDeadline(client, o, () =>
      client.workflow.start<typeof disputeLifecycle>('disputeLifecycle', {
        workflowId: disputeWorkflowId(d.disputeId),
        taskQueue: taskQueue('triage', o.prefix),
        args: [{ orgId: d.orgId, disputeId: d.disputeId, submitBy: d.submitBy }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: OrgId, value: d.orgId },
          { key: CustomerId, value: d.customerId },
          { key: Domain, value: 'triage' },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

type DisputeMessage =
  | { name: 'submit'; input: { evidence: unknown[]; actor: string } }
  | { name: 'outcome'; input: { result: 'won' | 'lost'; actor: string } };

/** Sends a submission or the network's decision to a dispute's workflow; a closed dispute is a ConflictError. */
export async function signalDispute(
  client: Client,
  disputeId: string,
  m: DisputeMessage,
  o: { deadlineMs?: number } = {},
): Promise<void> {
  const handle = client.workflow.getHandle(disputeWorkflowId(disputeId));
  try {
    await withDeadline(client, o, () =>
      m.name === 'submit'
        ? handle.signal(submitDisputeSignal, m.input)
        : handle.signal(disputeOutcomeSignal, m.input),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ConflictError('The dispute is already closed');
    throw err;
  }
}
