import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';
import { openSse } from '../helpers/sse.js';
import { formatAmount } from '../../lib/templates.js';

let h: Harness;
let token: string;
let orgId: string;
beforeAll(async () => {
  h = await startHarness({ worker: true });
  const org = await h.createOrg(['supervisor']);
  token = org.users.supervisor.token;
  orgId = org.orgId;
});
afterAll(() => h.close());

async function customer(ext: string) {
  const res = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: ext,
      first_name: 'Sam',
      last_name: 'Ray',
      email: `${ext}@example.com`,
      phone: '+1 212 555 0100',
    },
  });
  return res.body.id as string;
}

const deliveredEverywhere = (id: string) =>
  eventually(async () => {
    const n = await h.call('GET', `/api/v1/notifications/${id}`, { token });
    const final =
      n.body.deliveries.length === 3 &&
      n.body.deliveries.every((d: { status: string }) => d.status !== 'pending');
    return final ? n.body : undefined;
  });

describe('notifications end to end (real worker, outbox provider)', () => {
  it('stores in-app, sends email and SMS once per dedup_key, and pushes to SSE', async () => {
    const id = await customer('n-1');
    // As a browser's EventSource connects: the token in the query, no headers.
    const stream = openSse(`${h.baseUrl}/api/v1/stream/notifications?access_token=${token}`, {});
    await stream.connected;
    const body = {
      customer_id: id,
      kind: 'budget_alert',
      title: 'Budget at 80%',
      message: 'Groceries: £400 of £500 spent.',
      dedup_key: 'budget-1',
    };
    const first = await h.call('POST', '/api/v1/notifications', { token, body });
    expect(first.status).toBe(202);
    expect(first.body.workflow_id).toBe(`deliver-${first.body.id}`);

    const n = await deliveredEverywhere(first.body.id);
    const byChannel = Object.fromEntries(n.deliveries.map((d: { channel: string }) => [d.channel, d]));
    expect(byChannel.in_app.status).toBe('delivered');
    expect(byChannel.email).toMatchObject({
      status: 'sent',
      provider: 'outbox',
      destination: 'n-1@example.com',
      attempts: 1,
    });
    expect(byChannel.sms).toMatchObject({ status: 'sent', provider: 'outbox' });
    expect(byChannel.email.attempt_log).toEqual([expect.objectContaining({ attempt: 1, outcome: 'sent' })]);

    await h.temporal.workflow.getHandle(first.body.workflow_id).result();
    recordHistory(first.body.workflow_id, 'deliver-notification.v1');
    const again = await h.call('POST', '/api/v1/notifications', { token, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const outbox = await h.db.any(sql.unsafe`
      SELECT o.channel, o.subject, o.body_text FROM outbox_messages o
      JOIN notification_deliveries d ON d.id = o.delivery_id WHERE d.notification_id = ${first.body.id} ORDER BY o.channel`);
    expect(outbox).toEqual([
      {
        channel: 'email',
        subject: 'Budget at 80%',
        body_text: expect.stringContaining('Groceries: £400 of £500 spent.'),
      },
      { channel: 'sms', subject: null, body_text: 'Budget at 80%: Groceries: £400 of £500 spent.' },
    ]);

    const pushed = await eventually(async () =>
      stream.events.find((e) => e.event === 'notification' && e.data.id === first.body.id),
    );
    expect(pushed.data).toMatchObject({ kind: 'budget_alert', customer_id: id });
    await stream.close();

    expect(
      (await h.call('GET', `/api/v1/customers/${id}/notifications/unread-count`, { token })).body,
    ).toEqual({ unread: 1 });
    expect(
      (await h.call('PUT', `/api/v1/notifications/${first.body.id}/read`, { token })).body.read_at,
    ).not.toBeNull();
    expect(
      (await h.call('GET', `/api/v1/customers/${id}/notifications/unread-count`, { token })).body,
    ).toEqual({ unread: 0 });
    expect((await h.call('DELETE', `/api/v1/notifications/${first.body.id}`, { token })).status).toBe(204);
    expect((await h.call('GET', `/api/v1/customers/${id}/notifications`, { token })).body.data).toEqual([]);
  });

  it('respects preferences: channels off, rate limits, critical bypass', async () => {
    const id = await customer('n-2');
    const put = await h.call('PUT', `/api/v1/customers/${id}/preferences`, {
      token,
      body: { sms_enabled: false, max_per_hour: 1, timezone: 'Europe/Paris' },
    });
    expect(put.body).toMatchObject({
      sms_enabled: false,
      max_per_hour: 1,
      max_per_day: 50,
      timezone: 'Europe/Paris',
    });

    const send = (key: string, extra: object = {}) =>
      h.call('POST', '/api/v1/notifications', {
        token,
        body: {
          customer_id: id,
          kind: 'spending_alert',
          title: 'Spent',
          message: 'A purchase.',
          dedup_key: key,
          ...extra,
        },
      });
    const channelStatus = (
      n: { deliveries: { channel: string; status: string; reason: string | null }[] },
      c: string,
    ) => n.deliveries.find((d) => d.channel === c)!;

    const a = await deliveredEverywhere((await send('rl-1')).body.id);
    expect(channelStatus(a, 'email').status).toBe('sent');
    expect(channelStatus(a, 'sms')).toMatchObject({
      status: 'suppressed',
      reason: 'SMS turned off by the customer',
    });

    const b = await deliveredEverywhere((await send('rl-2')).body.id);
    expect(channelStatus(b, 'email')).toMatchObject({
      status: 'suppressed',
      reason: 'rate limited: 1 per hour',
    });

    // Critical by its stored flag (a caller with notifications:critical), never by its kind.
    const c = await deliveredEverywhere(
      (await send('rl-3', { kind: 'large_transaction', critical: true })).body.id,
    );
    expect(channelStatus(c, 'email').status).toBe('sent');
  });

  it('takes access_token in the query only on the streams', async () => {
    expect((await h.call('GET', `/api/v1/users?access_token=${token}`)).status).toBe(401);
    expect((await h.call('GET', '/api/v1/stream/notifications?access_token=forged')).status).toBe(401);
  });

  it('refuses bad preferences and unknown customers with 4xx, writing nothing', async () => {
    const id = await customer('n-3');
    const tz = await h.call('PUT', `/api/v1/customers/${id}/preferences`, {
      token,
      body: { timezone: 'Atlantis/Capital' },
    });
    expect(tz.status).toBe(400);
    expect(tz.body.error.details.issues[0].path).toBe('body.timezone');
    const time = await h.call('PUT', `/api/v1/customers/${id}/preferences`, {
      token,
      body: { quiet_hours_start: '25:00' },
    });
    expect(time.body.error.details.issues[0].path).toBe('body.quiet_hours_start');
    expect(
      await h.db.exists(
        sql.unsafe`SELECT 1 FROM customer_preferences WHERE org_id = ${orgId} AND customer_id = ${id}`,
      ),
    ).toBe(false);
    const unknown = await h.call('POST', '/api/v1/notifications', {
      token,
      body: {
        customer_id: '00000000-0000-4000-8000-000000000000',
        kind: 'x',
        title: 't',
        message: 'm',
        dedup_key: 'u',
      },
    });
    expect(unknown.status).toBe(404);
    const channels = await h.call('PUT', `/api/v1/customers/${id}/preferences`, {
      token,
      body: { channels_by_kind: { bill_reminder: ['pigeon'] } },
    });
    expect(channels.status).toBe(400);
  });

  it('renders with the organisation’s active template version', async () => {
    const bad = await h.call('POST', '/api/v1/notification-templates', {
      token,
      body: { kind: 'bill_reminder', channel: 'sms', body: 'Pay {{#if}}' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.body');
    const create = (body: string) =>
      h.call('POST', '/api/v1/notification-templates', {
        token,
        body: { kind: 'bill_reminder', channel: 'sms', body },
      });
    const v1 = await create('Reminder v1: {{message}}');
    const v2 = await create('Hi {{customer.first_name}}, {{message}} ({{org.name}})');
    expect([v1.body.version, v2.body.version]).toEqual([1, 2]);
    expect(
      (await h.call('POST', `/api/v1/notification-templates/${v1.body.id}/activate`, { token })).body.active,
    ).toBe(true);
    expect(
      (await h.call('POST', `/api/v1/notification-templates/${v2.body.id}/activate`, { token })).body.active,
    ).toBe(true);
    const list = await h.call('GET', '/api/v1/notification-templates?kind=bill_reminder', { token });
    expect(
      list.body.data.filter((t: { active: boolean }) => t.active).map((t: { version: number }) => t.version),
    ).toEqual([2]);

    const id = await customer('n-4');
    const sent = await h.call('POST', '/api/v1/notifications', {
      token,
      body: {
        customer_id: id,
        kind: 'bill_reminder',
        title: 'Rent',
        message: 'Rent is due tomorrow.',
        dedup_key: 'tpl-1',
        channels: ['sms'],
      },
    });
    const sms = await eventually(
      async () =>
        (await h.db.maybeOneFirst(sql.unsafe`
        SELECT o.body_text FROM outbox_messages o JOIN notification_deliveries d ON d.id = o.delivery_id
        WHERE d.notification_id = ${sent.body.id} AND o.channel = 'sms'`)) ?? undefined,
    );
    expect(sms).toMatch(/^Hi Sam, Rent is due tomorrow\. \(org-/);
  });

  it('sends the seed’s message for each rule type, in the customer’s locale where the organisation has one', async () => {
    const metadata = {
      alert_type: 'goal',
      goal_id: '00000000-0000-4000-8000-0000000000aa',
      goal_name: 'Emergency fund',
      milestone: 75,
      progress: 80,
      current_amount: '4000.00',
      target_amount: '5000.00',
      currency: 'USD',
    };
    const send = (customerId: string, key: string) =>
      h.call('POST', '/api/v1/notifications', {
        token,
        body: {
          customer_id: customerId,
          kind: 'goal_milestone',
          title: 'Goal 75% reached',
          message: "Your goal 'Emergency fund' has reached 80% completion!",
          dedup_key: key,
          channels: ['email', 'sms'],
          metadata,
        },
      });
    const outbox = (notificationId: string) =>
      eventually(async () => {
        const rows = await h.db.any(sql.unsafe`
          SELECT o.channel, o.subject, o.body_text, o.body_html FROM outbox_messages o
          JOIN notification_deliveries d ON d.id = o.delivery_id
          WHERE d.notification_id = ${notificationId} ORDER BY o.channel`);
        return rows.length === 2 ? Object.fromEntries(rows.map((r) => [r.channel, r])) : undefined;
      });

    const english = await customer('n-locale-en');
    const sent = await outbox((await send(english, 'goal-en')).body.id);
    expect(sent.sms.body_text).toBe('Goal "Emergency fund" reached 80%!');
    expect(sent.email.subject).toBe('Goal 75% reached');
    expect(sent.email.body_html).toContain('<h2>Goal 75% reached</h2>');
    expect(sent.email.body_text).toContain('Goal: Emergency fund');
    expect(sent.email.body_text).toContain('Saved: $4,000.00 of $5,000.00');

    // The organisation's Spanish SMS for goals; a Mexican customer gets it, by language.
    const es = await h.call('POST', '/api/v1/notification-templates', {
      token,
      body: {
        kind: 'goal_milestone',
        channel: 'sms',
        locale: 'es',
        body: 'Meta "{{metadata.goal_name}}": {{metadata.progress}}% ({{money metadata.current_amount metadata.currency}})',
      },
    });
    expect(es.body).toMatchObject({ locale: 'es', version: 1, active: false });
    await h.call('POST', `/api/v1/notification-templates/${es.body.id}/activate`, { token });
    const spanish = await customer('n-locale-es');
    const prefs = await h.call('PUT', `/api/v1/customers/${spanish}/preferences`, {
      token,
      body: { locale: 'es-MX' },
    });
    expect(prefs.body.locale).toBe('es-MX');
    const mexican = await outbox((await send(spanish, 'goal-es')).body.id);
    expect(mexican.sms.body_text).toBe(
      `Meta "Emergency fund": 80% (${formatAmount('4000.00', 'USD', 'es-MX')})`,
    );
    // No Spanish email: the built-in one.
    expect(mexican.email.body_text).toContain('Goal: Emergency fund');
    expect((await outbox((await send(english, 'goal-en-2')).body.id)).sms.body_text).toBe(
      'Goal "Emergency fund" reached 80%!',
    );

    const bad = await h.call('PUT', `/api/v1/customers/${spanish}/preferences`, {
      token,
      body: { locale: 'not a locale' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.locale');
  });

  it('previews a template version or a draft against sample data, storing and sending nothing', async () => {
    const v = await h.call('POST', '/api/v1/notification-templates', {
      token,
      body: {
        kind: 'bill_reminder',
        channel: 'sms',
        locale: 'fr',
        body: 'Facture {{metadata.bill_name}} : {{money metadata.amount metadata.currency}}',
      },
    });
    const saved = await h.call('POST', `/api/v1/notification-templates/${v.body.id}/preview`, {
      token,
      body: {},
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      kind: 'bill_reminder',
      channel: 'sms',
      locale: 'fr',
      text: `Facture Electricity : ${formatAmount('120.00', 'USD', 'fr')}`,
      truncated: false,
    });
    const given = await h.call('POST', `/api/v1/notification-templates/${v.body.id}/preview`, {
      token,
      body: { data: { metadata: { bill_name: 'Loyer', amount: '950', currency: 'EUR' } } },
    });
    expect(given.body.text).toBe(`Facture Loyer : ${formatAmount('950', 'EUR', 'fr')}`);

    const builtIn = await h.call('POST', '/api/v1/notification-templates/preview', {
      token,
      body: { kind: 'bill_reminder', channel: 'sms' },
    });
    expect(builtIn.body.text).toBe('Bill "Electricity" ($120.00) due in 3 days');
    const email = await h.call('POST', '/api/v1/notification-templates/preview', {
      token,
      body: { kind: 'account_threshold', channel: 'email' },
    });
    expect(email.body.html).toContain('<strong>Current Balance:</strong> $84.12');
    expect(email.body.text).toContain('View Account: https://app.example.com/accounts/');
    const long = await h.call('POST', '/api/v1/notification-templates/preview', {
      token,
      body: { kind: 'alert', channel: 'sms', body: '{{message}}', data: { message: 'x'.repeat(200) } },
    });
    expect(long.body).toMatchObject({ characters: 200, truncated: true });
    expect(long.body.text).toHaveLength(160);
    const broken = await h.call('POST', '/api/v1/notification-templates/preview', {
      token,
      body: { kind: 'alert', channel: 'sms', body: '{{#if}}' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.details.issues[0].path).toBe('body.body');
  });
});
