import { sql } from 'slonik';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { openSse } from '../helpers/sse.js';
import { customerWithHistory } from '../helpers/triage-fixtures.js';
import { raiseAlert } from '../../db/triage/alerts.js';
import { ensureCase } from '../../db/triage/cases.js';
import { assignSmsNumber } from '../../db/platform/organizations.js';

const TWILIO_AUTH_TOKEN = 'security-test-twilio-token';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true, config: { TWILIO_AUTH_TOKEN, REVOCATION_POLL_MS: 200 } });
});
afterAll(() => h.close());

describe('roles (issue 11, item 4)', () => {
  it('keeps org-wide templates and critical sends away from the lowest write role', async () => {
    const { orgId, users } = await h.createOrg(['supervisor', 'agent']);
    const supervisor = users.supervisor.token;
    const agent = users.agent.token;
    const template = { kind: 'bill_reminder', channel: 'sms', body: 'Pay {{bill_name}} by {{due_date}}' };

    const denied = await h.call('POST', '/api/v1/notification-templates', { token: agent, body: template });
    expect(denied.status).toBe(403);
    const created = await h.call('POST', '/api/v1/notification-templates', {
      token: supervisor,
      body: template,
    });
    expect(created.status).toBe(201);
    const activate = `/api/v1/notification-templates/${created.body.id}/activate`;
    expect((await h.call('POST', activate, { token: agent })).status).toBe(403);
    expect((await h.call('POST', activate, { token: supervisor })).status).toBe(200);

    const customer = await h.call('POST', '/api/v1/customers', {
      token: supervisor,
      body: { external_id: `sec-${orgId}`, first_name: 'Lee', last_name: 'Park', email: 'lee@example.com' },
    });
    const notice = (dedup: string, critical: boolean) => ({
      customer_id: customer.body.id,
      kind: 'fraud_alert',
      title: 'Call us now',
      message: 'Free text that would skip quiet hours and limits',
      dedup_key: dedup,
      critical,
    });
    const critical = await h.call('POST', '/api/v1/notifications', { token: agent, body: notice('a', true) });
    expect(critical.status).toBe(403);
    expect(critical.body.error.message).toMatch(/notifications:critical/);
    expect(
      await h.db.oneFirst(sql.unsafe`SELECT count(*)::int FROM notifications WHERE org_id = ${orgId}`),
    ).toBe(0);
    // The system's kinds are refused too (issue 28 item 3): only critical callers may send them.
    expect(
      (await h.call('POST', '/api/v1/notifications', { token: agent, body: notice('b', false) })).status,
    ).toBe(403);
    expect(
      (await h.call('POST', '/api/v1/notifications', { token: supervisor, body: notice('c', true) })).status,
    ).toBe(202);
  });
});

describe('admin signals (issue 11, item 7)', () => {
  it('takes only declared signals with arguments their handler can take', async () => {
    const { users } = await h.createOrg(['supervisor']);
    const token = users.supervisor.token;
    const f = await customerWithHistory(h, token, { cardNumber: '5200 8282 8282 8210' });
    const frozen = await h.call('POST', '/api/v1/actions/freeze-card', {
      token,
      body: { card_id: f.card.id, reason: 'suspicious', duration_hours: 2 },
    });
    expect(frozen.status).toBe(200);
    const signal = (body: object) =>
      h.call('POST', `/api/v1/admin/workflows/card-freeze-${f.card.id}/signal`, { token, body });

    const huge = await signal({ name: 'extend', args: [{ hours: 1e12 }] });
    expect(huge.status).toBe(400);
    expect(huge.body.error.details.issues[0].path).toBe('body.args[0].hours');
    const unknown = await signal({ name: 'thaw', args: [] });
    expect(unknown.status).toBe(404);
    expect((await h.call('GET', `/api/v1/cards/${f.card.id}`, { token })).body.status).toBe('frozen');

    // The freeze still works: a valid extend, then an unfreeze, which lifts it.
    expect((await signal({ name: 'extend', args: [{ hours: 1 }] })).status).toBe(202);
    expect((await signal({ name: 'unfreeze', args: [{ reason: 'customer verified' }] })).status).toBe(202);
    await eventually(async () => {
      const card = await h.call('GET', `/api/v1/cards/${f.card.id}`, { token });
      return card.body.status === 'active' || undefined;
    });
  });
});

