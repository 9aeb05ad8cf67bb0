import { emitEvent } from '../../db/platform/events.js';
import type { Queryable } from '../../db/pool.js';
import * as runs from '../../db/triage/agent-runs.js';
import { appendCaseEvent } from '../../db/triage/cases.js';
import type { AgentContext } from './deps.js';

/** An agent's outcome on the case timeline and the alert and case streams, once (dedup key per alert and agent). */
export async function recordAgentOutcome(
  t: Queryable,
  ctx: AgentContext,
  agent: string,
  batch: number,
  type: string,
  data: Record<string, unknown>,
): Promise<void> {
  await appendCaseEvent(t, ctx.orgId, {
    case_id: ctx.caseId,
    type,
    actor: `agent:${agent}`,
    data: { agent, batch, ...data },
    dedup_key: `${type}:${ctx.alertId}:${agent}`,
  });
  await emitEvent(t, {
    orgId: ctx.orgId,
    streams: ['alerts', `case:${ctx.caseId}`],
    type,
    payload: { alert_id: ctx.alertId, case_id: ctx.caseId, agent, batch, ...data },
    dedupKey: `${type}:${ctx.alertId}:${agent}`,
  });
}

/** Finishes an agent's run and records the outcome, in one transaction the caller holds. */
export async function finishAgentRun(
  t: Queryable,
  ctx: AgentContext,
  agent: string,
  batch: number,
  f: { status: 'completed' | 'failed' | 'skipped'; result?: Record<string, unknown>; error?: string },
): Promise<void> {
  await runs.finishRun(t, ctx.orgId, ctx.alertId, agent, f);
  await recordAgentOutcome(
    t,
    ctx,
    agent,
    batch,
    `agent_${f.status}`,
    f.status === 'completed' ? { result: f.result } : { error: f.error },
  );
}
