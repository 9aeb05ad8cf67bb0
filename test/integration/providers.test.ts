import crypto from 'node:crypto';
import { EventWebhookHeader } from '@sendgrid/eventwebhook';
import { sql } from 'slonik';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as deliveryRows from '../../db/notify/deliveries.js';
import * as health from '../../db/notify/provider-health.js';
import { sendgridProvider } from '../../activities/notify/providers/sendgrid.js';
import { twilioProvider } from '../../activities/notify/providers/twilio.js';
import { sendgridAnswers, sendgridPayload, startSendgridFake } from '../fakes/sendgrid.js';
import { startTwilioFake, twilioAnswers } from '../fakes/twilio.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

const sendgridKeys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const TWILIO_TOKEN = 'test-token';
let h: Harness;
let token: string;
let orgId: string;
let sendgrid: Awaited<ReturnType<typeof startSendgridFake>>;
let twilio: Awaited<ReturnType<typeof startTwilioFake>>;

beforeAll(async () => {
  sendgrid = await startSendgridFake();
  twilio = await startTwilioFake();
  h = await startHarness({
    worker: true,
    config: {
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgridKeys.publicKey
        .export({ type: 'spki', format: 'der' })
        .toString('base64'),
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    },
    // The real @sendgrid/mail and twilio clients, pointed at local fakes of the two APIs.
    providers: {
      email: sendgridProvider({ apiKey: 'SG.test-key', from: 'alerts@sentinel.test', baseUrl: sendgrid.url }),
      sms: twilioProvider({
        accountSid: 'AC00000000000000000000000000000000',
        authToken: TWILIO_TOKEN,
        from: '+15005550006',
        baseUrl: twilio.url,
      }),
    },
  });
  const org = await h.createOrg(['supervisor']);
  token = org.users.supervisor.token;
  orgId = org.orgId;
});
afterAll(async () => {
  await h.close();
  await sendgrid.close();
  await twilio.close();
});

let n = 0;
/** Sends one notification on one channel to a new customer; returns its delivery once it is final. */
async function deliver(channel: 'email' | 'sms') {
  const c = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: `p-${++n}`,
      first_name: 'Pat',
      last_name: 'Kim',
      email: `pat${n}@example.com`,
      phone: '+14155550100',
    },
  });
  const sent = await h.call('POST', '/api/v1/notifications', {
    token,
    body: {
      customer_id: c.body.id,
      kind: 'spending_alert',
      title: 'Heads up',
      message: `Message ${n}`,
      dedup_key: `p-${n}`,
      channels: [channel],
    },
  });
  // The run stays open for the provider's report; wait for the send's outcome instead.
  return eventually(async () => {
    const detail = await h.call('GET', `/api/v1/notifications/${sent.body.id}`, { token });
    const d = detail.body.deliveries.find((x: { channel: string }) => x.channel === channel);
    return d && ['sent', 'failed', 'suppressed'].includes(d.status) ? d : undefined;
  }, 30_000);
}

describe('email through @sendgrid/mail', () => {
  it('retries 500, 500 and succeeds on the third attempt', async () => {
    const before = sendgrid.requests.length;
    sendgrid.script(sendgridAnswers.error(500, 'Internal'), sendgridAnswers.error(500, 'Internal'));
    const d = await deliver('email');
    expect(d).toMatchObject({ status: 'sent', provider: 'sendgrid', attempts: 3 });
    expect(d.attempt_log.map((a: { outcome: string }) => a.outcome)).toEqual(['retry', 'retry', 'sent']);
    const calls = sendgrid.requests.slice(before);
    expect(calls).toHaveLength(3);
    const payload = sendgridPayload(calls[2]!.body);
    expect(payload.personalizations[0]!.to[0]!.email).toBe(d.destination);
    expect(payload.custom_args).toMatchObject({ delivery_id: d.id });
    expect(payload.content.map((c) => c.type)).toEqual(['text/plain', 'text/html']);
    expect(calls[2]!.headers.authorization).toBe('Bearer SG.test-key');
  });

  it('fails at once on a 400, keeping the provider’s code', async () => {
    const before = sendgrid.requests.length;
    sendgrid.script(sendgridAnswers.error(400, 'The to email does not contain a valid address.'));
    const d = await deliver('email');
    expect(d).toMatchObject({ status: 'failed', attempts: 1, error_code: 'sendgrid_400' });
    expect(d.error_text).toMatch(/valid address/);
    expect(sendgrid.requests.length - before).toBe(1);
  });

  it('waits for Retry-After on a 429', async () => {
    const before = sendgrid.requests.length;
    sendgrid.script(sendgridAnswers.error(429, 'Too many requests', { 'retry-after': '2' }));
    const d = await deliver('email');
    expect(d).toMatchObject({ status: 'sent', attempts: 2 });
    const [first, second] = sendgrid.requests.slice(before);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });
});