describe('audit keys (issue 11, item 3)', () => {
  /** An org with a customer, a low alert (no triage runs) and its case. */
  async function orgWithAlert() {
    const { orgId, users } = await h.createOrg(['supervisor']);
    const token = users.supervisor.token;
    const customer = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: `audit-${orgId}`, first_name: 'Ana', last_name: 'Ruiz' },
    });
    const { alert } = await raiseAlert(h.db, orgId, {
      customer_id: customer.body.id,
      transaction_id: null,
      card_id: null,
      alert_type: 'manual_review',
      priority: 'low',
      title: 'Review',
      description: 'Review the account',
      data: {},
      dedup_key: `audit-${orgId}`,
    });
    await ensureCase(h.db, orgId, {
      alert_id: alert.id,
      customer_id: customer.body.id,
      priority: 'low',
      sla_due_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    return { orgId, token, alertId: alert.id };
  }
  const audits = (orgId: string, action: string) =>
    h.db.oneFirst(
      sql.unsafe`SELECT count(*)::int FROM audit_events WHERE org_id = ${orgId} AND action = ${action}`,
    );

  it('writes every command, whatever request id or key the client reuses, in every organisation', async () => {
    const a = await orgWithAlert();
    const b = await orgWithAlert();
    const headers = { 'x-request-id': 'reused-request-id' };
    for (const org of [a, b]) {
      for (const note of ['first', 'second']) {
        const res = await h.call('POST', `/api/v1/alerts/${org.alertId}/notes`, {
          token: org.token,
          headers,
          body: { note },
        });
        expect(res.status).toBe(201);
      }
      const resolved = await h.call('POST', `/api/v1/alerts/${org.alertId}/resolve`, {
        token: org.token,
        headers: { ...headers, 'idempotency-key': 'same-key-everywhere' },
        body: { resolution: 'reviewed' },
      });
      expect(resolved.status).toBe(200);
    }
    for (const org of [a, b]) {
      expect(await audits(org.orgId, 'case.note_added')).toBe(2);
      expect(await audits(org.orgId, 'alert.resolved')).toBe(1);
    }
  });

  it('answers a retried Idempotency-Key with the first result, and refuses it for another body', async () => {
    const a = await orgWithAlert();
    const resolve = (resolution: string) =>
      h.call('POST', `/api/v1/alerts/${a.alertId}/resolve`, {
        token: a.token,
        headers: { 'idempotency-key': 'resolve-once' },
        body: { resolution },
      });
    const first = await resolve('reviewed');
    expect(first.status).toBe(200);
    const again = await resolve('reviewed');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await resolve('something else');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await audits(a.orgId, 'alert.resolved')).toBe(1);
  });
});

