import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeFake } from '../fakes/stripe.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { workerProcesses } from '../helpers/worker-process.js';

let h: Harness;
let stripe: Awaited<ReturnType<typeof startStripeFake>>;
let workers: ReturnType<typeof workerProcesses>;
let release: () => void = () => undefined;

beforeAll(async () => {
  stripe = await startStripeFake();
  h = await startHarness();
  // The real worker process, charging through the stripe SDK against the fake.
  workers = workerProcesses(h.prefix, {
    WORKER_CONTEXTS: 'bail',
    STRIPE_SECRET_KEY: 'sk_test_crash',
    STRIPE_API_BASE: stripe.url,
  });
});
afterAll(async () => {
  release();
  workers.killAll();
  await h.close();
  await stripe.close();
});

describe('a worker killed during a charge', () => {
  it('charges the card once', async () => {
    const { users } = await h.createOrg(['agent']);
    const token = users.agent.token;
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token,
      body: { first_name: 'Cy', last_name: 'Crash', email: 'cy@example.test' },
    });
    const bond = await h.call('POST', '/api/v1/bail/bonds', {
      token,
      body: {
        bond_number: 'CRASH-1',
        client_id: client.body.id,
        amount: '5000.00',
        premium: '500.00',
        charges: [{ description: 'Theft' }],
        indemnitors: [],
        appearances: [],
      },
    });
    // Stripe charges the card but its answer never reaches the worker: it dies waiting.
    stripe.next({ outcome: 'succeeded', hold: new Promise<void>((r) => (release = r)) });
    const first = workers.start();
    const plan = await h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/payment-plans`, {
      token,
      body: {
        payment_method: { payment_method_id: 'pm_card_visa' },
        installments: [
          { due_date: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), amount: '500.00' },
        ],
      },
    });
    expect(plan.status).toBe(201);
    await eventually(async () => (stripe.intents.length ? true : undefined), 60_000);
    await workers.crash(first);

    workers.start();
    const paid = await eventually(async () => {
      const p = await h.call('GET', `/api/v1/bail/payment-plans/${plan.body.id}`, { token });
      return p.body.status === 'paid' ? p.body : undefined;
    }, 90_000);
    expect(paid.installments[0]).toMatchObject({ status: 'paid', attempts: 1 });
    expect(stripe.intents).toHaveLength(1);
    const posts = stripe.requests.filter((r) => r.path === '/v1/payment_intents');
    expect(posts).toHaveLength(2); // the retry asked again, with the same key, and got the first intent
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    const bondView = await h.call('GET', `/api/v1/bail/bonds/${bond.body.id}`, { token });
    expect(bondView.body.payments).toHaveLength(1);
    expect(bondView.body.payments[0]).toMatchObject({
      status: 'completed',
      provider_payment_id: stripe.intents[0]!.id,
    });
  }, 150_000);
});
