import { proxyActivities } from '@temporalio/workflow';
import type { createPlatformActivities } from '../../activities/platform/index.js';

export type PipelineCheckInput = { orgId: string; checkId: string };
export type PipelineCheckResult = {
  checkId: string;
  status: 'completed';
  databaseTime: string;
  postgresVersion: string;
};

const { completePipelineCheck } = proxyActivities<ReturnType<typeof createPlatformActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * Proves the plumbing end to end: API → Temporal → worker → activity → Postgres. The API
 * writes a pending row; this workflow's activity completes it, idempotently.
 */
export async function pipelineCheck(input: PipelineCheckInput): Promise<PipelineCheckResult> {
  const row = await completePipelineCheck(input.orgId, input.checkId);
  return { checkId: input.checkId, status: 'completed', ...row };
}
