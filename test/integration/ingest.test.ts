import { Client, Connection } from '@temporalio/client';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { customerHistories } from '../../db/triage/transactions.js';
import { createLogger } from '../../lib/logger.js';
import { DEFAULT_THRESHOLDS } from '../../workflows/triage/screening.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { cardTestingBurst, customerWithHistory, suspiciousTransaction } from '../helpers/triage-fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

const count = async (query: ReturnType<typeof sql.unsafe>) => Number(await h.db.oneFirst(query));

/** The triage of this customer's alert has frozen the card and waits for their answer (nothing in flight). */
const triageSettled = (customerId: string) =>
  eventually(async () => {
    const n = await count(sql.unsafe`
      SELECT count(*) FROM customer_contacts WHERE customer_id = ${customerId} AND status = 'awaiting_reply'`);
    return n > 0 || undefined;
  }, 60_000);

describe('screening in the ingest transaction', () => {
  it('answers with risk and alert, and the alert is readable the moment the POST returns', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const f = await customerWithHistory(h, token, { cardNumber: '4000 0566 5566 5556' });
    const tx = await h.call('POST', '/api/v1/transactions', { token, body: suspiciousTransaction(f) });
    expect(tx.status).toBe(201);
    expect(Number(tx.body.risk_score)).toBeGreaterThanOrEqual(7);
    expect(tx.body).toMatchObject({ risk_level: 'high', alert_id: expect.any(String) });

    const alert = await h.call('GET', `/api/v1/alerts/${tx.body.alert_id}`, { token });
    expect(alert.status).toBe(200);
    expect(alert.body).toMatchObject({ transaction_id: tx.body.id, status: 'open' });
    expect(['high', 'critical']).toContain(alert.body.priority);
    // Its triage was started after the commit, before the answer; no workflow screened the transaction.
    const triage = await h.temporal.workflow.getHandle(`triage-alert-${tx.body.alert_id}`).describe();
    expect(triage.status.name).toBe('RUNNING');
    expect((await h.temporal.workflow.count(`WorkflowId = "tx-eval-${tx.body.id}"`)).count).toBe(0);
    // The features came from the customer's own month: ten grocery payments of 20.00 to 47.00 in London.
    const [history] = await customerHistories(h.db, orgId, [tx.body], DEFAULT_THRESHOLDS);
    expect(history).toMatchObject({
      history_count: 10,
      recent_count: 1,
      merchant_seen: false,
      last_location: expect.objectContaining({ city: 'London' }),
      usual_lat: 51.5074,
    });
    expect(Number(history!.avg_amount)).toBeCloseTo(33.5, 5);
    await triageSettled(f.customer.id);
    // The balance moved with the payment (2,500.00, less the fixture's 335.00 of history, less 4,800.00).
    expect((await h.call('GET', `/api/v1/accounts/${f.account.id}`, { token })).body.balance).toBe(
      '-2635.00',
    );
  });

  it('lists risk and alert per row of a batch, and a repeated batch changes nothing', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const a = await customerWithHistory(h, token, { cardNumber: '4111 1111 1111 1111' });
    const b = await customerWithHistory(h, token, { cardNumber: '5105 1051 0510 5100' });
    const ordinary = (f: typeof a, i: number) => ({
      external_id: `${f.ext}-ord-${i}`,
      customer_id: f.customer.id,
      card_id: f.card.id,
      amount: '25.00',
      currency: 'GBP',
      transaction_type: 'purchase',
      merchant_name: 'Corner Shop',
      merchant_category: 'groceries',
      transaction_date: new Date(Date.now() - (i + 1) * 3600_000).toISOString(),
      status: 'completed',
    });
    const batch = {
      transactions: [ordinary(a, 0), suspiciousTransaction(a, 'batch'), ordinary(b, 0), ordinary(b, 1)],
    };
    const first = await h.call('POST', '/api/v1/transactions', { token, body: batch });
    expect(first.status).toBe(200);
    expect(first.body.summary).toEqual({ received: 4, created: 4, duplicates: 0 });
    const rows = first.body.data;
    expect(rows.map((r: { external_id: string }) => r.external_id)).toEqual(
      batch.transactions.map((t) => t.external_id),
    );
    expect(rows.map((r: { risk_level: string }) => r.risk_level)).toEqual(['low', 'high', 'low', 'low']);
    expect(rows.map((r: { alert_id: string | null }) => r.alert_id !== null)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect(rows[0].account_id).toBe(a.account.id); // posted to the card's account

    const state = async () => ({
      transactions: await count(sql.unsafe`SELECT count(*) FROM transactions WHERE org_id = ${orgId}`),
      alerts: await count(sql.unsafe`SELECT count(*) FROM alerts WHERE org_id = ${orgId}`),
      starts: await count(sql.unsafe`SELECT count(*) FROM workflow_starts WHERE org_id = ${orgId}`),
      balances: await h.db.anyFirst(
        sql.unsafe`SELECT balance FROM accounts WHERE org_id = ${orgId} ORDER BY id`,
      ),
    });
    const before = await state();
    // 2,165.00 after the fixture's history, less this batch's payments.
    expect(before.balances).toEqual(expect.arrayContaining(['-2660.00', '2115.00']));
    const again = await h.call('POST', '/api/v1/transactions', { token, body: batch });
    expect(again.status).toBe(200);
    expect(again.body.summary).toEqual({ received: 4, created: 0, duplicates: 4 });
    expect(
      again.body.data.map((r: { id: string; alert_id: string | null; risk_score: string }) => r),
    ).toEqual(rows.map((r: object) => expect.objectContaining(r)));
    expect(await state()).toEqual(before);
    await triageSettled(a.customer.id);
  });

  it('rejects a transaction in another currency than its account, naming the field', async () => {
    const { users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const f = await customerWithHistory(h, token, { cardNumber: '3782 822463 10005' });
    const res = await h.call('POST', '/api/v1/transactions', {
      token,
      body: { ...suspiciousTransaction(f, 'usd'), currency: 'USD' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ path: 'body.currency', code: 'currency_mismatch' }),
    ]);
  });
});

