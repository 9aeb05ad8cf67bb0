import { proxyActivities } from '@temporalio/workflow';
import type { createRulesActivities } from '../../activities/rules/index.js';

const acts = proxyActivities<ReturnType<typeof createRulesActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

/** Evaluates every rule of one customer now (the admin's "evaluate customer"). */
export async function evaluateCustomerRules(input: { orgId: string; customerId: string }) {
  return acts.evaluateCustomerRules(input);
}
