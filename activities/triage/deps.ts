import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Actor } from '../../db/triage/alert-actions.js';
import type { Db } from '../../db/pool.js';
import type { ScreeningThresholds } from '../../workflows/triage/screening.js';

export type TriageDeps = {
  db: Db;
  temporal: Client;
  taskQueuePrefix?: string;
  thresholds?: ScreeningThresholds;
};

/** What an agent gets: the alert's facts and the results of the agents it depends on. */
export type AgentContext = {
  orgId: string;
  alertId: string;
  caseId: string;
  customerId: string;
  transactionId: string | null;
  cardId: string | null;
  inputs: Record<string, Record<string, unknown>>;
};

export type AgentImpl = (ctx: AgentContext, deps: TriageDeps) => Promise<Record<string, unknown>>;

/** The audit actor of an activity: the workflow that runs it. */
export function workflowActor(): string {
  return `workflow:${Context.current().info.workflowExecution?.workflowId ?? 'unknown'}`;
}

/** Operators reach the workflow as "user:<id>" or "api_key:<id>"; the audit trail keeps the two apart. */
export function actorOf(actor: string): Actor {
  const [type, ...rest] = actor.split(':');
  return type === 'api_key' || type === 'workflow'
    ? { type, id: rest.join(':') }
    : { type: 'user', id: type === 'user' ? rest.join(':') : actor };
}
