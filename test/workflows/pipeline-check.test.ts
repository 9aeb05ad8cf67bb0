import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';
import { pipelineCheck } from '../../workflows/platform/pipeline-check.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'platform', 'index.ts');

describe('pipelineCheck workflow (time-skipping server, activities mocked)', () => {
  it('retries a failing activity with backoff and returns its result', async () => {
    let attempts = 0;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'pipeline-unit',
      workflowsPath,
      activities: {
        completePipelineCheck: async () => {
          attempts += 1;
          if (attempts < 3) throw new Error('database briefly unavailable');
          return { databaseTime: '2026-01-01T00:00:00Z', postgresVersion: '15' };
        },
      },
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(pipelineCheck, {
        taskQueue: 'pipeline-unit',
        workflowId: 'pipeline-check-unit-1',
        args: [{ orgId: 'org', checkId: 'c1' }],
      }),
    );
    expect(attempts).toBe(3);
    expect(result).toEqual({
      checkId: 'c1',
      status: 'completed',
      databaseTime: '2026-01-01T00:00:00Z',
      postgresVersion: '15',
    });
  });

  it('fails without retrying when the check does not exist', async () => {
    let attempts = 0;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'pipeline-unit-2',
      workflowsPath,
      activities: {
        completePipelineCheck: async () => {
          attempts += 1;
          throw ApplicationFailure.nonRetryable('pipeline check c2 not found', 'NotFound');
        },
      },
    });
    const run = env.client.workflow.execute(pipelineCheck, {
      taskQueue: 'pipeline-unit-2',
      workflowId: 'pipeline-check-unit-2',
      args: [{ orgId: 'org', checkId: 'c2' }],
    });
    await expect(worker.runUntil(run)).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(attempts).toBe(1);
  });
});
