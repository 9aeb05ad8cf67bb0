import type { Client } from '@temporalio/client';
import { Domain, OrgId } from '../../workflows/search-attributes.js';
import type { rotateFieldEncryption } from '../../workflows/platform/field-encryption.js';
import { fieldEncryptionWorkflowId, pipelineCheckWorkflowId } from '../../workflows/platform/ids.js';
import type { pipelineCheck } from '../../workflows/platform/pipeline-check.js';
import { taskQueue } from '../task-queues.js';
import { withDeadline, type StartOptions } from './deadline.js';

/** Starts `pipeline-check-<checkId>`: a round trip through the worker, answered into its row. */
export async function startPipelineCheck(
  client: Client,
  c: { orgId: string; checkId: string },
  o: StartOptions = {},
): Promise<string> {
  const workflowId = pipelineCheckWorkflowId(c.checkId);
  await withDeadline(client, o, () =>
    client.workflow.start<typeof pipelineCheck>('pipelineCheck', {
      workflowId,
      taskQueue: taskQueue('platform', o.prefix),
      args: [{ orgId: c.orgId, checkId: c.checkId }],
      typedSearchAttributes: [
        { key: OrgId, value: c.orgId },
        { key: Domain, value: 'platform' },
      ],
    }),
  );
  return workflowId;
}

/** Starts the organisation's re-sealing pass (`field-encryption-<orgId>`); one already running covers the request. */
export async function startFieldEncryptionRotation(
  client: Client,
  orgId: string,
  o: StartOptions = {},
): Promise<{ workflowId: string; runId: string }> {
  const workflowId = fieldEncryptionWorkflowId(orgId);
  const handle = await withDeadline(client, o, () =>
    client.workflow.start<typeof rotateFieldEncryption>('rotateFieldEncryption', {
      workflowId,
      taskQueue: taskQueue('platform', o.prefix),
      args: [{ orgId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: OrgId, value: orgId },
        { key: Domain, value: 'platform' },
      ],
    }),
  );
  return { workflowId, runId: handle.firstExecutionRunId };
}