describe('balances', () => {
  it('move with debits, credits and failures, and a balance rule fires on the move and on a sync', async () => {
    const { users } = await h.createOrg(['supervisor']);
    const token = users.supervisor.token;
    const f = await customerWithHistory(h, token, { cardNumber: '6011 0009 9013 9424' });
    const below = await h.call('POST', '/api/v1/alert-rules', {
      token,
      body: {
        customer_id: f.customer.id,
        alert_type: 'account_threshold',
        conditions: { account_id: f.account.id, threshold: '100.00', direction: 'below' },
      },
    });
    const above = await h.call('POST', '/api/v1/alert-rules', {
      token,
      body: {
        customer_id: f.customer.id,
        alert_type: 'account_threshold',
        conditions: { account_id: f.account.id, threshold: '5000.00', direction: 'above' },
      },
    });
    expect([below.status, above.status]).toEqual([201, 201]);
    const post = (suffix: string, amount: string, type: string, status = 'completed') =>
      h.call('POST', '/api/v1/transactions', {
        token,
        body: {
          external_id: `${f.ext}-${suffix}`,
          customer_id: f.customer.id,
          account_id: f.account.id,
          amount,
          currency: 'GBP',
          transaction_type: type,
          merchant_name: 'Landlord Ltd',
          transaction_date: new Date().toISOString(),
          status,
        },
      });
    // 2,165.00 after the fixture's month of history.
    expect((await post('rent', '2000.00', 'transfer')).status).toBe(201); // → 165
    expect((await post('refund', '50.00', 'refund')).status).toBe(201); // → 215
    expect((await post('declined', '900.00', 'purchase', 'failed')).status).toBe(201); // no move
    const balance = async () =>
      (await h.call('GET', `/api/v1/accounts/${f.account.id}`, { token })).body.balance;
    expect(await balance()).toBe('215.00');
    const notices = async () =>
      h.db.anyFirst(sql.unsafe`
        SELECT metadata->>'rule_id' FROM notifications
        WHERE customer_id = ${f.customer.id} AND source = 'rules' ORDER BY created_at`);
    expect(await notices()).toEqual([]);
    expect((await post('tv', '150.00', 'purchase')).status).toBe(201); // → 65: below 100, at once
    expect(await balance()).toBe('65.00');
    expect(await notices()).toEqual([below.body.id]);

    // The core-banking feed sets the balance; the "above" rule fires on the sync.
    const synced = await h.call('PATCH', `/api/v1/accounts/${f.account.id}`, {
      token,
      body: { balance: '6000.00' },
    });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ balance: '6000.00', balance_updated_at: expect.any(String) });
    expect(await notices()).toEqual([below.body.id, above.body.id]);
    const bad = await h.call('PATCH', `/api/v1/accounts/${f.account.id}`, {
      token,
      body: { balance: 'lots' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.balance');
  });
});

describe('one alert per burst', () => {
  it('200 card-testing payments leave one alert, one triage, one freeze and one contact', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const f = await customerWithHistory(h, token, { cardNumber: '4000 0000 0000 0002' });
    const burst = cardTestingBurst(f, 200);
    // Twenty at a time, as a card tester's script sends them.
    for (let i = 0; i < burst.length; i += 20) {
      const answers = await Promise.all(
        burst.slice(i, i + 20).map((body) => h.call('POST', '/api/v1/transactions', { token, body })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(201));
    }
    const alerts = await h.db.any(sql.unsafe`
      SELECT id, priority, data FROM alerts WHERE org_id = ${orgId} AND customer_id = ${f.customer.id}`);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as { id: string; priority: string; data: { transaction_count: number } };
    expect(alert.data.transaction_count).toBe(200);
    expect(['high', 'critical']).toContain(alert.priority);
    expect(
      await count(
        sql.unsafe`SELECT count(*) FROM transactions WHERE org_id = ${orgId} AND alert_id = ${alert.id}`,
      ),
    ).toBe(200);

    // One triage; the card-manager freezes the card once; the customer is asked once.
    await triageSettled(f.customer.id);
    expect(
      (await h.temporal.workflow.count(`AlertId = "${alert.id}" AND WorkflowType = "alertTriage"`)).count,
    ).toBe(1);
    expect(
      (await h.temporal.workflow.count(`CustomerId = "${f.customer.id}" AND WorkflowType = "alertTriage"`))
        .count,
    ).toBe(1);
    expect(
      await count(sql.unsafe`
        SELECT count(*) FROM audit_events WHERE org_id = ${orgId} AND action = 'card.frozen' AND resource_id = ${f.card.id}`),
    ).toBe(1);
    expect(
      await count(sql.unsafe`
        SELECT count(*) FROM customer_contacts WHERE org_id = ${orgId} AND customer_id = ${f.customer.id}`),
    ).toBe(1);
    const events = await h.db.anyFirst(sql.unsafe`
      SELECT type FROM events WHERE org_id = ${orgId} AND stream = 'alerts' AND type IN ('alert_created', 'alert_updated')`);
    expect(events.filter((t) => t === 'alert_created')).toHaveLength(1);
    expect(events.filter((t) => t === 'alert_updated').length).toBeGreaterThan(0);
    // The running triage heard of the evidence that joined its alert.
    const progress = await eventually(async () => {
      const p = await h.temporal.workflow.getHandle(`triage-alert-${alert.id}`).query<{
        evidence?: { transactionCount: number };
      }>('progress');
      return p.evidence?.transactionCount === 200 ? p : undefined;
    });
    expect(progress.evidence?.transactionCount).toBe(200);
  });
});

describe('no stored fact without its workflow', () => {
  it('a notification whose start failed is answered 202 and delivered once, by the sweeper', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    const customer = await h.call('POST', '/api/v1/customers', {
      token,
      body: {
        external_id: `sweep-${orgId}`,
        first_name: 'Sam',
        last_name: 'Ng',
        email: 'sam.ng@example.com',
      },
    });
    // The same app, its Temporal client pointed at a port nobody listens on.
    const nowhere = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApp({
      config: h.config,
      db: h.db,
      cipher: h.cipher,
      temporal: nowhere,
      log: createLogger({ level: 'silent' }),
    });
    const res = await app.request('/api/v1/notifications', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customer_id: customer.body.id,
        kind: 'budget_alert',
        title: 'Budget at 80%',
        message: 'Groceries: £400 of £500.',
        dedup_key: 'sweep-1',
        channels: ['email'],
      }),
    });
    expect(res.status).toBe(202);
    const notification = (await res.json()) as { id: string; workflow_id: string };
    const owed = await h.db.one(sql.unsafe`
      SELECT started_at, attempts, last_error FROM workflow_starts WHERE workflow_id = ${notification.workflow_id}`);
    expect(owed).toMatchObject({ started_at: null, attempts: 1, last_error: expect.any(String) });

    const sweep = () =>
      h.temporal.workflow.execute('startPendingWorkflows', {
        taskQueue: `${h.prefix}platform`,
        workflowId: `${h.prefix}sweep-${Math.random().toString(36).slice(2)}`,
        args: [{ olderThanSeconds: 0 }],
      });
    expect(await sweep()).toMatchObject({ started: expect.any(Number), failed: 0 });
    const sent = await eventually(async () => {
      const n = await count(sql.unsafe`
        SELECT count(*) FROM outbox_messages o JOIN notification_deliveries d ON d.id = o.delivery_id
        WHERE d.notification_id = ${notification.id}`);
      return n > 0 ? n : undefined;
    });
    expect(sent).toBe(1);
    await sweep();
    expect(
      await h.db.oneFirst(
        sql.unsafe`SELECT started_at IS NOT NULL FROM workflow_starts WHERE workflow_id = ${notification.workflow_id}`,
      ),
    ).toBe(true);
    expect((await h.temporal.workflow.count(`WorkflowId = "${notification.workflow_id}"`)).count).toBe(1);
    expect(
      await count(sql.unsafe`
        SELECT count(*) FROM outbox_messages o JOIN notification_deliveries d ON d.id = o.delivery_id
        WHERE d.notification_id = ${notification.id}`),
    ).toBe(1);
    await nowhere.connection.close();
  });

  it('an evaluateTransaction run started before the change still completes, raising nothing new', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const f = await customerWithHistory(h, token, { cardNumber: '3566 0020 2036 0505' });
    const tx = await h.call('POST', '/api/v1/transactions', {
      token,
      body: suspiciousTransaction(f, 'legacy'),
    });
    const result = await h.temporal.workflow.execute('evaluateTransaction', {
      taskQueue: `${h.prefix}triage`,
      workflowId: `tx-eval-${tx.body.id}`,
      args: [{ orgId, transactionId: tx.body.id }],
    });
    expect(result).toMatchObject({ alertId: tx.body.alert_id, triageStarted: true });
    await triageSettled(f.customer.id);
  });
});
