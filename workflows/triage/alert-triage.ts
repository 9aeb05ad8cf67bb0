import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  currentUpdateInfo,
  executeChild,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createTriageActivities } from '../../activities/triage/index.js';
import type { AgentContext } from '../../activities/triage/deps.js';
import { CaseId, CustomerId, Priority as PriorityKey } from '../search-attributes.js';
import { AGENTS, AGENTS_BEFORE_CONTACT } from './agents.js';
import { customerContact } from '../notify/customer-contact.js';
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
import { planAgents, PlanError } from './planner.js';
import { escalate, SLA_MS, type Priority } from './sla.js';

type Activities = ReturnType<typeof createTriageActivities>;

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

// Each agent runs with its own timeout and retry policy from the registry.
const agentActs = Object.fromEntries(
  AGENTS.map((a) => [
    a.id,
    proxyActivities<Activities>({
      startToCloseTimeout: a.timeout,
      retry: { ...a.retry, nonRetryableErrorTypes: ['UnknownAgent'] },
    }),
  ]),
);

export type AlertTriageInput = { orgId: string; alertId: string; agents?: string[] };
export type AlertTriageResult = {
  alertId: string;
  caseId: string;
  outcome: 'complete' | 'partial';
  agents: TriageProgress['agents'];
  finalPriority: Priority;
};

/**
 * Triage of one alert (`triage-alert-<alertId>`): agents run in dependency batches, each result
 * recorded as it lands; operators assign, note and resolve through updates; an SLA timer per
 * priority escalates an alert nobody resolves. The run ends when the alert is resolved.
 */
