import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendgridAnswers, startSendgridFake } from '../fakes/sendgrid.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { workerProcesses } from '../helpers/worker-process.js';

let h: Harness;
let sendgrid: Awaited<ReturnType<typeof startSendgridFake>>;
let workers: ReturnType<typeof workerProcesses>;
let release: () => void = () => undefined;

beforeAll(async () => {
  sendgrid = await startSendgridFake();
  h = await startHarness();
  // The real worker process, sending email through @sendgrid/mail to the fake.
  workers = workerProcesses(h.prefix, {
    WORKER_CONTEXTS: 'notify',
    SENDGRID_API_KEY: 'SG.crash-test',
    SENDGRID_FROM: 'alerts@sentinel.test',
    SENDGRID_BASE_URL: sendgrid.url,
  });
});
afterAll(async () => {
  release();
  workers.killAll();
  await h.close();
  await sendgrid.close();
});

describe('a worker killed mid-delivery', () => {
  it('leaves exactly one message at the provider', async () => {
    const { users } = await h.createOrg(['supervisor']);
    const token = users.supervisor.token;
    const customer = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: 'crash-1', first_name: 'Kit', last_name: 'Lane', email: 'kit@example.com' },
    });
    // SendGrid accepts the message but the answer never reaches the worker: it dies waiting.
    sendgrid.script({ ...sendgridAnswers.accepted(), hold: new Promise<void>((r) => (release = r)) });
    const first = workers.start();
    const sent = await h.call('POST', '/api/v1/notifications', {
      token,
      body: {
        customer_id: customer.body.id,
        kind: 'fraud_alert',
        title: 'Card frozen',
        message: 'We froze your card.',
        dedup_key: 'crash-1',
        channels: ['email'],
      },
    });
    await eventually(
      async () => (sendgrid.requests.some((r) => r.method === 'POST') ? true : undefined),
      60_000,
    );
    await workers.crash(first);

    workers.start();
    const delivery = await eventually(async () => {
      const n = await h.call('GET', `/api/v1/notifications/${sent.body.id}`, { token });
      const d = n.body.deliveries.find((x: { channel: string }) => x.channel === 'email');
      return d?.status === 'sent' ? d : undefined;
    }, 90_000);
    expect(sendgrid.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(delivery.provider_message_id).toBe(sendgrid.accepted[0]!.msgId);
    expect(delivery.attempt_log.map((a: { outcome: string }) => a.outcome)).toEqual(['in_flight', 'sent']);
  });
});
