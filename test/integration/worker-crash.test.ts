import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { answerContact, customerWithHistory, suspiciousTransaction } from '../helpers/triage-fixtures.js';
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
      SELECT count(*) FROM events WHERE org_id = ${orgId} AND stream = 'alerts' AND type = 'action_completed'`);
    expect(freezeEvents).toBe(2);
    expect((await h.call('GET', `/api/v1/cards/${fixture.card.id}`, { token })).body.status).toBe('frozen');
  });
});
