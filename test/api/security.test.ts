import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
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
