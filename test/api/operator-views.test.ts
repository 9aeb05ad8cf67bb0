import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../../db/triage/alerts.js';
import { ensureCase } from '../../db/triage/cases.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** An organisation with two customers and alerts of several priorities, one case past its SLA. */
async function queue() {
  const { orgId, users } = await h.createOrg(['supervisor']);
  const token = users.supervisor.token;
  const customer = async (n: number) =>
    (
      await h.call('POST', '/api/v1/customers', {
        token,
        body: { external_id: `ops-${n}`, first_name: 'Op', last_name: `No${n}` },
      })
    ).body.id as string;
  const [ana, ben] = [await customer(1), await customer(2)];
  const raise = async (customerId: string, priority: 'low' | 'high' | 'critical', n: number) =>
    (
      await raiseAlert(h.db, orgId, {
        customer_id: customerId,
        transaction_id: null,
        card_id: null,
        alert_type: 'manual_review',
        priority,
        title: `Review ${n}`,
        description: null,
        data: {},
        dedup_key: `ops-${n}`,
      })
    ).alert;
  const critical = await raise(ana, 'critical', 1);
  await raise(ana, 'low', 2);
  const high = await raise(ben, 'high', 3);
  await ensureCase(h.db, orgId, {
    alert_id: critical.id,
    customer_id: ana,
    priority: 'critical',
    sla_due_at: new Date(Date.now() - 60_000).toISOString(),
  });
  return { token, ana, ben, critical, high };
}

describe('operators working a queue and a customer', () => {
  it("answers the queue's header counts", async () => {
    const { token, high } = await queue();
    expect(
      (await h.call('POST', `/api/v1/alerts/${high.id}/assign`, { token, body: { agent: 'ana.agent' } }))
        .status,
    ).toBe(200);
    const stats = await h.call('GET', '/api/v1/alerts/stats', { token });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      open: 3,
      unassigned: 2,
      assigned: 1,
      open_by_priority: { critical: 1, high: 1, medium: 0, low: 1 },
      sla_breached: 1,
    });
  });

  it("lists one customer's alerts a page at a time, highest priority first, and no one else's", async () => {
    const { token, ana, critical } = await queue();
    const first = await h.call('GET', `/api/v1/customers/${ana}/alerts?limit=1`, { token });

    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual([critical.id]);
    const next = await h.call(
      'GET',
      `/api/v1/customers/${ana}/alerts?limit=1&cursor=${first.body.pagination.next_cursor as string}`,
      { token },
    );
    expect(next.body.data.map((a: { priority: string }) => a.priority)).toEqual(['low']);
    expect(next.body.pagination.next_cursor).toBeNull();
    const other = await queue();
    expect((await h.call('GET', `/api/v1/customers/${ana}/alerts`, { token: other.token })).status).toBe(404);
  });
});
