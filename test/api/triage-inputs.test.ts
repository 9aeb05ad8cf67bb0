import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let token: string;
let viewerToken: string;
let supervisorToken: string;
let orgId: string;
let customerId = '';
let cardId = '';
let otherOrgCustomer = '';

beforeAll(async () => {
  h = await startHarness();
  const org = await h.createOrg(['analyst', 'viewer', 'supervisor']);
  supervisorToken = org.users.supervisor.token;
  orgId = org.orgId;
  token = org.users.analyst.token;
  viewerToken = org.users.viewer.token;
  const c = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: 'c-1',
      first_name: 'Ann',
      last_name: 'Lee',
      email: 'ann.lee@example.com',
      phone: '+1 555 010 1234',
    },
  });
  customerId = c.body.id;
  const card = await h.call('POST', `/api/v1/customers/${customerId}/cards`, {
    token,
    body: {
      card_number: '4111111111111111',
      expiry_month: 1,
      expiry_year: new Date().getUTCFullYear() + 2,
      card_type: 'credit',
    },
  });
  cardId = card.body.id;
  const other = await h.createOrg(['analyst']);
  otherOrgCustomer = (
    await h.call('POST', '/api/v1/customers', {
      token: other.users.analyst.token,
      body: { external_id: 'c-x', first_name: 'Other', last_name: 'Org' },
    })
  ).body.id;
});
afterAll(() => h.close());

const tx = (over: Record<string, unknown> = {}) => ({
  external_id: `t-${randomUUID()}`,
  customer_id: customerId,
  amount: '12.50',
  transaction_type: 'purchase',
  transaction_date: new Date().toISOString(),
  ...over,
});

type Case = [
  name: string,
  method: string,
  path: () => string,
  body: () => unknown,
  status: number,
  issuePath?: string,
];

const cases: Case[] = [
  [
    'customer without names',
    'POST',
    () => '/api/v1/customers',
    () => ({ external_id: 'x' }),
    400,
    'body.first_name',
  ],
  [
    'customer with a bad time zone',
    'POST',
    () => '/api/v1/customers',
    () => ({ external_id: 'y', first_name: 'A', last_name: 'B', timezone: 'Mars/Olympus' }),
    400,
    'body.timezone',
  ],
  [
    'customer with unknown fields',
    'POST',
    () => '/api/v1/customers',
    () => ({ external_id: 'z', first_name: 'A', last_name: 'B', ssn: '1' }),
    400,
  ],
  [
    'duplicate external_id',
    'POST',
    () => '/api/v1/customers',
    () => ({ external_id: 'c-1', first_name: 'A', last_name: 'B' }),
    409,
  ],
  ['empty patch', 'PATCH', () => `/api/v1/customers/${customerId}`, () => ({}), 400],
  [
    'patch of another org’s customer',
    'PATCH',
    () => `/api/v1/customers/${otherOrgCustomer}`,
    () => ({ first_name: 'X' }),
    404,
  ],
  [
    'account with a float balance',
    'POST',
    () => `/api/v1/customers/${customerId}/accounts`,
    () => ({ account_type: 'checking', balance: 10.5 }),
    400,
    'body.balance',
  ],
  [
    'card failing Luhn',
    'POST',
    () => `/api/v1/customers/${customerId}/cards`,
    () => ({ card_number: '4111111111111112', expiry_month: 1, expiry_year: 2030, card_type: 'debit' }),
    422,
    'body.card_number',
  ],
  [
    'card registered twice',
    'POST',
    () => `/api/v1/customers/${customerId}/cards`,
    () => ({
      card_number: '4111 1111 1111 1111',
      expiry_month: 1,
      expiry_year: new Date().getUTCFullYear() + 2,
      card_type: 'debit',
    }),
    409,
  ],
  [
    'transaction with float amount',
    'POST',
    () => '/api/v1/transactions',
    () => tx({ amount: 12.5 }),
    400,
    'body.amount',
  ],
  [
    'transaction with a bad date',
    'POST',
    () => '/api/v1/transactions',
    () => tx({ transaction_date: 'yesterday' }),
    400,
    'body.transaction_date',
  ],
  [
    'transaction of another org’s customer',
    'POST',
    () => '/api/v1/transactions',
    () => tx({ customer_id: otherOrgCustomer }),
    422,
    'body.customer_id',
  ],
  [
    'batch over 1,000',
    'POST',
    () => '/api/v1/transactions',
    () => ({ transactions: Array.from({ length: 1001 }, () => tx()) }),
    400,
    'body.transactions',
  ],
  [
    'batch with a bad item',
    'POST',
    () => '/api/v1/transactions',
    () => ({ transactions: [tx(), tx({ currency: 'usd' })] }),
    400,
    'body.transactions[1].currency',
  ],
  [
    'batch repeating an external_id',
    'POST',
    () => '/api/v1/transactions',
    () => ({ transactions: [tx({ external_id: 'dup' }), tx({ external_id: 'dup' })] }),
    422,
    'body.transactions[1].external_id',
  ],
  [
    'transactions filter with a bad amount',
    'GET',
    () => '/api/v1/transactions?min_amount=lots',
    () => undefined,
    400,
    'query.min_amount',
  ],
  [
    'alerts filter with a bad priority',
    'GET',
    () => '/api/v1/alerts?priority=urgent',
    () => undefined,
    400,
    'query.priority',
  ],
  ['unknown alert', 'GET', () => `/api/v1/alerts/${randomUUID()}`, () => undefined, 404],
  [
    'assign without agent',
    'POST',
    () => `/api/v1/alerts/${randomUUID()}/assign`,
    () => ({}),
    400,
    'body.agent',
  ],
  [
    'resolve without resolution',
    'POST',
    () => `/api/v1/alerts/${randomUUID()}/resolve`,
    () => ({ actions_taken: [] }),
    400,
    'body.resolution',
  ],
  ['triage of an unknown alert', 'POST', () => `/api/v1/alerts/${randomUUID()}/triage`, () => ({}), 404],
  [
    'freeze with no reason',
    'POST',
    () => '/api/v1/actions/freeze-card',
    () => ({ card_id: cardId, temporary: true }),
    400,
    'body.reason',
  ],
  [
    'freeze for too long',
    'POST',
    () => '/api/v1/actions/freeze-card',
    () => ({ card_id: cardId, reason: 'x', temporary: true, duration_hours: 100000 }),
    400,
    'body.duration_hours',
  ],
  [
    'permanent freeze with a duration',
    'POST',
    () => '/api/v1/actions/freeze-card',
    () => ({ card_id: cardId, reason: 'x', temporary: false, duration_hours: 4 }),
    400,
    'body.duration_hours',
  ],
  [
    'freeze of an unknown card',
    'POST',
    () => '/api/v1/actions/freeze-card',
    () => ({ card_id: randomUUID(), reason: 'x' }),
    404,
  ],
  [
    'unfreeze of an active card',
    'POST',
    () => '/api/v1/actions/unfreeze-card',
    () => ({ card_id: cardId, reason: 'x' }),
    409,
  ],
  [
    'dispute with an unknown reason',
    'POST',
    () => '/api/v1/actions/open-dispute',
    () => ({ transaction_id: randomUUID(), dispute_reason: 'whim' }),
    400,
    'body.dispute_reason',
  ],
  [
    'dispute of an unknown transaction',
    'POST',
    () => '/api/v1/actions/open-dispute',
    () => ({ transaction_id: randomUUID(), dispute_reason: 'fraud' }),
    404,
  ],
  ['stream of an unknown case', 'GET', () => `/api/v1/stream/case/${randomUUID()}`, () => undefined, 404],
];