describe('SMS through twilio', () => {
  it('retries a 500 and sends', async () => {
    twilio.script(twilioAnswers.error(500, 20500, 'Internal Server Error'));
    const d = await deliver('sms');
    expect(d).toMatchObject({ status: 'sent', provider: 'twilio', attempts: 2 });
    expect(d.provider_message_id).toMatch(/^SM[0-9a-f]{32}$/);
    const form = new URLSearchParams(twilio.requests.at(-1)!.body);
    expect(form.get('To')).toBe('+14155550100');
    expect(form.get('Body')).toBe(`Heads up: Message ${n}`);
  });

  it('fails at once on an invalid number (21211)', async () => {
    const before = twilio.requests.length;
    twilio.script(twilioAnswers.error(400, 21211, "The 'To' number is not a valid phone number."));
    const d = await deliver('sms');
    expect(d).toMatchObject({ status: 'failed', attempts: 1, error_code: 'twilio_21211' });
    expect(twilio.requests.length - before).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('opens after five provider failures, turns half-open when its time is up, closes after two successes', async () => {
    const p = `test-provider-${Date.now()}`;
    for (let i = 0; i < 4; i++) await health.recordFailure(h.db, p, 'HTTP 500');
    expect((await health.checkCircuit(h.db, p)).open).toBe(false);
    await health.recordFailure(h.db, p, 'HTTP 500');
    const open = await health.checkCircuit(h.db, p);
    expect(open.open).toBe(true);
    expect(Date.parse(open.openUntil!) - Date.now()).toBeGreaterThan(50_000);
    await h.db.query(sql.unsafe`UPDATE provider_health SET open_until = now() WHERE provider = ${p}`);
    expect((await health.checkCircuit(h.db, p)).open).toBe(false);
    await health.recordFailure(h.db, p, 'HTTP 500'); // a failure while half-open opens it again
    expect((await health.checkCircuit(h.db, p)).open).toBe(true);
    await h.db.query(sql.unsafe`UPDATE provider_health SET open_until = now() WHERE provider = ${p}`);
    await health.checkCircuit(h.db, p);
    await health.recordSuccess(h.db, p);
    await health.recordSuccess(h.db, p);
    const row = (await health.listHealth(h.db)).find((r) => r.provider === p);
    expect(row).toMatchObject({ state: 'closed', consecutive_failures: 0 });
  });

  it('holds sends while SendGrid’s circuit is open, then delivers', async () => {
    await h.db.query(sql.unsafe`
      INSERT INTO provider_health (provider, state, opened_at, open_until) VALUES ('sendgrid', 'open', now(), now() + interval '3 seconds')
      ON CONFLICT (provider) DO UPDATE SET state = 'open', consecutive_failures = 5, consecutive_successes = 0,
        opened_at = now(), open_until = now() + interval '3 seconds'`);
    const openUntil = Date.now() + 2_900;
    const before = sendgrid.requests.length;
    const d = await deliver('email');
    expect(d).toMatchObject({ status: 'sent', attempts: 1 });
    const calls = sendgrid.requests.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.at).toBeGreaterThanOrEqual(openUntil);
    const breakers = await h.call('GET', '/api/v1/admin/circuit-breakers', { token });
    expect(breakers.body.data.find((b: { provider: string }) => b.provider === 'sendgrid')).toMatchObject({
      state: 'half_open',
    });
  });
});

describe('nothing is sent twice', () => {
  it('a repeated notification request reaches the provider once', async () => {
    const before = sendgrid.requests.length;
    const c = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: 'p-repeat', first_name: 'Pat', last_name: 'Kim', email: 'repeat@example.com' },
    });
    const body = {
      customer_id: c.body.id,
      kind: 'spending_alert',
      title: 'Once',
      message: 'Only once.',
      dedup_key: 'p-repeat',
      channels: ['email'],
    };
    const first = await h.call('POST', '/api/v1/notifications', { token, body });
    await eventually(async () => (sendgrid.requests.length - before === 1 ? true : undefined));
    const second = await h.call('POST', '/api/v1/notifications', { token, body });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(sendgrid.requests.length - before).toBe(1);
  });
});

