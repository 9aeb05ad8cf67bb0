import {
  condition,
  currentUpdateInfo,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OpenedTriage } from '../../activities/triage/types.js';
import { Priority as PriorityKey } from '../search-attributes.js';
import { acts } from './activity-options.js';
import { higherPriority } from './alert-grouping.js';
import {
  addNoteUpdate,
  alertEvidenceSignal,
  assignUpdate,
  resolveUpdate,
  triageProgressQuery,
  type AssignInput,
  type NoteInput,
  type ResolveInput,
  type TriageProgress,
} from './messages.js';

/** What the triage and its handlers share: progress, the opened case, and whether the alert is resolved. */
export type TriageState = {
  orgId: string;
  alertId: string;
  progress: TriageProgress;
  opened: OpenedTriage | undefined;
  resolved: boolean;
};

/**
 * Operators act on a running triage: assign, resolve and note as updates (each waits for the
 * case to exist, so one that arrives with the start is accepted, not refused); a burst's new
 * evidence as a signal. Registered before the first await.
 */
export function handleOperatorCommands(s: TriageState): void {
  const caseReady = async () => {
    await condition(() => s.opened !== undefined);
    return s.opened!;
  };
  // The update id keys the activity's writes, so a retried or repeated update writes once.
  const updateId = () => currentUpdateInfo()?.id ?? workflowInfo().runId;
  const notResolved = () => {
    if (s.resolved) throw new Error('the alert is already resolved');
  };
  const ids = { orgId: s.orgId, alertId: s.alertId };

  setHandler(triageProgressQuery, () => s.progress);
  setHandler(
    assignUpdate,
    async ({ agent, actor }: AssignInput) => {
      await caseReady();
      const r = await acts.assignAlert({ ...ids, agent, actor, updateId: updateId() });
      s.progress.assignedAgent = agent;
      return r;
    },
    {
      validator: ({ agent }: AssignInput) => {
        notResolved();
        if (!agent?.trim()) throw new Error('agent is required');
      },
    },
  );
  setHandler(
    resolveUpdate,
    async (r: ResolveInput) => {
      await caseReady();
      const out = await acts.resolveAlert({
        ...ids,
        resolution: r.resolution,
        actions_taken: r.actions_taken,
        outcome: r.outcome,
        actor: r.actor,
        updateId: updateId(),
      });
      s.resolved = true;
      s.progress.status = 'resolved';
      return out;
    },
    {
      validator: (r: ResolveInput) => {
        notResolved();
        if (!r.resolution?.trim()) throw new Error('a resolution is required');
      },
    },
  );
  setHandler(
    addNoteUpdate,
    async ({ note, actor }: NoteInput) => {
      const { caseId } = await caseReady();
      return acts.addCaseNote({ orgId: s.orgId, caseId, note, actor, updateId: updateId() });
    },
    {
      validator: ({ note }: NoteInput) => {
        if (!note?.trim()) throw new Error('a note is required');
      },
    },
  );

  // A burst joins this alert as it runs: progress shows it, and the priority may rise (never fall).
  // No run before this handler existed ever received the signal, so old histories replay as they were.
  setHandler(alertEvidenceSignal, (e) => {
    s.progress.evidence = {
      transactionCount: e.transactionCount,
      latestTransactionIds: e.transactionIds.slice(-10),
    };
    const raised = higherPriority(s.progress.priority, e.priority);
    if (raised !== s.progress.priority && patched('alert-evidence-priority')) {
      s.progress.priority = raised;
      upsertSearchAttributes([{ key: PriorityKey, value: raised }]);
    }
  });
}