describe('bad inputs to the triage routes', () => {
  it.each(cases)('%s → %i', async (_name, method, path, body, status, issuePath) => {
    const payload = body();
    const res = await h.call(method, path(), { token, ...(payload !== undefined && { body: payload }) });
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
    if (issuePath)
      expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(issuePath);
  });

  it('wrote nothing for the refused transactions', async () => {
    const n = await h.db.oneFirst(sql.unsafe`SELECT count(*) FROM transactions WHERE org_id = ${orgId}`);
    expect(n).toBe(0);
  });

  it('keeps writes from viewers, and shows PII whole only to roles with pii:read', async () => {
    expect((await h.call('POST', '/api/v1/transactions', { token: viewerToken, body: tx() })).status).toBe(
      403,
    );
    const seen = await h.call('GET', `/api/v1/customers/${customerId}`, { token: viewerToken });
    expect(seen.body).toMatchObject({ email: 'an***@example.com', phone: '555-***-1234' });
    const analyst = await h.call('GET', `/api/v1/customers/${customerId}`, { token });
    expect(analyst.body.email).toBe('an***@example.com');
    const full = await h.call('GET', `/api/v1/customers/${customerId}`, { token: supervisorToken });
    expect(full.body).toMatchObject({ email: 'ann.lee@example.com', phone: '+15550101234' });
    // Seeing it whole is audited; seeing it masked is not.
    const seenWhole = await h.db.anyFirst(sql.unsafe`
      SELECT actor_id FROM audit_events WHERE org_id = ${orgId} AND action = 'customer.pii_viewed'
        AND resource_id = ${customerId}`);
    expect(seenWhole).toHaveLength(1);
  });

  it('ingests idempotently by external_id', async () => {
    const body = tx({ external_id: 'once' });
    const a = await h.call('POST', '/api/v1/transactions', { token, body });
    const b = await h.call('POST', '/api/v1/transactions', { token, body });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    expect(a.body.amount).toBe('12.50');
  });
});