describe('inbound SMS routing (issue 11, item 5)', () => {
  /** An org with its own SMS number and a customer (same phone in every org) asked by SMS. */
  async function orgAsking(smsNumber: string) {
    const { orgId, users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    // A platform operator gives the number first (issue 28 item 7).
    expect(await assignSmsNumber(h.db, orgId, smsNumber, 'test-operator')).toBe(true);
    const set = await h.call('PATCH', '/api/v1/organization', { token, body: { sms_number: smsNumber } });
    expect(set.status).toBe(200);
    const customer = await h.call('POST', '/api/v1/customers', {
      token,
      // Written as a person would; stored as E.164, as Twilio sends it.
      body: { external_id: `sms-${orgId}`, first_name: 'Kim', last_name: 'Lee', phone: '+1 (415) 555-0142' },
    });
    expect(customer.body.phone).toBe('+14155550142');
    return { orgId, token, customerId: customer.body.id as string, ...(await ask(token, customer.body.id)) };
  }
  async function ask(token: string, customerId: string) {
    const contact = await h.call('POST', '/api/v1/actions/contact-customer', {
      token,
      body: {
        customer_id: customerId,
        communication_type: 'sms',
        template: 'fraud_verification',
        variables: { amount: '£10.00', merchant: 'Shop' },
        expect_reply: true,
      },
    });
    await eventually(async () => {
      const c = await h.call('GET', `/api/v1/contacts/${contact.body.id}`, { token });
      return c.body.status === 'awaiting_reply' ? true : undefined;
    });
    return { contactId: contact.body.id as string };
  }
  const inbound = (to: string, body: string) => {
    const params = { From: '+14155550142', To: to, Body: body, MessageSid: `SM${to}${body}` };
    return h.call('POST', '/webhooks/twilio/inbound', {
      rawBody: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': getExpectedTwilioSignature(
          TWILIO_AUTH_TOKEN,
          `${h.baseUrl}/webhooks/twilio/inbound`,
          params,
        ),
      },
    });
  };
  const status = async (o: { token: string; contactId: string }) =>
    (await h.call('GET', `/api/v1/contacts/${o.contactId}`, { token: o.token })).body;

  it('answers only the contact of the organisation whose number received the reply', async () => {
    const suffix = String(Math.floor(Math.random() * 9000) + 1000);
    const a = await orgAsking(`+1415700${suffix}`);
    const b = await orgAsking(`+1415800${suffix}`); // asked later: newest, yet another tenant
    expect((await inbound('+15550000000', 'YES')).status).toBe(200); // nobody's number: dropped
    expect((await inbound(`+1415700${suffix}`, 'NO')).status).toBe(200);
    const answered = await eventually(async () => {
      const c = await status(a);
      return c.status === 'replied' ? c : undefined;
    });
    expect(answered).toMatchObject({ answer: 'no', answered_via: 'sms' });
    expect(await status(b)).toMatchObject({ status: 'awaiting_reply', answer: null });
    const clash = await h.call('PATCH', '/api/v1/organization', {
      token: b.token,
      body: { sms_number: `+1 415 700 ${suffix}` },
    });
    // Another organisation's number was never given to b.
    expect(clash.status).toBe(422);
    expect(clash.body.error.details.issues[0]).toMatchObject({
      path: 'body.sms_number',
      code: 'not_assigned',
    });

    // A replayed webhook (the same MessageSid) acts once (issue 28 item 7): b answers NO, is asked
    // again, and the replayed NO is dropped, so the next real reply is the one that counts.
    const bNumber = `+1415800${suffix}`;
    expect((await inbound(bNumber, 'NO')).status).toBe(200);
    await eventually(async () => ((await status(b)).status === 'replied' ? true : undefined));
    const again = { token: b.token, ...(await ask(b.token, b.customerId)) };
    expect((await inbound(bNumber, 'NO')).status).toBe(200); // the replay
    expect((await inbound(bNumber, 'YES')).status).toBe(200);
    const second = await eventually(async () => {
      const c = await status(again);
      return c.status === 'replied' ? c : undefined;
    });
    expect(second.answer).toBe('yes');
    const local = await h.call('POST', '/api/v1/customers', {
      token: a.token,
      body: { external_id: `local-${suffix}`, first_name: 'A', last_name: 'B', phone: '415 555 0142' },
    });
    expect(local.status).toBe(400);
    expect(local.body.error.details.issues[0].path).toBe('body.phone');
  });
});

