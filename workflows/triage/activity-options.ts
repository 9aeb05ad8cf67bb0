import { proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { TriageActivities } from '../../activities/triage/types.js';
import { AGENTS, type AgentId } from './agents.js';

/** The triage context's activities with their timeouts and retries: one place, every workflow of the context. */
export const acts = proxyActivities<TriageActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** A dispute waits months; its steps may retry for longer between attempts. */
export const disputeActs = proxyActivities<TriageActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Each agent runs with its own timeout and retry policy from the registry. */
export const agentActs = Object.fromEntries(
  AGENTS.map((a) => [
    a.id,
    proxyActivities<TriageActivities>({
      startToCloseTimeout: a.timeout,
      retry: { ...a.retry, nonRetryableErrorTypes: ['UnknownAgent'] },
    }),
  ]),
) as Record<AgentId, ActivityInterfaceFor<TriageActivities>>;
