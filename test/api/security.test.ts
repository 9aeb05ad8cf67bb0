import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { customerWithHistory } from '../helpers/triage-fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
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
    expect(
      (await h.call('POST', '/api/v1/notifications', { token: agent, body: notice('b', false) })).status,
    ).toBe(202);
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