describe('masking (issue 11, item 6)', () => {
  it('masks address, delivery destinations, email search and the outbox for roles without pii:read', async () => {
    const { orgId, users } = await h.createOrg(['supervisor', 'viewer']);
    const whole = users.supervisor.token;
    const viewer = users.viewer.token;
    const customer = await h.call('POST', '/api/v1/customers', {
      token: whole,
      body: {
        external_id: `mask-${orgId}`,
        first_name: 'Noor',
        last_name: 'Haddad',
        email: 'noor.haddad@example.com',
        phone: '+44 20 7946 0958',
        address: { line1: '1 High Street', city: 'London', postal_code: 'N1 9GU', country: 'GB' },
      },
    });
    const id = customer.body.id as string;
    const seen = await h.call('GET', `/api/v1/customers/${id}`, { token: viewer });
    expect(seen.body).toMatchObject({ address: { country: 'GB' }, email: 'no***@example.com' });
    expect(JSON.stringify(seen.body)).not.toMatch(/High Street|N1 9GU|London/);
    expect((await h.call('GET', `/api/v1/customers/${id}`, { token: whole })).body.address).toMatchObject({
      line1: '1 High Street',
    });
    // The read and its trace are one statement: a customer shown whole leaves its row, a miss none.
    const viewedRows = () =>
      h.db.any(sql.unsafe`
      SELECT resource_id, after FROM audit_events
      WHERE org_id = ${orgId} AND action = 'customer.pii_viewed' AND resource_type = 'customer'
        AND resource_id IS NOT NULL`);
    expect(await viewedRows()).toEqual([{ resource_id: id, after: { customer_ids: [id] } }]);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await h.call('GET', `/api/v1/customers/${missing}`, { token: whole })).status).toBe(404);
    expect(await viewedRows()).toHaveLength(1);

    const search = (token: string, q: string) =>
      h.call('GET', `/api/v1/customers?search=${encodeURIComponent(q)}`, { token });
    expect((await search(viewer, 'noor.haddad@example.com')).body.data).toEqual([]);
    expect((await search(viewer, 'Haddad')).body.data).toHaveLength(1);
    expect((await search(whole, 'noor.haddad@example.com')).body.data).toHaveLength(1);

    const sent = await h.call('POST', '/api/v1/notifications', {
      token: whole,
      body: {
        customer_id: id,
        kind: 'account_update',
        title: 'Statement ready',
        message: 'Your statement is ready',
        dedup_key: 'mask-1',
        channels: ['email', 'sms'],
      },
    });
    expect(sent.status).toBe(202);
    const path = `/api/v1/notifications/${sent.body.id}`;
    const masked = await eventually(async () => {
      const n = await h.call('GET', path, { token: viewer });
      return n.body.deliveries?.filter((d: { destination: string | null }) => d.destination).length === 2
        ? n.body
        : undefined;
    });
    const destinations = (n: { deliveries: { channel: string; destination: string | null }[] }) =>
      Object.fromEntries(n.deliveries.filter((d) => d.destination).map((d) => [d.channel, d.destination]));
    expect(destinations(masked)).toEqual({ email: 'no***@example.com', sms: '207-***-0958' });
    expect(destinations((await h.call('GET', path, { token: whole })).body)).toEqual({
      email: 'noor.haddad@example.com',
      sms: '+442079460958',
    });

    expect((await h.call('GET', '/api/v1/dev/outbox', { token: viewer })).status).toBe(403);
    await eventually(async () => {
      const outbox = await h.call('GET', '/api/v1/dev/outbox', { token: whole });
      return outbox.status === 200 && outbox.body.data.length === 2 ? true : undefined;
    });
    const audited = await h.db.anyFirst(sql.unsafe`
      SELECT DISTINCT resource_type FROM audit_events
      WHERE org_id = ${orgId} AND action = 'customer.pii_viewed' AND actor_id = ${users.supervisor.id}
      ORDER BY 1`);
    expect(audited).toEqual(['customer', 'notification', 'outbox']);
  });
});

