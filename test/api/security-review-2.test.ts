import net from 'node:net';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotification } from '../../db/notify/notifications.js';
import { assignSmsNumber } from '../../db/platform/organizations.js';
import { eventually, startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js';
import { openSse } from '../helpers/sse.js';

// Issue 28: each test is the attack, made as the lowest role that could make it.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    worker: true,
    // TWILIO_FROM: the deployment's shared sending number (SMS still go to the outbox here).
    // PAYMENTS_PROVIDER=manual: this deployment charges no card (item 11).
    config: { REVOCATION_POLL_MS: 200, TWILIO_FROM: '+1 500 555 0099', PAYMENTS_PROVIDER: 'manual' },
  });
});
afterAll(() => h.close());

// 2,000 items inside the 4 KiB metadata limit.
const items: number[] = new Array<number>(2_000).fill(1);
const loops =
  '{{#each metadata.items}}{{#each ../metadata.items}}{{#each ../../metadata.items}}x{{/each}}{{/each}}{{/each}}';

async function orgWithCustomer(roles: NonNullable<Parameters<Harness['createOrg']>[0]>) {
  const org = await h.createOrg(roles);
  const token = org.users[roles[0]!].token;
  const customer = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: `sec2-${org.orgId}`,
      first_name: 'Rae',
      last_name: 'Stone',
      email: 'rae@example.com',
      phone: '+14155550142',
    },
  });
  expect(customer.status).toBe(201);
  return { ...org, customerId: customer.body.id as string };
}

describe('template rendering with a budget (item 1)', () => {
  it('refuses a viewer’s preview, and answers a hostile preview with a 422 at once', async () => {
    const { users } = await h.createOrg(['viewer', 'supervisor']);
    const draft = { kind: 'probe', channel: 'email', body: loops, data: { metadata: { items } } };
    const viewer = await h.call('POST', '/api/v1/notification-templates/preview', {
      token: users.viewer.token,
      body: draft,
    });
    expect(viewer.status).toBe(403);

    const started = Date.now();
    const [hostile, live] = await Promise.all([
      h.call('POST', '/api/v1/notification-templates/preview', {
        token: users.supervisor.token,
        body: draft,
      }),
      h.call('GET', '/health/live'),
    ]);
    expect(hostile.status).toBe(422);
    expect(hostile.body.error.details.issues[0]).toMatchObject({
      path: 'body.body',
      code: 'template_too_expensive',
    });
    expect(live.status).toBe(200);
    // 8·10⁹ iterations unbounded; the budget stops it after 10,000 (a generous bound on a busy CI box).
    expect(Date.now() - started).toBeLessThan(5_000);

    // Blocks nested past the budget do not compile at all.
    const deep = '{{#if a}}'.repeat(9) + 'x' + '{{/if}}'.repeat(9);
    const refused = await h.call('POST', '/api/v1/notification-templates', {
      token: users.supervisor.token,
      body: { kind: 'probe', channel: 'email', body: deep },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0].path).toBe('body.body');
    // An else-if chain is one level, however long.
    const chain = '{{#if a}}1' + '{{else if b}}2'.repeat(12) + '{{/if}}';
    const chained = await h.call('POST', '/api/v1/notification-templates', {
      token: users.supervisor.token,
      body: { kind: 'probe', channel: 'email', body: chain },
    });
    expect(chained.status).toBe(201);
  });

  it('fails and dead-letters a delivery whose template runs past the budget, leaving the worker free', async () => {
    const { users, customerId } = await orgWithCustomer(['admin']);
    const token = users.admin.token;
    const template = await h.call('POST', '/api/v1/notification-templates', {
      token,
      body: { kind: 'loop_probe', channel: 'email', subject: 'Hi', body: loops },
    });
    expect(template.status).toBe(201);
    expect(
      (await h.call('POST', `/api/v1/notification-templates/${template.body.id}/activate`, { token })).status,
    ).toBe(200);
    const sent = await h.call('POST', '/api/v1/notifications', {
      token,
      body: {
        customer_id: customerId,
        kind: 'loop_probe',
        title: 'Loop',
        message: 'Loop',
        dedup_key: 'loop-1',
        channels: ['email'],
        metadata: { items },
      },
    });
    expect(sent.status).toBe(202);
    const email = await eventually(async () => {
      const n = await h.call('GET', `/api/v1/notifications/${sent.body.id}`, { token });
      const d = n.body.deliveries.find((x: { channel: string }) => x.channel === 'email');
      return d?.status === 'failed' ? d : undefined;
    }, 30_000);
    expect(email.error_text).toMatch(/block iterations/);
    const dead = await h.call('GET', '/api/v1/admin/deliveries/failed', { token });
    expect(dead.body.data.map((d: { id: string }) => d.id)).toContain(email.id);
  });
});

