import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import {
  answerContact,
  cardTestingBurst,
  customerWithHistory,
  suspiciousTransaction,
} from '../helpers/triage-fixtures.js';
import { workerProcesses } from '../helpers/worker-process.js';

let h: Harness;
let workers: ReturnType<typeof workerProcesses>;
beforeAll(async () => {
  h = await startHarness();
  workers = workerProcesses(h.prefix, { WORKER_CONTEXTS: 'triage,notify', LINK_SIGNING_KEY: 'k'.repeat(32) });
});
afterAll(async () => {
  workers.killAll();
  await h.close();
});

describe('a worker killed during triage', () => {
  it('is replaced, and the triage completes with exactly one freeze', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const fixture = await customerWithHistory(h, token, { cardNumber: '5555 5555 5555 4444' });
    const first = workers.start();
    await h.call('POST', '/api/v1/transactions', { token, body: suspiciousTransaction(fixture) });

    // Kill -9 the moment the freeze is written, when the card-manager activity may not have reported back.
    await eventually(async () => {
      const frozen = await h.db.exists(sql.unsafe`
        SELECT 1 FROM events WHERE org_id = ${orgId} AND type = 'action_completed' AND payload->>'card_id' = ${fixture.card.id}`);
      return frozen || undefined;
    }, 60_000);
    await workers.crash(first);

    workers.start();
    await answerContact(h, fixture.customer.id, 'no');
    const alertId = await h.db.oneFirst(sql.unsafe`SELECT id FROM alerts WHERE org_id = ${orgId}`);
    const triage = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts/${String(alertId)}/triage`, { token });
      return res.body.status === 'completed' ? res.body : undefined;
    }, 90_000);
    expect(triage.agents.map((a: { status: string }) => a.status)).toEqual(Array(5).fill('completed'));

    // Each freeze request was applied exactly once: the triage's, then the customer's "not me".
    const freezes = await h.db.anyFirst(sql.unsafe`
      SELECT dedup_key FROM audit_events
      WHERE org_id = ${orgId} AND action = 'card.frozen' AND resource_id = ${fixture.card.id} ORDER BY created_at`);
    expect(freezes).toEqual([
      `card.frozen:${fixture.card.id}:triage-${String(alertId)}`,
      `card.frozen:${fixture.card.id}:contact-${String(alertId)}`,
    ]);
    const freezeEvents = await h.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM events WHERE org_id = ${orgId} AND stream = 'alerts' AND type = 'action_completed'
        AND payload->>'action' = 'card_frozen'`);
    expect(freezeEvents).toBe(2);
    expect((await h.call('GET', `/api/v1/cards/${fixture.card.id}`, { token })).body.status).toBe('frozen');
  }, 180_000); // a worker started twice, each bundling its workflows, then a triage: past the 60 s default on a busy box

  it('killed mid-burst, loses and duplicates nothing: one alert, one triage, one freeze, one contact', async () => {
    const { orgId, users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const fixture = await customerWithHistory(h, token, { cardNumber: '4000 0000 0000 3220' });
    const burst = cardTestingBurst(fixture, 100);
    const post = async (from: number, to: number) => {
      for (let i = from; i < to; i += 20) {
        const answers = await Promise.all(
          burst
            .slice(i, Math.min(i + 20, to))
            .map((body) => h.call('POST', '/api/v1/transactions', { token, body })),
        );
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
      }
    };
    const first = workers.start();
    await post(0, 40);
    // The triage started with the burst; kill the worker while it runs.
    await eventually(async () => {
      const started = await h.db.exists(sql.unsafe`
        SELECT 1 FROM agent_runs r JOIN alerts a ON a.id = r.alert_id
        WHERE a.org_id = ${orgId} AND r.status <> 'pending'`);
      return started || undefined;
    }, 60_000);
    await workers.crash(first);
    await post(40, 100);
    workers.start();

    await eventually(async () => {
      const waiting = await h.db.exists(sql.unsafe`
        SELECT 1 FROM customer_contacts WHERE org_id = ${orgId} AND status = 'awaiting_reply'`);
      return waiting || undefined;
    }, 90_000);
    const alerts = await h.db.any(sql.unsafe`SELECT id, data FROM alerts WHERE org_id = ${orgId}`);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as { id: string; data: { transaction_count: number } };
    expect(alert.data.transaction_count).toBe(100);
    expect((await h.temporal.workflow.count(`AlertId = "${alert.id}"`)).count).toBe(1);
    const count = async (q: ReturnType<typeof sql.unsafe>) => Number(await h.db.oneFirst(q));
    expect(
      await count(sql.unsafe`
        SELECT count(*) FROM audit_events WHERE org_id = ${orgId} AND action = 'card.frozen' AND resource_id = ${fixture.card.id}`),
    ).toBe(1);
    expect(await count(sql.unsafe`SELECT count(*) FROM customer_contacts WHERE org_id = ${orgId}`)).toBe(1);
    expect(
      await count(
        sql.unsafe`SELECT count(*) FROM transactions WHERE org_id = ${orgId} AND alert_id = ${alert.id}`,
      ),
    ).toBe(100);
  });
});
