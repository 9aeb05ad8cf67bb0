import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('audit trail', () => {
  it('lists the organisation’s events with filters and keyset pages, to admins and supervisors only', async () => {
    const { users } = await h.createOrg(['admin', 'analyst']);
    const other = await h.createOrg(['admin']);
    for (const name of ['One', 'Two', 'Three']) {
      await h.call('POST', '/api/v1/customers', {
        token: users.admin.token,
        body: { external_id: `a-${name}`, first_name: name, last_name: 'Audit' },
      });
    }
    const page1 = await h.call('GET', '/api/v1/audit?action=customer.created&limit=2', {
      token: users.admin.token,
    });
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.data[0]).toMatchObject({
      actor_type: 'user',
      actor_id: users.admin.id,
      action: 'customer.created',
    });
    const page2 = await h.call(
      'GET',
      `/api/v1/audit?action=customer.created&limit=2&cursor=${page1.body.pagination.next_cursor}`,
      {
        token: users.admin.token,
      },
    );
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.pagination.has_next).toBe(false);

    expect((await h.call('GET', '/api/v1/audit', { token: users.analyst.token })).status).toBe(403);
    const foreign = await h.call('GET', '/api/v1/audit?action=customer.created', {
      token: other.users.admin.token,
    });
    expect(foreign.body.data).toEqual([]);
    const badDate = await h.call('GET', '/api/v1/audit?from=yesterday', { token: users.admin.token });
    expect(badDate.body.error.details.issues[0].path).toBe('query.from');
  });

  it('exports as CSV or JSON, and audits the export', async () => {
    const { users } = await h.createOrg(['supervisor']);
    await h.call('POST', '/api/v1/customers', {
      token: users.supervisor.token,
      body: { external_id: 'x-1', first_name: 'Ada', last_name: 'Export' },
    });
    const csv = await fetch(`${h.baseUrl}/api/v1/audit/export?format=csv&action=customer.created`, {
      headers: { authorization: `Bearer ${users.supervisor.token}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,actor_type,actor_id,action,resource_type,resource_id,request_id,client_request_id,ip,before,after',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',customer.created,customer,');

    const json = await fetch(`${h.baseUrl}/api/v1/audit/export?format=json`, {
      headers: { authorization: `Bearer ${users.supervisor.token}` },
    });
    const events = (await json.json()) as { action: string }[];
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['customer.created', 'audit.exported', 'auth.login']),
    );
  });
});