describe('critical only by permission (item 3), links and dedup keys only the system’s (items 4, 5)', () => {
  it('refuses the system’s kinds to an agent and never makes a notification critical by its kind', async () => {
    const { users, customerId } = await orgWithCustomer(['admin', 'agent']);
    const notice = (kind: string, dedup: string, extra: Record<string, unknown> = {}) => ({
      customer_id: customerId,
      kind,
      title: 'Call us now',
      message: 'Text posing as the fraud team',
      dedup_key: dedup,
      channels: ['email'],
      ...extra,
    });
    const posed = await h.call('POST', '/api/v1/notifications', {
      token: users.agent.token,
      body: notice('fraud_alert', 'posed-1'),
    });
    expect(posed.status).toBe(403);
    expect(posed.body.error.message).toMatch(/notifications:critical/);

    // Inside the customer's quiet hours, a large_transaction kind not flagged critical waits like any other.
    const prefs = await h.call('PUT', `/api/v1/customers/${customerId}/preferences`, {
      token: users.admin.token,
      body: {
        quiet_hours_enabled: true,
        quiet_hours_start: '00:00',
        quiet_hours_end: '23:59',
        timezone: 'UTC',
      },
    });
    expect(prefs.status).toBe(200);
    const plain = await h.call('POST', '/api/v1/notifications', {
      token: users.admin.token,
      body: notice('large_transaction', 'plain-1'),
    });
    expect(plain.status).toBe(202);
    expect(plain.body.critical).toBe(false);
    const held = await eventually(async () => {
      const n = await h.call('GET', `/api/v1/notifications/${plain.body.id}`, { token: users.admin.token });
      const d = n.body.deliveries.find((x: { channel: string }) => x.channel === 'email');
      return d?.held_until ? d : undefined;
    });
    expect(held.status).toBe('pending');
    expect(held.sent_at).toBeNull();
  });

  it('refuses answer links and system dedup keys from API callers; their keys never meet the system’s', async () => {
    const { orgId, users, customerId } = await orgWithCustomer(['admin']);
    const token = users.admin.token;
    const body = (dedup: string, metadata: Record<string, unknown> = {}) => ({
      customer_id: customerId,
      kind: 'account_update',
      title: 'Hello',
      message: 'Hello',
      dedup_key: dedup,
      metadata,
    });
    const linked = await h.call('POST', '/api/v1/notifications', {
      token,
      body: body('link-1', { contact_id: '00000000-0000-4000-8000-000000000001' }),
    });
    expect(linked.status).toBe(422);
    expect(linked.body.error.details.issues[0].path).toBe('body.metadata');
    for (const reserved of ['contact:abc:email', 'alert-rule:x:tx:y', 'bail:court:z']) {
      const res = await h.call('POST', '/api/v1/notifications', { token, body: body(reserved) });
      expect(res.status).toBe(422);
      expect(res.body.error.details.issues[0]).toMatchObject({ path: 'body.dedup_key', code: 'reserved' });
    }
    // The same key from the API and from the system are two notifications.
    const api = await h.call('POST', '/api/v1/notifications', { token, body: body('shared-key') });
    expect(api.status).toBe(202);
    const system = await createNotification(h.db, orgId, { ...body('shared-key'), source: 'rules' });
    expect(system.created).toBe(true);
    expect(system.row.id).not.toBe(api.body.id);
  });
});