describe('staff administration (issue 11, item 4)', () => {
  const me = (token: string) => h.call('GET', '/api/v1/me', { token });
  const refused = (check: () => Promise<{ status: number }>) =>
    eventually(async () => ((await check()).status === 401 ? true : undefined), 10_000);

  it('changes a role: old tokens stop within seconds, a refresh carries the new role', async () => {
    const { users } = await h.createOrg(['admin', 'analyst']);
    const admin = users.admin.token;
    const analyst = users.analyst;
    expect((await me(analyst.token)).body.role).toBe('analyst');
    const changed = await h.call('PATCH', `/api/v1/users/${analyst.id}`, {
      token: admin,
      body: { role: 'viewer' },
    });
    expect(changed.body).toMatchObject({ role: 'viewer', status: 'active' });
    await refused(() => me(analyst.token));
    const refreshed = await h.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: analyst.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect((await me(refreshed.body.access_token)).body.role).toBe('viewer');
    expect(
      (await h.call('PATCH', `/api/v1/users/${users.admin.id}`, { token: admin, body: { role: 'viewer' } }))
        .status,
    ).toBe(409); // not yourself
    expect(
      (
        await h.call('PATCH', `/api/v1/users/${analyst.id}`, {
          token: analyst.token,
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(401);
  });

  it('revokes access: tokens, sessions, API keys and open streams end within seconds; disabling blocks login', async () => {
    const { orgId, users } = await h.createOrg(['admin', 'supervisor']);
    const admin = users.admin.token;
    const colleague = await h.createOrg(['admin']); // a second admin of another org must be unaffected
    // A second admin in the same org creates an API key, then leaves.
    const { insertUser } = await import('../../db/platform/users.js');
    const { hashPassword } = await import('../../lib/passwords.js');
    const leaver = await insertUser(h.db, {
      orgId,
      email: `leaver-${orgId}@example.test`,
      name: 'Leaver',
      role: 'admin',
      passwordHash: await hashPassword('correct horse battery staple'),
    });
    const login = await h.call('POST', '/api/v1/auth/login', {
      body: { email: leaver.email, password: 'correct horse battery staple' },
    });
    const key = await h.call('POST', '/api/v1/api-keys', {
      token: login.body.access_token,
      body: { name: 'ci', role: 'viewer' },
    });
    const apiKey = key.body.key as string;
    expect((await h.call('GET', '/api/v1/me', { apiKey })).status).toBe(200);
    const stream = openSse(`${h.baseUrl}/api/v1/stream/alerts`, {
      authorization: `Bearer ${login.body.access_token}`,
    });
    await stream.connected;

    const revoked = await h.call('POST', `/api/v1/users/${leaver.id}/revoke-access`, { token: admin });
    expect(revoked.body).toEqual({ sessions_revoked: 1, api_keys_revoked: 1 });
    await refused(() => me(login.body.access_token));
    expect((await h.call('GET', '/api/v1/me', { apiKey })).status).toBe(401);
    expect(
      (await h.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: login.body.refresh_token } }))
        .status,
    ).toBe(401);
    const ended = await Promise.race([
      stream.ended.then(() => 'closed by the server'),
      new Promise((r) => setTimeout(() => r('still open'), 10_000)),
    ]);
    expect(ended).toBe('closed by the server');
    expect((await me(colleague.users.admin.token)).status).toBe(200);
    expect((await me(users.supervisor.token)).status).toBe(200);

    // Disabled: no login, no token, no refresh.
    const supervisor = users.supervisor;
    const disabled = await h.call('PATCH', `/api/v1/users/${supervisor.id}`, {
      token: admin,
      body: { status: 'disabled' },
    });
    expect(disabled.body.status).toBe('disabled');
    await refused(() => me(supervisor.token));
    expect(
      (await h.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: supervisor.refreshToken } }))
        .status,
    ).toBe(401);
    const audit = await h.db.anyFirst(sql.unsafe`
      SELECT action FROM audit_events WHERE org_id = ${orgId} AND resource_type = 'user' ORDER BY created_at`);
    expect(audit).toEqual(expect.arrayContaining(['user.access_revoked', 'user.disabled']));
  });

  it('ends a session at its absolute age however often it was refreshed', async () => {
    const { users } = await h.createOrg(['analyst']);
    await h.db.query(sql.unsafe`
      UPDATE refresh_tokens SET session_started_at = now() - interval '31 days' WHERE user_id = ${users.analyst.id}`);
    const res = await h.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: users.analyst.refreshToken },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/maximum age/);
  });
});
