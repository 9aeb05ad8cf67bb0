import type { Client, WorkflowHandleWithStartDetails, WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/** How long an API request waits on Temporal before answering 503 (gRPC retries stop at the deadline). */
export const API_RPC_DEADLINE_MS = 5_000;

/** Starts a workflow from the API with a deadline, so a Temporal outage is a prompt 503, not a hang. */
export function startWorkflow<T extends Workflow>(
  client: Client,
  workflowType: string,
  options: WorkflowStartOptions<T>,
): Promise<WorkflowHandleWithStartDetails<T>> {
  return client.connection.withDeadline(Date.now() + API_RPC_DEADLINE_MS, () =>
    client.workflow.start<T>(workflowType, options),
  );
}