export async function alertTriage(input: AlertTriageInput): Promise<AlertTriageResult> {
  // Runs recorded before the customer-contact agent joined keep the registry they started with.
  const registry = patched('customer-contact-agent') ? AGENTS : AGENTS_BEFORE_CONTACT;
  let plan;
  try {
    plan = planAgents(registry, input.agents);
  } catch (err) {
    if (err instanceof PlanError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidPlan');
    throw err;
  }
  // Handlers are registered before the first await, so an operator's update that arrives with the
  // start is accepted (it waits for the case to exist) rather than rejected.
  const progress: TriageProgress = {
    alertId: input.alertId,
    caseId: null,
    status: 'running_agents',
    priority: 'low',
    batches: plan.batches,
    agents: Object.fromEntries(
      plan.batches.flatMap((b, i) => b.map((id) => [id, { status: 'pending', batch: i }])),
    ),
    assignedAgent: null,
    slaDueAt: null,
  };
  let opened: Awaited<ReturnType<Activities['openTriage']>> | undefined = undefined;
  let resolved = false;
  const results: Record<string, Record<string, unknown>> = {};
  const caseReady = async () => {
    await condition(() => opened !== undefined);
    return opened!;
  };

  setHandler(triageProgressQuery, () => progress);
  // The update id keys the activity's writes, so a retried or repeated update writes once.
  const updateId = () => currentUpdateInfo()?.id ?? workflowInfo().runId;
  const notResolved = () => {
    if (resolved) throw new Error('the alert is already resolved');
  };
  setHandler(
    assignUpdate,
    async ({ agent, actor }: AssignInput) => {
      await caseReady();
      const r = await acts.assignAlert({
        orgId: input.orgId,
        alertId: input.alertId,
        agent,
        actor,
        updateId: updateId(),
      });
      progress.assignedAgent = agent;
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
        orgId: input.orgId,
        alertId: input.alertId,
        resolution: r.resolution,
        actions_taken: r.actions_taken,
        outcome: r.outcome,
        actor: r.actor,
        updateId: updateId(),
      });
      resolved = true;
      progress.status = 'resolved';
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
      return acts.addCaseNote({ orgId: input.orgId, caseId, note, actor, updateId: updateId() });
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
    progress.evidence = {
      transactionCount: e.transactionCount,
      latestTransactionIds: e.transactionIds.slice(-10),
    };
    const raised = higherPriority(progress.priority, e.priority);
    if (raised !== progress.priority && patched('alert-evidence-priority')) {
      progress.priority = raised;
      upsertSearchAttributes([{ key: PriorityKey, value: raised }]);
    }
  });

  const triage = await acts.openTriage({ orgId: input.orgId, alertId: input.alertId, batches: plan.batches });
  opened = triage;
  resolved ||= triage.resolved;
  Object.assign(progress, {
    caseId: triage.caseId,
    priority: triage.priority,
    assignedAgent: progress.assignedAgent ?? triage.assignedAgent,
    slaDueAt: triage.slaDueAt,
  });
  upsertSearchAttributes([
    { key: CaseId, value: triage.caseId },
    { key: CustomerId, value: triage.customerId },
    { key: PriorityKey, value: triage.priority },
  ]);

  const context = (deps: string[]): AgentContext => ({
    orgId: input.orgId,
    alertId: input.alertId,
    caseId: triage.caseId,
    customerId: triage.customerId,
    transactionId: triage.transactionId,
    cardId: triage.cardId,
    inputs: Object.fromEntries(deps.filter((d) => results[d]).map((d) => [d, results[d]!])),
  });

  const runOne = async (agentId: string, batch: number) => {
    const def = registry.find((a) => a.id === agentId)!;
    const entry = progress.agents[agentId]!;
    const blocked = def.dependencies.filter(
      (d) => progress.agents[d] && progress.agents[d].status !== 'completed',
    );
    if (blocked.length) {
      const error = `skipped: dependency ${blocked.join(', ')} did not complete`;
      await acts.finishAgent({ agent: agentId, batch, context: context([]), status: 'skipped', error });
      Object.assign(entry, { status: 'skipped', error });
      return;
    }
    entry.status = 'running';
    if (def.runsAs === 'workflow') {
      await runContactAgent(agentId, batch, def.dependencies);
      return;
    }
    try {
      results[agentId] = await agentActs[agentId]!.runAgent({
        agent: agentId,
        batch,
        context: context(def.dependencies),
      });
      entry.status = 'completed';
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const error = err.cause?.message ?? err.message;
      await acts.finishAgent({ agent: agentId, batch, context: context([]), status: 'failed', error });
      Object.assign(entry, { status: 'failed', error });
    }
  };

  /** The customer-contact agent: a child customerContact run on the notify queue, then acting on the answer. */
  const runContactAgent = async (agentId: string, batch: number, deps: string[]) => {
    const entry = progress.agents[agentId]!;
    const ctx = context(deps);
    try {
      const prepared = await agentActs[agentId]!.prepareContact({
        agent: agentId,
        context: ctx,
        contactId: uuid4(),
      });
      if ('skip' in prepared) {
        const result = { action: 'no_contact', reason: prepared.skip };
        await acts.completeAgent({ agent: agentId, batch, context: ctx, result });
        results[agentId] = result;
        entry.status = 'completed';
        return;
      }
      const contact = await executeChild(customerContact, {
        workflowId: `contact-${prepared.contactId}`,
        taskQueue: workflowInfo().taskQueue.replace(/triage$/, 'notify'),
        args: [{ orgId: input.orgId, contactId: prepared.contactId }],
      });
      const applied = await acts.applyContactOutcome({
        agent: agentId,
        batch,
        context: ctx,
        outcome: contact.outcome,
      });
      if (applied.resolved) {
        resolved = true;
        progress.status = 'resolved';
      }
      entry.status = 'completed';
    } catch (err) {
      if (!(err instanceof ActivityFailure) && !(err instanceof ChildWorkflowFailure)) throw err;
      const error = err.cause?.message ?? err.message;
      await acts.finishAgent({ agent: agentId, batch, context: context([]), status: 'failed', error });
      Object.assign(entry, { status: 'failed', error });
    }
  };

  for (const [i, batch] of plan.batches.entries()) {
    await Promise.all(batch.map((id) => runOne(id, i)));
  }
  const partial = Object.values(progress.agents).some((a) => a.status !== 'completed');
  await acts.completeTriage({ orgId: input.orgId, alertId: input.alertId, caseId: triage.caseId, partial });
  if (!resolved) progress.status = 'awaiting_resolution';

  // The SLA clock: each time it runs out with the alert unresolved, the priority goes up a step.
  for (let step = 1; !resolved; step++) {
    const due = Date.parse(progress.slaDueAt!) - Date.now();
    if (await condition(() => resolved, Math.max(due, 1))) break;
    const from = progress.priority;
    const to = escalate(from);
    const slaDueAt = new Date(Date.now() + SLA_MS[to]).toISOString();
    await acts.escalateAlert({
      orgId: input.orgId,
      alertId: input.alertId,
      caseId: triage.caseId,
      from,
      to,
      slaDueAt,
      step,
    });
    progress.priority = to;
    progress.slaDueAt = slaDueAt;
    upsertSearchAttributes([{ key: PriorityKey, value: to }]);
    if (from === 'critical') {
      // Critical and breached again: escalated once more as a record; no further timers.
      await condition(() => resolved);
    }
  }
  await condition(allHandlersFinished);
  return {
    alertId: input.alertId,
    caseId: triage.caseId,
    outcome: partial ? 'partial' : 'complete',
    agents: progress.agents,
    finalPriority: progress.priority,
  };
}