describe('provider webhooks', () => {
  const signSendgrid = (payload: string, timestamp = String(Math.floor(Date.now() / 1000))) => ({
    'content-type': 'application/json',
    [EventWebhookHeader.SIGNATURE()]: crypto
      .sign('sha256', Buffer.from(timestamp + payload), sendgridKeys.privateKey)
      .toString('base64'),
    [EventWebhookHeader.TIMESTAMP()]: timestamp,
  });
  const postSendgrid = (events: object[], headers?: Record<string, string>) => {
    const payload = JSON.stringify(events);
    return h.call('POST', '/webhooks/sendgrid', {
      rawBody: payload,
      headers: headers ?? signSendgrid(payload),
    });
  };
  const postTwilio = (params: Record<string, string>, token = TWILIO_TOKEN) => {
    const url = `${h.baseUrl}/webhooks/twilio/status`;
    return h.call('POST', '/webhooks/twilio/status', {
      rawBody: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(token, url, params),
      },
    });
  };

  it('marks an email delivered from a signed SendGrid event', async () => {
    const d = await deliver('email');
    const ok = await postSendgrid([
      { event: 'delivered', email: d.destination, delivery_id: d.id, org_id: orgId, timestamp: 1 },
    ]);
    expect(ok.body).toEqual({ received: 1, applied: 1 });
    const now = await eventually(async () => {
      const n = await h.db.oneFirst(
        sql.unsafe`SELECT status FROM notification_deliveries WHERE id = ${d.id}`,
      );
      return n === 'delivered' ? n : undefined;
    });
    expect(now).toBe('delivered');
  });

  it('marks the address invalid after a bounce, until it is verified again', async () => {
    const d = await deliver('email');
    await postSendgrid([
      {
        event: 'bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: 'mailbox does not exist',
        delivery_id: d.id,
        org_id: orgId,
      },
    ]);
    const bounced = await eventually(async () => {
      const row = await h.db.one(
        sql.unsafe`SELECT status, error_code, customer_id FROM notification_deliveries WHERE id = ${d.id}`,
      );
      return row.status === 'bounced' ? row : undefined;
    });
    expect(bounced.error_code).toBe('5.1.1');
    const prefs = await h.call('GET', `/api/v1/customers/${String(bounced.customer_id)}/preferences`, {
      token,
    });
    expect(prefs.body).toMatchObject({
      email_verified: false,
      email_invalid_reason: 'mailbox does not exist',
    });
    expect(prefs.body.email_invalid_at).not.toBeNull();
    // Staff confirm the address with the customer: email may go out again.
    const verified = await h.call(
      'POST',
      `/api/v1/customers/${String(bounced.customer_id)}/preferences/verify-email`,
      { token },
    );
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      email_verified: true,
      email_invalid_at: null,
      email_invalid_reason: null,
    });
  });

  it('treats a message SendGrid dropped as a bounce of its address', async () => {
    const d = await deliver('email');
    await postSendgrid([{ event: 'dropped', reason: 'Bounced Address', delivery_id: d.id, org_id: orgId }]);
    const row = await eventually(async () => {
      const r = await h.db.one(
        sql.unsafe`SELECT status, customer_id FROM notification_deliveries WHERE id = ${d.id}`,
      );
      return r.status === 'bounced' ? r : undefined;
    });
    const prefs = await h.call('GET', `/api/v1/customers/${String(row.customer_id)}/preferences`, { token });
    expect(prefs.body).toMatchObject({ email_verified: false, email_invalid_reason: 'Bounced Address' });
  });

  it('turns email off after a spam report', async () => {
    const d = await deliver('email');
    await postSendgrid([{ event: 'spamreport', delivery_id: d.id, org_id: orgId }]);
    const customerId = await h.db.oneFirst(
      sql.unsafe`SELECT customer_id FROM notification_deliveries WHERE id = ${d.id}`,
    );
    const off = await eventually(async () => {
      const p = await h.call('GET', `/api/v1/customers/${String(customerId)}/preferences`, { token });
      return p.body.email_enabled === false ? true : undefined;
    });
    expect(off).toBe(true);
  });

  it('refuses bad signatures and stale timestamps with 401, changing nothing', async () => {
    const d = await deliver('email');
    const events = [{ event: 'bounce', delivery_id: d.id, org_id: orgId }];
    const payload = JSON.stringify(events);
    const forged = await h.call('POST', '/webhooks/sendgrid', {
      rawBody: payload,
      headers: {
        ...signSendgrid(payload),
        [EventWebhookHeader.SIGNATURE()]: signSendgrid('[]')[EventWebhookHeader.SIGNATURE()]!,
      },
    });
    expect(forged.status).toBe(401);
    const stale = await postSendgrid(
      events,
      signSendgrid(payload, String(Math.floor(Date.now() / 1000) - 3600)),
    );
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('invalid_signature');
    const twilioForged = await postTwilio({ MessageSid: 'SMx', MessageStatus: 'failed' }, 'wrong-token');
    expect(twilioForged.status).toBe(401);
    expect(
      await h.db.oneFirst(sql.unsafe`SELECT status FROM notification_deliveries WHERE id = ${d.id}`),
    ).toBe('sent');
  });

  it('takes Twilio status callbacks, signed', async () => {
    const d = await deliver('sms');
    const res = await postTwilio({
      MessageSid: d.provider_message_id,
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
    });
    expect(res.status).toBe(204);
    const row = await eventually(async () => {
      const r = await h.db.one(
        sql.unsafe`SELECT status, error_code FROM notification_deliveries WHERE id = ${d.id}`,
      );
      return r.status === 'failed' ? r : undefined;
    });
    expect(row.error_code).toBe('twilio_30003');
  });
});

