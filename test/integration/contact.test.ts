import { sql } from 'slonik';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignSmsNumber } from '../../db/platform/organizations.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

const TWILIO_TOKEN = 'inbound-test-token';
const ORG_NUMBER = '+1 500 555 0006';
let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness({ worker: true, config: { TWILIO_AUTH_TOKEN: TWILIO_TOKEN } });
  const { orgId, users } = await h.createOrg(['supervisor', 'admin']);
  token = users.supervisor.token;
  await assignSmsNumber(h.db, orgId, '+15005550006', 'test-operator');
  const set = await h.call('PATCH', '/api/v1/organization', {
    token: users.admin.token,
    body: { sms_number: ORG_NUMBER },
  });
  expect(set.body).toMatchObject({ sms_number: '+15005550006' });
});
afterAll(() => h.close());

let n = 0;
async function contactCustomer(phone: string, channel: 'sms' | 'email') {
  const c = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: `ct-${++n}`,
      first_name: 'Lee',
      last_name: 'Park',
      email: `lee${n}@example.com`,
      phone,
    },
  });
  const started = await h.call('POST', '/api/v1/actions/contact-customer', {
    token,
    body: {
      customer_id: c.body.id,
      communication_type: channel,
      template: 'fraud_verification',
      variables: { amount: '£4,800.00', merchant: 'CoinFast' },
      expect_reply: true,
    },
  });
  expect(started.status).toBe(202);
  // The message reaches the outbox (email with signed answer links; SMS asks for a reply).
  const sms = await eventually(
    async () =>
      (await h.db.maybeOneFirst(sql.unsafe`
      SELECT o.body_text FROM outbox_messages o JOIN notification_deliveries d ON d.id = o.delivery_id
      JOIN notifications x ON x.id = d.notification_id
      WHERE x.metadata->>'contact_id' = ${started.body.id} AND o.channel = ${channel}`)) ?? undefined,
  );
  return { contact: started.body, sms: String(sms) };
}

const awaitAnswer = (id: string) =>
  eventually(async () => {
    const c = await h.call('GET', `/api/v1/contacts/${id}`, { token });
    return c.body.status === 'replied' ? c.body : undefined;
  });

describe('customer contact', () => {
  it('asks by email; a GET of the link only shows a button, its POST records the answer once', async () => {
    const { contact, sms: email } = await contactCustomer('+1 415 555 0101', 'email');
    expect(email).toMatch(/We saw a payment of £4,800.00 at CoinFast\. Was it you\?/);
    const yes = new URL(/Yes, it was me: (\S+)/.exec(email)![1]!).pathname;
    const no = new URL(/No, it was not me: (\S+)/.exec(email)![1]!).pathname;
    expect(yes).toContain(`/api/v1/contact/${contact.id}.yes.`);

    // The links exist only in the message sent: not in the notification viewers, streams and lists read.
    const stored = await h.db.oneFirst(sql.unsafe`
      SELECT string_agg(message, ' ') FROM notifications WHERE metadata->>'contact_id' = ${contact.id}`);
    expect(String(stored)).not.toContain('/contact/');
    const streamed = await h.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM events WHERE payload::text LIKE ${`%/contact/${contact.id}.%`}`);
    expect(streamed).toBe(0);

    expect((await h.call('GET', yes.replace(/\.[^.]+$/, '.forged'))).status).toBe(404);
    expect((await h.call('POST', yes.replace('.yes.', '.no.'))).status).toBe(404); // the answer is signed
    // A mail scanner following both links changes nothing.
    for (const link of [yes, no, yes]) {
      const page = await h.call('GET', link);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.body).toContain('<form method="post">');
      expect(page.body).not.toContain('<script');
    }
    expect((await h.call('GET', `/api/v1/contacts/${contact.id}`, { token })).body).toMatchObject({
      status: 'awaiting_reply',
      answer: null,
    });

    const answered = await h.call('POST', yes);
    expect(answered.status).toBe(200);
    expect(answered.body).toContain('your answer has been recorded');
    expect(await awaitAnswer(contact.id)).toMatchObject({
      answer: 'yes',
      answered_via: 'link',
      current_channel: 'email',
    });
    // Single use, and the other answer's link dies with it.
    expect((await h.call('POST', yes)).status).toBe(410);
    expect((await h.call('POST', no)).status).toBe(410);
    expect((await h.call('GET', no)).status).toBe(410);
    const result = await h.temporal.workflow.getHandle(contact.workflow_id).result();
    expect(result).toEqual({ outcome: 'yes', channel: 'email' });
  });

  it('asks by SMS within 160 characters and takes a NO by inbound SMS, signed by Twilio', async () => {
    const { contact, sms } = await contactCustomer('+1 415 555 0102', 'sms');
    expect(sms).toBe(
      'Did you make this payment?: £4,800.00 at CoinFast. Reply YES if it was you, NO if not.',
    );
    const url = `${h.baseUrl}/webhooks/twilio/inbound`;
    const params = { From: '+14155550102', To: '+15005550006', Body: 'No', MessageSid: 'SMin1' };
    const forged = await h.call('POST', '/webhooks/twilio/inbound', {
      rawBody: new URLSearchParams(params).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
    });
    expect(forged.status).toBe(401);
    const ok = await h.call('POST', '/webhooks/twilio/inbound', {
      rawBody: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(TWILIO_TOKEN, url, params),
      },
    });
    expect(ok.status).toBe(200);
    expect(await awaitAnswer(contact.id)).toMatchObject({ answer: 'no', answered_via: 'sms' });
  });

  it('records an answer given to staff, once', async () => {
    const { contact } = await contactCustomer('+1 415 555 0103', 'sms');
    const first = await h.call('POST', `/api/v1/contacts/${contact.id}/answer`, {
      token,
      body: { answer: 'yes' },
    });
    expect(first.status).toBe(202);
    expect(await awaitAnswer(contact.id)).toMatchObject({ answer: 'yes', answered_via: 'agent' });
    const again = await h.call('POST', `/api/v1/contacts/${contact.id}/answer`, {
      token,
      body: { answer: 'no' },
    });
    expect(again.status).toBe(409);
  });

  it('refuses bad requests', async () => {
    const bad = await h.call('POST', '/api/v1/actions/contact-customer', {
      token,
      body: {
        customer_id: '00000000-0000-4000-8000-000000000000',
        communication_type: 'fax',
        template: 'nope',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.communication_type',
      'body.template',
    ]);
    expect((await h.call('GET', '/api/v1/contact/garbage')).status).toBe(404);
    expect((await h.call('POST', '/api/v1/contact/garbage')).status).toBe(404);
  });
});
