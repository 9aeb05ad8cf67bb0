import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const agentRunRow = z.object({
  agent: z.string(),
  batch: z.number().int(),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped']),
  attempts: z.number().int(),
  result: z.record(z.unknown()).nullable(),
  error: z.string().nullable(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
});
export type AgentRunRow = z.infer<typeof agentRunRow>;

const columns = sql.fragment`agent, batch, status, attempts, result, error, started_at, completed_at, duration_ms`;

/** Records the plan: one pending row per agent (kept as is when the triage replays). */
export async function recordPlan(
  db: Queryable,
  orgId: string,
  alertId: string,
  batches: string[][],
): Promise<void> {
  const rows = batches.flatMap((agents, batch) => agents.map((agent) => ({ agent, batch })));
  await db.query(sql.unsafe`
    INSERT INTO agent_runs (org_id, alert_id, agent, batch)
    SELECT ${orgId}, ${alertId}, agent, batch
    FROM ${sql.unnest(
      rows.map((r) => [r.agent, r.batch]),
      ['text', 'int4'],
    )} AS t(agent, batch)
    ON CONFLICT (org_id, alert_id, agent) DO NOTHING`);
}

/** Marks an attempt started; a finished run is left as it is. */
export async function markRunning(
  db: Queryable,
  orgId: string,
  alertId: string,
  agent: string,
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE agent_runs SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now())
    WHERE org_id = ${orgId} AND alert_id = ${alertId} AND agent = ${agent} AND status IN ('pending', 'running')`);
}

/** Finishes a run once; returns false when it was already finished (a retried activity). */
export async function finishRun(
  db: Queryable,
  orgId: string,
  alertId: string,
  agent: string,
  f: { status: 'completed' | 'failed' | 'skipped'; result?: Record<string, unknown>; error?: string },
): Promise<boolean> {
  const r = await db.query(sql.unsafe`
    UPDATE agent_runs SET status = ${f.status}, result = ${f.result ? sql.jsonb(f.result as never) : null},
      error = ${f.error ?? null}, completed_at = now(),
      duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE (extract(epoch FROM now() - started_at) * 1000)::int END
    WHERE org_id = ${orgId} AND alert_id = ${alertId} AND agent = ${agent} AND status IN ('pending', 'running')`);
  return r.rowCount === 1;
}

export function getRun(
  db: Queryable,
  orgId: string,
  alertId: string,
  agent: string,
): Promise<AgentRunRow | null> {
  return db.maybeOne(sql.type(agentRunRow)`
    SELECT ${columns} FROM agent_runs WHERE org_id = ${orgId} AND alert_id = ${alertId} AND agent = ${agent}`);
}

export function listRuns(db: Queryable, orgId: string, alertId: string): Promise<readonly AgentRunRow[]> {
  return db.any(sql.type(agentRunRow)`
    SELECT ${columns} FROM agent_runs WHERE org_id = ${orgId} AND alert_id = ${alertId} ORDER BY batch, agent`);
}
