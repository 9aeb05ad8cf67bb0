import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { deliverNotification } from '../../workflows/notify/deliver-notification.js';
import { providerStatusSignal } from '../../workflows/notify/messages.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'notify', 'index.ts');
let queue = 0;

/** Activities that record when each send happened, in workflow (server) time. */
async function run(
  plan: object,
  sendImpl?: (channel: string, attempt: number) => void,
  opts: { provider?: string; whileRunning?: (workflowId: string) => Promise<void> } = {},
) {
  const sent: { deliveryId: string; at: number }[] = [];
  const reports: string[] = [];
  const failed: string[] = [];
  const attempts: Record<string, number> = {};
  const taskQueue = `notify-unit-${++queue}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: {
      planDelivery: async () => plan,
      holdDeliveries: async () => undefined,
      sendMessage: async ({ deliveryId }: { deliveryId: string }) => {
        attempts[deliveryId] = (attempts[deliveryId] ?? 0) + 1;
        sendImpl?.(deliveryId, attempts[deliveryId]);
        sent.push({ deliveryId, at: await env.currentTimeMs() });
        return { providerMessageId: `p-${deliveryId}`, provider: opts.provider ?? 'outbox' };
      },
      failDelivery: async ({ deliveryId }: { deliveryId: string }) => {
        failed.push(deliveryId);
      },
      recordProviderStatus: async (r: { deliveryId: string; status: string }) => {
        reports.push(`${r.deliveryId}:${r.status}`);
        return true;
      },
    },
  });
  const started = await env.currentTimeMs();
  const workflowId = `deliver-${queue}`;
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(deliverNotification, {
      taskQueue,
      workflowId,
      args: [{ orgId: 'org', notificationId: `n-${queue}` }],
    });
    await opts.whileRunning?.(workflowId);
    const out = await handle.result();
    // The run's own start and close times, in workflow time.
    const { startTime, closeTime } = await handle.describe();
    return { out, ranMs: closeTime!.getTime() - startTime.getTime() };
  });
  return { result: result.out, ranMs: result.ranMs, sent, failed, attempts, started, reports };
}

const sends = [
  { channel: 'email', deliveryId: 'email-1' },
  { channel: 'sms', deliveryId: 'sms-1' },
];

describe('deliverNotification (time-skipping)', () => {
  it('holds email and SMS until quiet hours end in the customer’s zone, then sends', async () => {
    // A window from an hour ago to nine hours from now, on the customer's wall clock.
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: 'Asia/Tokyo' });
    const fmt = (d: DateTime) => d.toFormat('HH:mm');
    const quietHours = {
      start: fmt(now.minus({ hours: 1 })),
      end: fmt(now.plus({ hours: 9 })),
      timezone: 'Asia/Tokyo',
    };
    const { result, sent, started } = await run({ critical: false, quietHours, sends });
    expect(result.heldUntil).not.toBeNull();
    expect(sent.map((s) => s.deliveryId).sort()).toEqual(['email-1', 'sms-1']);
    const waited = (sent[0]!.at - started) / 3600_000;
    expect(waited).toBeGreaterThan(8.9);
    expect(waited).toBeLessThan(9.1);
    expect(result.channels).toEqual({ email: 'sent', sms: 'sent' });
  });

  it('holds a message sent at 23:00 until 08:00 local across the spring-forward night', async () => {
    // Skip server time to 23:00 New York time the evening before the next US DST change (second
    // Sunday of March): 08:00 the next morning is 8 h later, not 9.
    const zone = 'America/New_York';
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
    const eveOf = (year: number) => {
      const march = DateTime.fromObject({ year, month: 3, day: 1, hour: 23 }, { zone });
      return march.plus({ days: ((7 - march.weekday) % 7) + 7 - 1 });
    };
    const eve = eveOf(now.year) > now.plus({ minutes: 5 }) ? eveOf(now.year) : eveOf(now.year + 1);
    await env.sleep(eve.toMillis() - now.toMillis());
    const quietHours = { start: '22:00', end: '08:00', timezone: zone };
    const { result, sent, started } = await run({ critical: false, quietHours, sends });
    expect(DateTime.fromMillis(started, { zone }).toFormat('HH')).toBe('23');
    const arrived = DateTime.fromMillis(sent[0]!.at, { zone });
    expect(arrived.toFormat('yyyy-MM-dd HH:mm')).toBe(
      `${eve.plus({ days: 1 }).toFormat('yyyy-MM-dd')} 08:00`,
    );
    expect(arrived.offset - DateTime.fromMillis(started, { zone }).offset).toBe(60);
    expect((sent[0]!.at - started) / 3600_000).toBeLessThan(8.5);
    expect(result.heldUntil).toBe(arrived.startOf('minute').toUTC().toISO());
  });

  it('sends a critical message at once, whatever the hour', async () => {
    const { result, sent, started } = await run({ critical: true, quietHours: null, sends });
    expect(result.heldUntil).toBeNull();
    expect(sent.every((s) => s.at - started < 60_000)).toBe(true);
  });

  it('retries a channel on its own and records a failure after the last attempt', async () => {
    const { result, attempts, failed } = await run(
      { critical: false, quietHours: null, sends },
      (id, attempt) => {
        if (id === 'email-1' && attempt < 3)
          throw ApplicationFailure.create({ message: 'provider 500', nextRetryDelay: '2 seconds' });
        if (id === 'sms-1') throw ApplicationFailure.nonRetryable('invalid number', 'sms_21211');
      },
    );
    expect(attempts).toEqual({ 'email-1': 3, 'sms-1': 1 });
    expect(failed).toEqual(['sms-1']);
    expect(result.channels).toEqual({ email: 'sent', sms: 'failed' });
  });

  it('waits for the provider’s report, up to 72 h', async () => {
    const email = [{ channel: 'email', deliveryId: 'email-r' }];
    const reported = await run({ critical: true, quietHours: null, sends: email }, undefined, {
      provider: 'sendgrid',
      whileRunning: async (id) => {
        await env.sleep('2 hours');
        await env.client.workflow
          .getHandle(id)
          .signal(providerStatusSignal, { deliveryId: 'email-r', status: 'bounced' });
      },
    });
    expect(reported.reports).toEqual(['email-r:bounced']);
    expect(reported.ranMs / 3600_000).toBeLessThan(3);

    const silent = await run({ critical: true, quietHours: null, sends: email }, undefined, {
      provider: 'sendgrid',
    });
    expect(silent.reports).toEqual([]);
    expect(Math.round(silent.ranMs / 3600_000)).toBe(72);
  });
});
