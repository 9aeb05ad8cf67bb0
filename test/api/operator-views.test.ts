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

  it("lists a customer's cards and accounts, with totals on request, and keeps totals to the filters", async () => {
    const { token, ana, ben } = await queue();
    const account = async (customer: string, type: string) =>
      (
        await h.call('POST', `/api/v1/customers/${customer}/accounts`, {
          token,
          body: { account_type: type },
        })
      ).body;
    const checking = await account(ana, 'checking');
    const savings = await account(ana, 'savings');
    await account(ben, 'checking');
    const card = await h.call('POST', `/api/v1/customers/${ana}/cards`, {
      token,
      body: {
        card_number: '4111111111111111',
        expiry_month: 12,
        expiry_year: 2030,
        card_type: 'debit',
        account_id: checking.id,
      },
    });
    expect(card.status).toBe(201);

    const accounts = await h.call('GET', `/api/v1/customers/${ana}/accounts?limit=1&include_total=true`, {
      token,
    });
    expect(accounts.status).toBe(200);
    expect(accounts.body.data.map((a: { id: string }) => a.id)).toEqual([savings.id]);
    expect(accounts.body.meta).toEqual({ total_count: 2 });
    const rest = await h.call(
      'GET',
      `/api/v1/customers/${ana}/accounts?include_total=true&cursor=${accounts.body.pagination.next_cursor as string}`,
      { token },
    );
    expect(rest.body.data.map((a: { id: string }) => a.id)).toEqual([checking.id]);
    expect(rest.body.meta).toEqual({ total_count: 2 });
    // Without asking, no count is made.
    expect((await h.call('GET', `/api/v1/customers/${ana}/accounts`, { token })).body.meta).toBeUndefined();

    const cards = await h.call('GET', `/api/v1/customers/${ana}/cards?include_total=true`, { token });
    expect(cards.body.data).toEqual([
      expect.objectContaining({ id: card.body.id, masked_number: '****1111' }),
    ]);
    expect(cards.body.meta).toEqual({ total_count: 1 });
    expect((await h.call('GET', `/api/v1/customers/${ben}/cards`, { token })).body.data).toEqual([]);

    const critical = await h.call('GET', '/api/v1/alerts?priority=critical&include_total=true&limit=1', {
      token,
    });
    expect(critical.body.meta).toEqual({ total_count: 1 });
    const anas = await h.call('GET', `/api/v1/customers/${ana}/alerts?include_total=true`, { token });
    expect(anas.body.meta).toEqual({ total_count: 2 });
    const notes = await h.call('GET', `/api/v1/customers/${ana}/notifications?include_total=true`, { token });
    expect(notes.body.meta).toEqual({ total_count: 0 });
    expect(
      (await h.call('GET', `/api/v1/customers/${ana}/accounts?include_total=yes`, { token })).status,
    ).toBe(400);
  });
});
