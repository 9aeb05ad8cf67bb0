import { record } from '../../commands/record.js';
import type { Queryable } from '../../db/pool.js';
import * as runs from '../../db/triage/agent-runs.js';
import { triageWorkflowId } from '../../workflows/triage/ids.js';
import type { AgentContext } from './types.js';

/** Finishes an agent's run and records its outcome once (per alert and agent), in the caller's transaction. */
export async function finishAgentRun(
  t: Queryable,
  ctx: AgentContext,
  agent: string,
  batch: number,
  f: { status: 'completed' | 'failed' | 'skipped'; result?: Record<string, unknown>; error?: string },
): Promise<void> {
  await runs.finishRun(t, ctx.orgId, ctx.alertId, agent, f);
  const data = f.status === 'completed' ? { result: f.result } : { error: f.error };
  await record(t, {
    orgId: ctx.orgId,
    caseId: ctx.caseId,
    type: `agent_${f.status}`,
    actor: { type: 'agent', id: agent },
    data: { agent, batch, ...data },
    key: `${ctx.alertId}:${agent}`,
    // The design's fields (workflowId, agentId, result) beside Sentinel's own.
    stream: {
      payload: {
        alert_id: ctx.alertId,
        case_id: ctx.caseId,
        agent,
        batch,
        ...data,
        workflowId: triageWorkflowId(ctx.alertId),
        agentId: agent,
      },
    },
  });
}
