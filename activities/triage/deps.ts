import { Context } from '@temporalio/activity';
import type { Actor } from '../../workflows/platform/actor.js';

export type { AgentContext, AgentImpl, TriageDeps } from './types.js';

/** The actor of an activity: the workflow that runs it. */
export function workflowActor(): Actor {
  return { type: 'workflow', id: Context.current().info.workflowExecution?.workflowId ?? 'unknown' };
}
