import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BailActivities } from '../../activities/bail/types.js';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { documentSigning } from '../../workflows/bail/document-signing.js';
import { envelopeStatusSignal } from '../../workflows/bail/messages.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'bail', 'index.ts');
const DAY = 86_400_000;
let queue = 0;

/** The signing workflow against an in-memory document; each step logged in days after the send. */
async function runDocument(opts: { expiresInDays: number; signOnDay?: number }) {
  const taskQueue = `bail-doc-${++queue}`;
  const workflowId = `bond-doc-${queue}`;
  const start = await env.currentTimeMs();
  const doc = {
    status: 'draft' as 'draft' | 'sent' | 'signed' | 'expired',
    expiresAt: new Date(start + opts.expiresInDays * DAY).toISOString(),
  };
  const log: string[] = [];
  const step = async (s: string) =>
    log.push(`day ${Math.round(((await env.currentTimeMs()) - start) / (DAY / 24)) / 24} ${s}`);
  const activities: Partial<BailActivities> = {
    sendEnvelope: async () => {
      doc.status = 'sent';
      await step('sent');
      return { envelopeId: 'env-1' };
    },
    loadDocument: async () => ({ status: doc.status, expiresAt: doc.expiresAt }),
    remindSigner: async ({ daysLeft }) => {
      await step(`remind ${daysLeft}`);
      if (opts.signOnDay !== undefined && opts.expiresInDays - daysLeft >= opts.signOnDay) {
        doc.status = 'signed'; // as the Connect webhook would store it, then signal
        setImmediate(
          () =>
            void env.client.workflow
              .getHandle(workflowId)
              .signal(envelopeStatusSignal, { status: 'completed' }),
        );
      }
    },
    expireDocument: async () => {
      doc.status = 'expired';
      await step('expired');
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities,
  });
  const result = await worker.runUntil(async () =>
    (
      await env.client.workflow.start(documentSigning, {
        taskQueue,
        workflowId,
        args: [{ orgId: 'o', documentId: 'd' }],
      })
    ).result(),
  );
  return { result, log };
}

describe('documentSigning (time-skipping)', () => {
  it('reminds the signer 3 days and 1 day before expiry, then marks the envelope expired', async () => {
    const { result, log } = await runDocument({ expiresInDays: 14 });
    expect(result).toEqual({ status: 'expired' });
    expect(log).toEqual(['day 0 sent', 'day 11 remind 3', 'day 13 remind 1', 'day 14 expired']);
  });

  it('ends signed when the envelope is completed after a reminder', async () => {
    const { result, log } = await runDocument({ expiresInDays: 10, signOnDay: 7 });
    expect(result).toEqual({ status: 'signed' });
    expect(log).toEqual(['day 0 sent', 'day 7 remind 3']);
  });
});
