import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { customerWithHistory } from '../helpers/triage-fixtures.js';

let h: Harness;
let token: string;
let analyst: string;
beforeAll(async () => {
  h = await startHarness({ worker: true });
  const org = await h.createOrg(['supervisor', 'analyst']);
  token = org.users.supervisor.token;
  analyst = org.users.analyst.token;
});
afterAll(() => h.close());

describe('GDPR export and erasure', () => {
  it('exports everything held about a customer, then anonymises them and keeps the records', async () => {
    const f = await customerWithHistory(h, token);
    const id = f.customer.id as string;
    const sent = await h.call('POST', '/api/v1/notifications', {
      token,
      body: {
        customer_id: id,
        kind: 'budget_alert',
        title: 'Hi Jo',
        message: 'Jo, your budget',
        dedup_key: 'gdpr-1',
      },
    });
    await eventually(async () => {
      const n = await h.call('GET', `/api/v1/notifications/${sent.body.id}`, { token });
      return n.body.deliveries.some(
        (d: { channel: string; status: string }) => d.channel === 'email' && d.status === 'sent',
      )
        ? true
        : undefined;
    });

    expect((await h.call('GET', `/api/v1/customers/${id}/export`, { token: analyst })).status).toBe(403);
    const other = (await h.createOrg(['admin'])).users.admin.token;
    expect((await h.call('GET', `/api/v1/customers/${id}/export`, { token: other })).status).toBe(404);
    expect((await h.call('POST', `/api/v1/customers/${id}/erase`, { token: other })).status).toBe(404);

    const exported = await h.call('GET', `/api/v1/customers/${id}/export`, { token });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain(`customer-${id}.json`);
    expect(exported.body.customer).toMatchObject({ email: 'jo.doe@example.com', first_name: 'Jo' });
    expect(exported.body.transactions).toHaveLength(10);
    expect(exported.body.accounts).toHaveLength(1);
    expect(exported.body.cards[0]).not.toHaveProperty('card_number_hash');
    expect(exported.body.cards[0].last4).toBe('4242');
    expect(exported.body.notifications[0].message).toBe('Jo, your budget');

    const erased = await h.call('POST', `/api/v1/customers/${id}/erase`, { token });
    expect(erased.body).toEqual({ id, erased: true });
    const after = await h.call('GET', `/api/v1/customers/${id}/export`, { token });
    expect(after.body.customer).toMatchObject({
      first_name: 'Erased',
      last_name: 'Customer',
      email: null,
      phone: null,
    });
    expect(after.body.customer.erased_at).not.toBeNull();
    expect(after.body.transactions).toHaveLength(10);
    expect(after.body.notifications[0]).toMatchObject({ title: '[erased]', message: '[erased]' });
    expect(
      after.body.notification_deliveries.every((d: { destination: string | null }) => d.destination === null),
    ).toBe(true);
    const outbox = await h.db.anyFirst(sql.unsafe`
      SELECT o.recipient FROM outbox_messages o JOIN notification_deliveries d ON d.id = o.delivery_id
      WHERE d.customer_id = ${id}`);
    expect(outbox.length).toBeGreaterThan(0);
    expect(outbox.every((r) => r === '[erased]')).toBe(true);

    const audit = await h.call('GET', `/api/v1/audit?resource_id=${id}`, { token });
    const actions = audit.body.data.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['customer.exported', 'customer.erased']));
  });
});
