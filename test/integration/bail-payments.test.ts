import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markPlanDelinquent } from '../../commands/bail/dunning.js';
import { paymentPlanWorkflowId } from '../../workflows/bail/ids.js';
import { signedStripeEvent, startStripeFake } from '../fakes/stripe.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

const WEBHOOK_SECRET = 'whsec_test_bail_payments';
let h: Harness;
let stripe: Awaited<ReturnType<typeof startStripeFake>>;
beforeAll(async () => {
  stripe = await startStripeFake();
  h = await startHarness({
    worker: true,
    config: {
      STRIPE_SECRET_KEY: 'sk_test_bail',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
      // Short, so a held answer counts as lost within a test.
      STRIPE_TIMEOUT_MS: 3_000,
    },
  });
});
afterAll(async () => {
  await h.close();
  await stripe.close();
});

// The client lives where it is now about 16:00: today's 10:00 charge is past (the first
// installment is charged at once) and the next day's retry is 18 hours away, whatever hour CI runs.
const OFFSET_HOURS = (() => {
  const off = 16 - new Date().getUTCHours();
  return off > 14 ? off - 24 : off < -12 ? off + 24 : off;
})();
const ZONE = OFFSET_HOURS === 0 ? 'UTC' : `Etc/GMT${OFFSET_HOURS > 0 ? '-' : '+'}${Math.abs(OFFSET_HOURS)}`;
const localToday = () => new Date(Date.now() + OFFSET_HOURS * 3_600_000).toISOString().slice(0, 10);

async function bondOnPlan(opts: { count: number; pm?: string; customer?: string }) {
  const { orgId, users } = await h.createOrg(['agent']);
  const token = users.agent.token;
  const client = await h.call('POST', '/api/v1/bail/clients', {
    token,
    body: {
      first_name: 'Pat',
      last_name: 'Payer',
      email: 'pat@example.test',
      phone: '+14155550181',
      timezone: ZONE,
    },
  });
  const bond = await h.call('POST', '/api/v1/bail/bonds', {
    token,
    body: {
      bond_number: `P-${Math.random().toString(36).slice(2, 10)}`,
      client_id: client.body.id,
      amount: '10000.00',
      premium: '1000.00',
      charges: [{ description: 'DUI' }],
      indemnitors: [],
      appearances: [],
    },
  });
  expect(bond.status).toBe(201);
  const plan = await h.call('POST', `/api/v1/bail/bonds/${bond.body.id}/payment-plans`, {
    token,
    body: {
      payment_method: {
        payment_method_id: opts.pm ?? 'pm_card_visa',
        provider_customer_id: opts.customer ?? 'cus_pat',
      },
      schedule: { total: '1000.00', count: opts.count, first_due_date: localToday(), interval: 'month' },
    },
  });
  expect(plan.status).toBe(201);
  return { orgId, token, bondId: bond.body.id as string, plan: plan.body };
}

const planOf = (token: string, id: string) => h.call('GET', `/api/v1/bail/payment-plans/${id}`, { token });

