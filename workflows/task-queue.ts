import { workflowInfo } from '@temporalio/workflow';

/**
 * Another context's task queue, seen from a workflow of `from`: the same prefix (deployments and
 * test files share a namespace through TASK_QUEUE_PREFIX) with the other context's name.
 */
export function siblingTaskQueue(from: string, to: string): string {
  const own = workflowInfo().taskQueue;
  return own.endsWith(from) ? `${own.slice(0, own.length - from.length)}${to}` : to;
}
