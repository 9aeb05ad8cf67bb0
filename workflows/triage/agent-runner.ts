import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { AgentContext, AgentResult } from '../../activities/triage/types.js';
import { acts, agentActs } from './activity-options.js';
import type { AgentDefinition, AgentId } from './agents.js';
import type { TriageProgress } from './messages.js';

/** An agent whose work is more than one activity (it waits on someone): its own steps, in the workflow. */
export type WorkflowAgentRun = (a: {
  agent: string;
  batch: number;
  context: AgentContext;
}) => Promise<{ result?: AgentResult; resolved?: boolean }>;

/**
 * Runs a plan's batches in order, the agents of a batch in parallel, each result recorded as it
 * lands and kept for the agents that depend on it. An agent whose dependency did not complete is
 * skipped; one that fails after its retries is recorded as failed and the triage goes on.
 * `onResolved` is called the moment an agent resolves the alert (the customer confirmed the payment).
 */
export async function runAgents(o: {
  registry: readonly AgentDefinition[];
  batches: string[][];
  progress: TriageProgress;
  facts: Omit<AgentContext, 'inputs'>;
  workflowAgents: Partial<Record<AgentId, WorkflowAgentRun>>;
  onResolved: () => void;
}): Promise<void> {
  const results: Record<string, AgentResult> = {};
  const context = (deps: readonly string[]): AgentContext => ({
    ...o.facts,
    inputs: Object.fromEntries(deps.filter((d) => results[d]).map((d) => [d, results[d]!])),
  });
  const agentsOf = o.progress.agents;

  const runOne = async (agent: string, batch: number) => {
    const def = o.registry.find((a) => a.id === agent)!;
    const entry = agentsOf[agent]!;
    const blocked = def.dependencies.filter((d) => agentsOf[d] && agentsOf[d].status !== 'completed');
    if (blocked.length) {
      const error = `skipped: dependency ${blocked.join(', ')} did not complete`;
      await acts.finishAgent({ agent, batch, context: context([]), status: 'skipped', error });
      Object.assign(entry, { status: 'skipped', error });
      return;
    }
    entry.status = 'running';
    const runAsWorkflow = def.runsAs === 'workflow' ? o.workflowAgents[agent as AgentId] : undefined;
    try {
      if (runAsWorkflow) {
        const out = await runAsWorkflow({ agent, batch, context: context(def.dependencies) });
        if (out.result) results[agent] = out.result;
        if (out.resolved) o.onResolved();
      } else {
        results[agent] = await agentActs[agent as AgentId].runAgent({
          agent,
          batch,
          context: context(def.dependencies),
        });
      }
      entry.status = 'completed';
    } catch (err) {
      if (!(err instanceof ActivityFailure) && !(err instanceof ChildWorkflowFailure)) throw err;
      const error = err.cause?.message ?? err.message;
      await acts.finishAgent({ agent, batch, context: context([]), status: 'failed', error });
      Object.assign(entry, { status: 'failed', error });
    }
  };

  for (const [i, batch] of o.batches.entries()) {
    await Promise.all(batch.map((id) => runOne(id, i)));
  }
}