describe('bail payments through Stripe', () => {
  it('posts a bond once its plan’s first installment is charged off-session', async () => {
    const { token, bondId, plan } = await bondOnPlan({ count: 4 });
    expect(plan.installments.map((i: { amount: string }) => i.amount)).toEqual([
      '250.00',
      '250.00',
      '250.00',
      '250.00',
    ]);
    const paid = await eventually(async () => {
      const p = await planOf(token, plan.id);
      return p.body.installments[0].status === 'paid' ? p.body : undefined;
    });
    expect(paid).toMatchObject({ status: 'active', paid: '250.00', remaining: '750.00' });
    const [intent] = stripe.intents.filter((i) => i.metadata.plan_id === plan.id);
    expect(intent).toMatchObject({
      amount: 25000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      customer: 'cus_pat',
    });
    const request = stripe.requests.find((r) => r.body.includes(plan.id))!;
    expect(new URLSearchParams(request.body).get('off_session')).toBe('true');
    expect(request.headers['idempotency-key']).toMatch(/:/);

    const posted = await h.call('POST', `/api/v1/bail/bonds/${bondId}/transition`, {
      token,
      body: { status: 'active' },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.status).toBe('active');
    // The second installment waits for its due date, a month on.
    const d = await h.temporal.workflow.getHandle(paymentPlanWorkflowId(plan.id)).describe();
    expect(d.status.name).toBe('RUNNING');
  });

  it('tells the client of a declined charge and when the card is tried again', async () => {
    const { orgId, token, plan } = await bondOnPlan({
      count: 2,
      pm: 'pm_card_visa_chargeDeclinedInsufficientFunds',
    });
    const failed = await eventually(async () => {
      const p = await planOf(token, plan.id);
      return p.body.installments[0].status === 'failed' ? p.body.installments[0] : undefined;
    });
    expect(failed.attempts).toBe(1);
    const notice = await eventually(async () => {
      const rows = await h.db.any(sql.unsafe`
        SELECT message, metadata FROM notifications WHERE org_id = ${orgId} AND kind = 'bail_payment_failed'`);
      return rows.length ? rows : undefined;
    });
    expect(notice).toHaveLength(1);
    expect(notice[0]!.message).toContain('insufficient funds');
    expect(notice[0]!.message).toContain('$500.00');
    // The retry is on the dunning schedule: the due date plus one day, 10:00 in the client's zone.
    const due = Date.parse(`${localToday()}T10:00:00Z`) - OFFSET_HOURS * 3_600_000;
    expect(Date.parse((notice[0]!.metadata as { retry_at: string }).retry_at)).toBe(due + 86_400_000);
    const payments = await h.db.any(sql.unsafe`
      SELECT status, failure_reason FROM payments WHERE org_id = ${orgId}`);
    expect(payments).toEqual([{ status: 'failed', failure_reason: 'insufficient_funds' }]);
  });

  it('settles a processing charge from its signed webhook and refuses forged ones', async () => {
    // For this customer only: another test's plan coming due must not take it.
    stripe.next({ outcome: 'processing', customer: 'cus_slow' });
    const { orgId, token, plan } = await bondOnPlan({ count: 1, customer: 'cus_slow' });
    const pending = await eventually(async () => {
      const row = await h.db.maybeOne(sql.unsafe`
        SELECT status, provider_payment_id FROM payments WHERE org_id = ${orgId} AND provider_payment_id IS NOT NULL`);
      return row ?? undefined;
    });
    expect(pending.status).toBe('pending');
    const intent = stripe.intents.find((i) => i.id === pending.provider_payment_id)!;

    const forged = signedStripeEvent('whsec_wrong', 'payment_intent.succeeded', {
      ...intent,
      status: 'succeeded',
    });
    const refused = await h.call('POST', '/webhooks/stripe', {
      rawBody: forged.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': forged.signature },
    });
    expect(refused.status).toBe(401);
    expect((await planOf(token, plan.id)).body.installments[0].status).toBe('pending');

    const real = signedStripeEvent(WEBHOOK_SECRET, 'payment_intent.succeeded', {
      ...intent,
      status: 'succeeded',
    });
    const send = () =>
      h.call('POST', '/webhooks/stripe', {
        rawBody: real.payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': real.signature },
      });
    expect((await send()).body).toEqual({ received: true, applied: true });
    expect((await send()).body).toEqual({ received: true, applied: false }); // a redelivery changes nothing
    const done = await eventually(async () => {
      const p = await planOf(token, plan.id);
      return p.body.status === 'paid' ? p.body : undefined;
    });
    expect(done.installments[0].status).toBe('paid');
    const run = h.temporal.workflow.getHandle(paymentPlanWorkflowId(plan.id));
    expect(await run.result()).toEqual({ status: 'paid' });
    recordHistory(paymentPlanWorkflowId(plan.id), 'payment-plan.v1');

    const refund = signedStripeEvent(WEBHOOK_SECRET, 'charge.refunded', {
      id: 'ch_1',
      object: 'charge',
      payment_intent: intent.id,
    });
    const refunded = await h.call('POST', '/webhooks/stripe', {
      rawBody: refund.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': refund.signature },
    });
    expect(refunded.body.applied).toBe(true);
    const row = await h.db.one(
      sql.unsafe`SELECT status FROM payments WHERE provider_payment_id = ${intent.id}`,
    );
    expect(row.status).toBe('refunded');
  });

  it('makes a delinquent plan current when the late payment comes in', async () => {
    stripe.next({ outcome: 'processing', customer: 'cus_late' });
    const { orgId, token, plan } = await bondOnPlan({ count: 2, customer: 'cus_late' });
    const pending = await eventually(async () => {
      const row = await h.db.maybeOne(sql.unsafe`
        SELECT provider_payment_id, installment_id FROM payments WHERE org_id = ${orgId} AND provider_payment_id IS NOT NULL`);
      return row ?? undefined;
    });
    // As the dunning schedule leaves it when the retries are spent.
    await markPlanDelinquent(
      h.db,
      orgId,
      { planId: plan.id, installmentId: pending.installment_id as string },
      { type: 'system', id: 'test' },
    );
    expect((await planOf(token, plan.id)).body.status).toBe('delinquent');
    const intent = stripe.intents.find((i) => i.id === pending.provider_payment_id)!;
    const late = signedStripeEvent(WEBHOOK_SECRET, 'payment_intent.succeeded', {
      ...intent,
      status: 'succeeded',
    });
    const res = await h.call('POST', '/webhooks/stripe', {
      rawBody: late.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': late.signature },
    });
    expect(res.body.applied).toBe(true);
    const now = await planOf(token, plan.id);
    expect(now.body).toMatchObject({ status: 'active', paid: '500.00' });
    const tasks = await h.db.any(sql.unsafe`
      SELECT status FROM bail_tasks WHERE org_id = ${orgId} AND type = 'plan_delinquent'`);
    expect(tasks).toEqual([{ status: 'done' }]);
  });

  it('charges a card now once per Idempotency-Key, and a decline is a failed payment', async () => {
    const { token, bondId } = await bondOnPlan({ count: 1 });
    const charge = (key: string, pm: string) =>
      h.call('POST', `/api/v1/bail/bonds/${bondId}/payments/charge`, {
        token,
        headers: { 'idempotency-key': key },
        body: { amount: '100.00', payment_method_id: pm },
      });
    const first = await charge('premium-1', 'pm_card_visa');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'completed', amount: '100.00', provider: 'stripe' });
    expect((await charge('premium-1', 'pm_card_visa')).body.id).toBe(first.body.id);
    const declined = await charge('premium-2', 'pm_card_chargeDeclined');
    expect(declined.body).toMatchObject({ status: 'failed', failure_reason: 'card_declined' });
    // Two charges made now (the plan's own installment, charged by its workflow, carries plan_id).
    expect(stripe.intents.filter((i) => i.metadata.bond_id === bondId)).toHaveLength(2);
    const bad = await h.call('POST', `/api/v1/bail/bonds/${bondId}/payments/charge`, {
      token,
      headers: { 'idempotency-key': 'premium-bad' },
      body: { amount: '-1', payment_method_id: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.amount',
      'body.payment_method_id',
    ]);
  });

  it('charges once when the provider’s answer is lost: a retry with the same key resumes the payment (issue 28 item 2)', async () => {
    const { token, bondId } = await bondOnPlan({ count: 1 });
    let release!: () => void;
    // Stripe charges the card but answers only after our client has given up.
    stripe.next({
      outcome: 'succeeded',
      customer: 'cus_lost',
      hold: new Promise<void>((r) => (release = r)),
    });
    const charge = (key?: string) =>
      h.call('POST', `/api/v1/bail/bonds/${bondId}/payments/charge`, {
        token,
        headers: key ? { 'idempotency-key': key } : {},
        body: { amount: '250.00', payment_method_id: 'pm_card_visa', provider_customer_id: 'cus_lost' },
      });
    const lost = await charge('premium-lost');
    release();
    expect(lost.status).toBe(503);
    const retried = await charge('premium-lost');
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ status: 'completed', amount: '250.00' });
    const intents = stripe.intents.filter((i) => i.metadata.bond_id === bondId && i.amount === 25_000);
    expect(intents).toHaveLength(1);
    expect(retried.body.provider_payment_id).toBe(intents[0]!.id);
    // The retry asked Stripe again under the first request's key.
    const posts = stripe.requests.filter(
      (r) => r.path === '/v1/payment_intents' && r.body.includes(encodeURIComponent(retried.body.id)),
    );
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers['idempotency-key']).toBe(posts[0]!.headers['idempotency-key']);
    const replay = await charge('premium-lost');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(retried.body.id);
    // Without a key there is no charge at all.
    const keyless = await charge();
    expect(keyless.status).toBe(400);
    expect(keyless.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([
      'header.idempotency-key',
    ]);
  });

  it('settles a lost charge nobody retried: by its webhook (our payment id) or by the bail-charges sweeper', async () => {
    const { orgId, token, bondId } = await bondOnPlan({ count: 1 });
    const lose = async (key: string, customer: string) => {
      let release!: () => void;
      stripe.next({ outcome: 'succeeded', customer, hold: new Promise<void>((r) => (release = r)) });
      const res = await h.call('POST', `/api/v1/bail/bonds/${bondId}/payments/charge`, {
        token,
        headers: { 'idempotency-key': key },
        body: { amount: '75.00', payment_method_id: 'pm_card_visa', provider_customer_id: customer },
      });
      release();
      expect(res.status).toBe(503);
      const intent = stripe.intents.find((i) => i.customer === customer)!;
      return { paymentId: intent.metadata.payment_id!, intent };
    };
    const paymentOf = (id: string) =>
      h.db.one(
        sql.unsafe`SELECT status, provider_payment_id FROM payments WHERE org_id = ${orgId} AND id = ${id}`,
      );

    // The webhook names the intent, which we never learnt, and our payment id in its metadata.
    const hooked = await lose('premium-hook', 'cus_hook');
    expect(await paymentOf(hooked.paymentId)).toEqual({ status: 'pending', provider_payment_id: null });
    const event = signedStripeEvent(WEBHOOK_SECRET, 'payment_intent.succeeded', hooked.intent);
    const res = await h.call('POST', '/webhooks/stripe', {
      rawBody: event.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': event.signature },
    });
    expect(res.body).toEqual({ received: true, applied: true });
    expect(await paymentOf(hooked.paymentId)).toEqual({
      status: 'completed',
      provider_payment_id: hooked.intent.id,
    });

    // No retry and no webhook: the sweeper asks Stripe for the payment by its id.
    const swept = await lose('premium-swept', 'cus_swept');
    const workflowId = `${h.prefix}bail-charges-now`;
    const result = await h.temporal.workflow.execute('settleUnansweredCharges', {
      taskQueue: `${h.prefix}bail`,
      workflowId,
      args: [{ olderThanSeconds: 0 }],
    });
    expect(result).toEqual({ settled: expect.any(Number) });
    recordHistory(workflowId, 'settle-unanswered-charges.v1');
    expect(await paymentOf(swept.paymentId)).toEqual({
      status: 'completed',
      provider_payment_id: swept.intent.id,
    });
    expect(stripe.intents.filter((i) => i.customer === 'cus_swept')).toHaveLength(1);
  });

  it('refuses to settle or cancel a plan while an installment is being charged (issue 28 item 10)', async () => {
    let release!: () => void;
    stripe.next({
      outcome: 'succeeded',
      customer: 'cus_busy',
      hold: new Promise<void>((r) => (release = r)),
    });
    const { orgId, token, plan } = await bondOnPlan({ count: 2, customer: 'cus_busy' });
    try {
      await eventually(async () =>
        (await h.db.maybeOne(sql.unsafe`
          SELECT 1 FROM payments WHERE org_id = ${orgId} AND installment_id IS NOT NULL AND status = 'pending'`))
          ? true
          : undefined,
      );
      const settle = await h.call('POST', `/api/v1/bail/payment-plans/${plan.id}/settle`, {
        token,
        body: { method: 'cash' },
      });
      expect(settle.status).toBe(409);
      expect(settle.body.error.message).toMatch(/Installment 1 is being charged/);
      const cancel = await h.call('POST', `/api/v1/bail/payment-plans/${plan.id}/cancel`, {
        token,
        body: {},
      });
      expect(cancel.status).toBe(409);
    } finally {
      release();
    }
    await eventually(async () => {
      const p = await planOf(token, plan.id);
      return p.body.installments[0].status === 'paid' ? true : undefined;
    }, 30_000);
    const cancel = await h.call('POST', `/api/v1/bail/payment-plans/${plan.id}/cancel`, { token, body: {} });
    expect(cancel.status).toBe(200);
    expect(stripe.intents.filter((i) => i.customer === 'cus_busy')).toHaveLength(1);
  });
});
