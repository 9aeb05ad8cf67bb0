import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { customerContact } from '../../workflows/notify/customer-contact.js';
import { customerReplySignal } from '../../workflows/notify/messages.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

let queue = 0;
async function contact(channels: string[], whileRunning?: (workflowId: string) => Promise<void>) {
  const calls: string[] = [];
  const taskQueue = `contact-unit-${++queue}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: path.join(PROJECT_ROOT, 'workflows', 'notify', 'index.ts'),
    activities: {
      loadContact: async () => ({
        channels,
        expectReply: true,
        replyTimeoutMs: 24 * 3600_000,
        status: 'pending',
      }),
      startContactMessage: async ({ channel }: { channel: string }) => {
        calls.push(`send:${channel}@${Math.round(((await env.currentTimeMs()) - started) / 3600_000)}h`);
        return { notificationId: `n-${queue}-${channel}` };
      },
      recordReply: async ({ answer, via }: { answer: string; via: string }) => {
        calls.push(`reply:${answer}:${via}`);
      },
      finishContact: async ({ status }: { status: string }) => {
        calls.push(status);
      },
      // The delivery child runs on the same queue; here it only needs to finish.
      planDelivery: async () => ({ critical: true, quietHours: null, sends: [] }),
    },
  });
  const started = await env.currentTimeMs();
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(customerContact, {
      taskQueue,
      workflowId: `contact-${queue}`,
      args: [{ orgId: 'org', contactId: `c-${queue}` }],
    });
    await whileRunning?.(handle.workflowId);
    return handle.result();
  });
  return { result, calls };
}

describe('customerContact (time-skipping)', () => {
  it('waits 24 h for an SMS answer, then asks by email, and takes the answer', async () => {
    const { result, calls } = await contact(['sms', 'email'], async (id) => {
      await env.sleep('30 hours');
      await env.client.workflow.getHandle(id).signal(customerReplySignal, { answer: 'no', via: 'link' });
    });
    expect(result).toEqual({ outcome: 'no', channel: 'email' });
    expect(calls).toEqual(['send:sms@0h', 'send:email@24h', 'reply:no:link']);
  });

  it('gives up after the last channel’s timeout', async () => {
    const { result, calls } = await contact(['sms', 'email']);
    expect(result).toEqual({ outcome: 'no_reply', channel: null });
    expect(calls).toEqual(['send:sms@0h', 'send:email@24h', 'no_reply']);
  });

  it('turns a phone contact into a callback task', async () => {
    const { result, calls } = await contact(['phone']);
    expect(result.outcome).toBe('callback_requested');
    expect(calls).toEqual(['callback_requested']);
  });
});