describe('failed deliveries (the dead letters)', () => {
  it('lists a delivery the provider refused, sends it again on request, and numbers its attempts on', async () => {
    sendgrid.script(sendgridAnswers.error(400, 'The to email does not contain a valid address.'));
    const d = await deliver('email');
    expect(d).toMatchObject({ status: 'failed', attempts: 1 });

    const failed = await h.call('GET', '/api/v1/admin/deliveries/failed?channel=email&limit=100', { token });
    expect(failed.status).toBe(200);
    const listed = failed.body.data.find((x: { id: string }) => x.id === d.id);
    expect(listed).toMatchObject({
      status: 'failed',
      kind: 'spending_alert',
      title: 'Heads up',
      error_code: 'sendgrid_400',
      redeliveries: 0,
    });

    // A bulk request must say what it selects; its dry run changes nothing.
    const unfiltered = await h.call('POST', '/api/v1/admin/deliveries/redeliver', {
      token,
      body: { filter: {}, dry_run: true },
    });
    expect(unfiltered.status).toBe(400);
    expect(unfiltered.body.error.details.issues[0].path).toBe('body.filter');
    const dry = await h.call('POST', '/api/v1/admin/deliveries/redeliver', {
      token,
      body: { filter: { customer_id: listed.customer_id }, dry_run: true },
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dry_run: true,
      data: [{ delivery: { id: d.id, status: 'failed' }, workflow_id: `redeliver-${d.id}-1` }],
    });

    const again = await h.call('POST', `/api/v1/admin/deliveries/${d.id}/redeliver`, { token });
    expect(again.status).toBe(202);
    expect(again.body.workflow_id).toBe(`redeliver-${d.id}-1`);
    expect(await h.temporal.workflow.getHandle(again.body.workflow_id).result()).toEqual({ status: 'sent' });
    recordHistory(again.body.workflow_id, 'redeliver-notification.v1');
    const detail = await h.call('GET', `/api/v1/notifications/${listed.notification_id}`, { token });
    const sent = detail.body.deliveries.find((x: { id: string }) => x.id === d.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, error_code: null, redeliveries: 1 });
    expect(sent.attempt_log.map((a: { attempt: number; outcome: string }) => [a.attempt, a.outcome])).toEqual(
      [
        [1, 'failed'],
        [2, 'sent'],
      ],
    );
    const gone = await h.call('GET', `/api/v1/admin/deliveries/failed?customer_id=${listed.customer_id}`, {
      token,
    });
    expect(gone.body.data).toEqual([]);

    // Only a failed delivery goes again; the audit trail names who asked.
    const twice = await h.call('POST', `/api/v1/admin/deliveries/${d.id}/redeliver`, { token });
    expect(twice.status).toBe(409);
    const audit = await h.db.anyFirst(sql.unsafe`
      SELECT action FROM audit_events WHERE org_id = ${orgId} AND resource_id = ${d.id} AND action = 'delivery.redelivered'`);
    expect(audit).toEqual(['delivery.redelivered']);
  });

  it("leaves a later round alone when an earlier round's failure is recorded late", async () => {
    sendgrid.script(sendgridAnswers.error(400, 'The to email does not contain a valid address.'));
    const d = await deliver('email');
    // The operator's second round is pending (its run not yet started) when the first run's
    // last step, recording the failure, arrives.
    await h.db.transaction((t) => deliveryRows.markRedelivering(t, orgId, [d.id]));
    expect(await deliveryRows.failRound(h.db, orgId, d.id, 0, 'late')).toBeNull();
    expect(await deliveryRows.getDelivery(h.db, orgId, d.id)).toMatchObject({
      status: 'pending',
      redeliveries: 1,
    });
    expect(await deliveryRows.failRound(h.db, orgId, d.id, 1, 'the second round failed')).toBe('email');
    expect(await deliveryRows.getDelivery(h.db, orgId, d.id)).toMatchObject({
      status: 'failed',
      error_text: 'the second round failed',
    });
  });
});
