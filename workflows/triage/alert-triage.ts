import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { CaseId, CustomerId, Priority as PriorityKey } from '../search-attributes.js';
import { acts } from './activity-options.js';
import { runAgents } from './agent-runner.js';
import { AGENTS, AGENTS_BEFORE_CONTACT } from './agents.js';
import { runCustomerContact } from './contact-outcome.js';
import type { TriageProgress } from './messages.js';
import { handleOperatorCommands, type TriageState } from './operator-handlers.js';
import { planAgents, PlanError } from './planner.js';
import { runSlaClock } from './sla-clock.js';
import type { Priority } from './sla.js';

export type AlertTriageInput = { orgId: string; alertId: string; agents?: string[] };
export type AlertTriageResult = {
  alertId: string;
  caseId: string;
  outcome: 'complete' | 'partial';
  agents: TriageProgress['agents'];
  finalPriority: Priority;
};

/**
 * Triage of one alert (`triage-alert-<alertId>`): open the case, run the agents in dependency
 * batches, then wait for an operator (or the customer) to resolve it while the SLA clock
 * escalates it. Operators assign, note and resolve through updates all along.
 */
export async function alertTriage(input: AlertTriageInput): Promise<AlertTriageResult> {
  // Runs recorded before the customer-contact agent joined keep the registry they started with.
  const registry = patched('customer-contact-agent') ? AGENTS : AGENTS_BEFORE_CONTACT;
  const plan = planOrFail(registry, input.agents);
  const s: TriageState = {
    orgId: input.orgId,
    alertId: input.alertId,
    progress: initialProgress(input.alertId, plan.batches),
    opened: undefined,
    resolved: false,
  };
  handleOperatorCommands(s);

  const triage = await acts.openTriage({ orgId: input.orgId, alertId: input.alertId, batches: plan.batches });
  s.opened = triage;
  s.resolved ||= triage.resolved;
  Object.assign(s.progress, {
    caseId: triage.caseId,
    priority: triage.priority,
    assignedAgent: s.progress.assignedAgent ?? triage.assignedAgent,
    slaDueAt: triage.slaDueAt,
  });
  upsertSearchAttributes([
    { key: CaseId, value: triage.caseId },
    { key: CustomerId, value: triage.customerId },
    { key: PriorityKey, value: triage.priority },
  ]);

  await runAgents({
    registry,
    batches: plan.batches,
    progress: s.progress,
    facts: {
      orgId: input.orgId,
      alertId: input.alertId,
      caseId: triage.caseId,
      customerId: triage.customerId,
      transactionId: triage.transactionId,
      cardId: triage.cardId,
    },
    workflowAgents: { 'customer-contact': runCustomerContact },
    onResolved: () => {
      s.resolved = true;
      s.progress.status = 'resolved';
    },
  });
  const partial = Object.values(s.progress.agents).some((a) => a.status !== 'completed');
  await acts.completeTriage({ orgId: input.orgId, alertId: input.alertId, caseId: triage.caseId, partial });
  if (!s.resolved) s.progress.status = 'awaiting_resolution';

  await runSlaClock({
    orgId: input.orgId,
    alertId: input.alertId,
    caseId: triage.caseId,
    progress: s.progress,
    resolved: () => s.resolved,
  });
  await condition(allHandlersFinished);
  return {
    alertId: input.alertId,
    caseId: triage.caseId,
    outcome: partial ? 'partial' : 'complete',
    agents: s.progress.agents,
    finalPriority: s.progress.priority,
  };
}

function planOrFail(registry: Parameters<typeof planAgents>[0], agents: string[] | undefined) {
  try {
    return planAgents(registry, agents);
  } catch (err) {
    if (err instanceof PlanError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidPlan');
    throw err;
  }
}

function initialProgress(alertId: string, batches: string[][]): TriageProgress {
  return {
    alertId,
    caseId: null,
    status: 'running_agents',
    priority: 'low',
    batches,
    agents: Object.fromEntries(
      batches.flatMap((b, i) => b.map((id) => [id, { status: 'pending', batch: i }])),
    ),
    assignedAgent: null,
    slaDueAt: null,
  };
}