describe('idempotency keys are the caller’s own (item 13)', () => {
  it('does not replay one agent’s result to another who sends the same key', async () => {
    const { orgId, users } = await h.createOrg(['agent', 'supervisor']);
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token: users.agent.token,
      body: { first_name: 'Ida', last_name: 'Key', email: 'ida@example.test' },
    });
    const bond = await h.call('POST', '/api/v1/bail/bonds', {
      token: users.agent.token,
      body: {
        bond_number: `K-${orgId.slice(0, 8)}`,
        client_id: client.body.id,
        amount: '2000.00',
        premium: '200.00',
        charges: [{ description: 'Theft' }],
        indemnitors: [],
        appearances: [],
      },
    });
    expect(bond.status).toBe(201);
    const pay = (token: string) =>
      h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/payments`, {
        token,
        headers: { 'idempotency-key': 'receipt-1' },
        body: { amount: '50.00', method: 'cash' },
      });
    const mine = await pay(users.agent.token);
    const theirs = await pay(users.supervisor.token);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    const again = await pay(users.agent.token);
    expect(again.body.id).toBe(mine.body.id);
    // With PAYMENTS_PROVIDER=manual no card is charged, now or by a plan (item 11).
    const charge = await h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/payments/charge`, {
      token: users.agent.token,
      headers: { 'idempotency-key': 'card-1' },
      body: { amount: '50.00', payment_method_id: 'pm_card_visa' },
    });
    expect(charge.status).toBe(422);
    expect(charge.body.error.message).toMatch(/PAYMENTS_PROVIDER=manual/);
    const plan = await h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/payment-plans`, {
      token: users.agent.token,
      body: {
        payment_method: { payment_method_id: 'pm_card_visa' },
        installments: [{ due_date: '2030-01-01', amount: '100.00' }],
      },
    });
    expect(plan.status).toBe(422);
    expect(await h.db.oneFirst(sql.unsafe`SELECT count(*)::int FROM payments WHERE org_id = ${orgId}`)).toBe(
      2,
    );
  });
});

describe('offboarding reaches API keys (item 6)', () => {
  it('caps a key at its owner’s role, revokes it and the keys it made with the owner, and expires it', async () => {
    const { users } = await h.createOrg(['admin', 'supervisor']);
    // A second admin: the owner of the keys, demoted and then disabled by the first.
    const owner = await h.call('POST', '/api/v1/users', {
      token: users.admin.token,
      body: {
        email: `owner-${Date.now()}@example.test`,
        name: 'Key Owner',
        role: 'admin',
        password: 'owner-password-123',
      },
    });
    expect(owner.status).toBe(201);
    const login = await h.call('POST', '/api/v1/auth/login', {
      body: { email: owner.body.email, password: 'owner-password-123' },
    });
    const ownerToken = login.body.access_token as string;
    const made = await h.call('POST', '/api/v1/api-keys', {
      token: ownerToken,
      body: { name: 'integration', role: 'admin' },
    });
    expect(made.status).toBe(201);
    expect(made.body.owner_user_id).toBe(owner.body.id);
    const year = Date.parse(made.body.expires_at) - Date.now();
    expect(year).toBeGreaterThan(364 * 86_400_000);
    expect(year).toBeLessThanOrEqual(365 * 86_400_000);
    const parent = made.body.key as string;
    // A key made by that key answers to the same person.
    const child = await h.call('POST', '/api/v1/api-keys', {
      apiKey: parent,
      body: { name: 'child', role: 'admin' },
    });
    expect(child.status).toBe(201);
    expect(child.body.owner_user_id).toBe(owner.body.id);
    const scoped = await h.call('POST', '/api/v1/api-keys', {
      apiKey: parent,
      body: { name: 'reader', role: 'admin', scopes: ['alerts:read'] },
    });
    expect((await h.call('GET', '/api/v1/alerts', { apiKey: scoped.body.key })).status).toBe(200);
    const outOfScope = await h.call('GET', '/api/v1/users', { apiKey: scoped.body.key });
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.error.message).toMatch(/API key lacks users:read/);

    expect((await h.call('GET', '/api/v1/api-keys', { apiKey: parent })).status).toBe(200);
    const demoted = await h.call('PATCH', `/api/v1/users/${owner.body.id}`, {
      token: users.admin.token,
      body: { role: 'supervisor' },
    });
    expect(demoted.status).toBe(200);
    // Capped at the owner's new role within a revocation poll: keys are no longer theirs to manage.
    await eventually(async () =>
      (await h.call('GET', '/api/v1/api-keys', { apiKey: parent })).status === 403 ? true : undefined,
    );
    expect((await h.call('GET', '/api/v1/users', { apiKey: child.body.key })).status).toBe(200);

    const disabled = await h.call('PATCH', `/api/v1/users/${owner.body.id}`, {
      token: users.admin.token,
      body: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);
    for (const key of [parent, child.body.key, scoped.body.key]) {
      const res = await eventually(async () => {
        const r = await h.call('GET', '/api/v1/alerts', { apiKey: key });
        return r.status === 401 ? r : undefined;
      });
      expect(res.status).toBe(401);
    }
    const past = await h.call('POST', '/api/v1/api-keys', {
      token: users.admin.token,
      body: { name: 'old', role: 'viewer', expires_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(422);
  });
});

describe('sending numbers are the platform’s to give (item 7)', () => {
  it('refuses the shared number and numbers not assigned to the organisation', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    const set = (sms_number: string) =>
      h.call('PATCH', '/api/v1/organization', { token, body: { sms_number } });
    const shared = await set('+1 500 555 0099');
    expect(shared.status).toBe(422);
    expect(shared.body.error.details.issues[0]).toMatchObject({
      path: 'body.sms_number',
      code: 'shared_number',
    });
    const suffix = String(Math.floor(Math.random() * 9000) + 1000);
    const unassigned = await set(`+1415600${suffix}`);
    expect(unassigned.status).toBe(422);
    expect(unassigned.body.error.details.issues[0].code).toBe('not_assigned');
    expect(await assignSmsNumber(h.db, orgId, `+1415600${suffix}`, 'test-operator')).toBe(true);
    const assigned = await set(`+1415600${suffix}`);
    expect(assigned.status).toBe(200);
    expect(assigned.body.sms_number).toBe(`+1415600${suffix}`);
    // Another organisation cannot be given it.
    const other = await h.createOrg(['admin']);
    expect(await assignSmsNumber(h.db, other.orgId, `+1415600${suffix}`, 'test-operator')).toBe(false);
  });
});

describe('bail PII (item 9)', () => {
  it('masks indemnitors’ contact details without pii:read, audits whole views, and searches email only with it', async () => {
    const { orgId, users } = await h.createOrg(['agent', 'supervisor']);
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token: users.agent.token,
      body: { first_name: 'Noor', last_name: 'Client', email: 'noor.secret@example.test' },
    });
    const bond = await h.call('POST', '/api/v1/bail/bonds', {
      token: users.agent.token,
      body: {
        bond_number: `PII-${orgId.slice(0, 8)}`,
        client_id: client.body.id,
        amount: '3000.00',
        premium: '300.00',
        charges: [{ description: 'Theft' }],
        indemnitors: [
          {
            first_name: 'Ines',
            last_name: 'Surety',
            email: 'ines.surety@example.test',
            phone: '+14155550177',
            relationship: 'sister',
          },
        ],
        appearances: [],
      },
    });
    expect(bond.status).toBe(201);
    const read = (token: string) => h.call('GET', `/api/v1/bail/bonds/${bond.body.id}`, { token });
    const masked = await read(users.agent.token);
    expect(masked.body.indemnitors[0].email).not.toContain('ines.surety');
    expect(masked.body.indemnitors[0].phone).not.toBe('+14155550177');
    const audits = () =>
      h.db.oneFirst(sql.unsafe`
        SELECT count(*)::int FROM audit_events
        WHERE org_id = ${orgId} AND action = 'customer.pii_viewed' AND resource_type = 'bond'`);
    expect(await audits()).toBe(0);
    const whole = await read(users.supervisor.token);
    expect(whole.body.indemnitors[0]).toMatchObject({
      email: 'ines.surety@example.test',
      phone: '+14155550177',
    });
    expect(await audits()).toBe(1);

    const search = (token: string) =>
      h.call('GET', '/api/v1/bail/clients?search=noor.secret', { token }).then((r) => r.body.data.length);
    expect(await search(users.agent.token)).toBe(0);
    expect(await search(users.supervisor.token)).toBe(1);
  });
});

describe('event streams with bounds (item 8, in part)', () => {
  it('answers a client too far behind with a reset, not an endless replay, and caps streams per caller', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const ids = await h.db.anyFirst(sql.unsafe`
      INSERT INTO events (org_id, stream, type, payload)
      SELECT ${orgId}, 'alerts', 'alert_updated', jsonb_build_object('n', n) FROM generate_series(1, 1001) n
      RETURNING id`);
    const first = Math.min(...(ids as number[]));
    const last = Math.max(...(ids as number[]));
    const url = `${h.baseUrl}/api/v1/stream/alerts`;
    const behind = openSse(url, { authorization: `Bearer ${token}`, 'last-event-id': String(first - 1) });
    const reset = await eventually(async () => behind.events.find((e) => e.event === 'reset'));
    expect(reset.id).toBe(String(last));
    expect(behind.events.filter((e) => e.event === 'alert_updated')).toHaveLength(0);
    // Within the bound the missed events are replayed as before.
    const near = openSse(url, { authorization: `Bearer ${token}`, 'last-event-id': String(last - 3) });
    const replayed = await eventually(async () => {
      const got = near.events.filter((e) => e.event === 'alert_updated');
      return got.length === 3 ? got : undefined;
    });
    expect(replayed.map((e) => e.id)).toEqual([last - 2, last - 1, last].map(String));

    // Two are open; eight more fill this caller's ten; the eleventh is refused.
    const more = Array.from({ length: 8 }, () => openSse(url, { authorization: `Bearer ${token}` }));
    await Promise.all(more.map((s) => s.connected));
    const refused = await h.call('GET', '/api/v1/stream/alerts', { token });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('too_many_streams');
    await Promise.all([behind, near, ...more].map((s) => s.close()));
  });

  it('lets go of a client that stops reading, instead of queueing its events in memory', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    // 900 events of 20 KB to replay: 18 MB, far more than the sockets' buffers hold.
    const ids = await h.db.anyFirst(sql.unsafe`
      INSERT INTO events (org_id, stream, type, payload)
      SELECT ${orgId}, 'alerts', 'alert_updated', jsonb_build_object('n', n, 'blob', repeat('x', 20000))
      FROM generate_series(1, 900) n RETURNING id`);
    const port = Number(new URL(h.baseUrl).port);
    const socket = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    socket.write(
      `GET /api/v1/stream/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${users.analyst.token}\r\n` +
        `Accept: text/event-stream\r\nLast-Event-ID: ${Math.min(...(ids as number[])) - 1}\r\n\r\n`,
    );
    // Read the first bytes (the stream is open), then nothing more for now.
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.pause();
    // Nine more streams fill the caller's ten: an eleventh is refused while the slow one is held.
    const url = `${h.baseUrl}/api/v1/stream/alerts`;
    const auth = { authorization: `Bearer ${users.analyst.token}` };
    const others = Array.from({ length: 9 }, () => openSse(url, auth));
    await Promise.all(others.map((o) => o.connected));
    // The server lets the slow client go: its slot frees.
    await eventually(async () => {
      const abort = new AbortController();
      const res = await fetch(url, { headers: auth, signal: abort.signal });
      abort.abort();
      return res.status === 200 ? true : undefined;
    }, 30_000);
    // Reading again, the client finds its connection ended (reset: what was in flight is dropped,
    // and it resumes from the last event it read), never the whole backlog.
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.resume();
    await closed;
    expect(received.split('event: alert_updated').length - 1).toBeLessThan(ids.length);
    await Promise.all(others.map((o) => o.close()));
  });
});

describe('passwords (item 13)', () => {
  it('lets a user change their own password and an admin reset a colleague’s, ending their sessions', async () => {
    const { users } = await h.createOrg(['admin', 'analyst']);
    const email = users.analyst.email;
    const login = (password: string) => h.call('POST', '/api/v1/auth/login', { body: { email, password } });
    const wrong = await h.call('POST', '/api/v1/me/password', {
      token: users.analyst.token,
      body: { current_password: 'not-my-password', new_password: 'a-brand-new-password' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.issues[0].path).toBe('body.current_password');
    const changed = await h.call('POST', '/api/v1/me/password', {
      token: users.analyst.token,
      body: { current_password: TEST_PASSWORD, new_password: 'a-brand-new-password' },
    });
    expect(changed.status).toBe(204);
    expect((await h.call('GET', '/api/v1/me', { token: users.analyst.token })).status).toBe(401);
    expect((await login(TEST_PASSWORD)).status).toBe(401);
    expect((await login('a-brand-new-password')).status).toBe(200);

    const started = await h.call('POST', `/api/v1/users/${users.analyst.id}/password-reset`, {
      token: users.admin.token,
    });
    expect(started.status).toBe(201);
    expect((await login('a-brand-new-password')).status).toBe(401);
    const reset = (token: string) =>
      h.call('POST', '/api/v1/auth/reset-password', { body: { token, new_password: 'chosen-after-reset' } });
    expect((await reset(started.body.reset_token)).status).toBe(204);
    expect((await reset(started.body.reset_token)).status).toBe(401); // once only
    const fresh = await login('chosen-after-reset');
    expect(fresh.status).toBe(200);
    const denied = await h.call('POST', `/api/v1/users/${users.admin.id}/password-reset`, {
      token: fresh.body.access_token,
    });
    expect(denied.status).toBe(403);
  });
});

describe('GDPR reaches bail and the event stream (items 8, 9)', () => {
  it('exports a bail client’s bonds, court dates, payments and documents, and erases signers and event payloads', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token,
      body: { first_name: 'Gail', last_name: 'Privacy', email: 'gail@example.test' },
    });
    const customerId = client.body.id as string;
    const bond = await h.call('POST', '/api/v1/bail/bonds', {
      token,
      body: {
        bond_number: `G-${orgId.slice(0, 8)}`,
        client_id: customerId,
        amount: '1000.00',
        premium: '100.00',
        charges: [{ description: 'Theft' }],
        indemnitors: [],
        appearances: [
          { scheduled_at: '2030-03-01T15:00:00Z', time_zone: 'America/Chicago', court_name: 'County Court' },
        ],
      },
    });
    expect(bond.status).toBe(201);
    await h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/payments`, {
      token,
      body: { amount: '100.00', method: 'cash' },
    });
    const doc = await h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/documents`, {
      token,
      body: { type: 'indemnity_agreement' },
    });
    expect(doc.status).toBe(201);
    await h.db.query(sql.unsafe`
      INSERT INTO events (org_id, stream, type, payload)
      VALUES (${orgId}, 'bail', 'probe', ${sql.jsonb({ customer_id: customerId, name: 'Gail Privacy' })})`);

    const exported = await h.call('GET', `/api/v1/customers/${customerId}/export`, { token });
    expect(exported.status).toBe(200);
    expect(exported.body.bonds).toHaveLength(1);
    expect(exported.body.court_appearances).toHaveLength(1);
    expect(exported.body.payments).toHaveLength(1);
    expect(exported.body.documents[0]).toMatchObject({ signer_email: 'gail@example.test' });

    expect((await h.call('POST', `/api/v1/customers/${customerId}/erase`, { token })).status).toBe(200);
    const signer = await h.db.one(sql.unsafe`
      SELECT signer_name, signer_email FROM documents WHERE org_id = ${orgId} AND id = ${doc.body.id}`);
    expect(signer).toEqual({ signer_name: '[erased]', signer_email: null });
    const payloads = await h.db.anyFirst(sql.unsafe`
      SELECT payload FROM events WHERE org_id = ${orgId} AND payload->>'customer_id' = ${customerId}`);
    expect(JSON.stringify(payloads)).not.toContain('Gail');
  });
});
