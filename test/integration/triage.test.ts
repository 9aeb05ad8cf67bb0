import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';
import { openSse } from '../helpers/sse.js';
import { answerContact, customerWithHistory, suspiciousTransaction } from '../helpers/triage-fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

describe('triage end to end (real Postgres, Temporal and worker)', () => {
  it('screens a suspicious transaction, triages the alert, freezes the card and streams progress', async () => {
    const { orgId, users } = await h.createOrg(['admin', 'analyst']);
    const token = users.analyst.token;
    const fixture = await customerWithHistory(h, token);
    const stream = openSse(`${h.baseUrl}/api/v1/stream/alerts`, { authorization: `Bearer ${token}` });
    await stream.connected;

    const tx = await h.call('POST', '/api/v1/transactions', { token, body: suspiciousTransaction(fixture) });
    expect(tx.status).toBe(201);

    const alert = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts?customer_id=${fixture.customer.id}`, { token });
      return res.body.data[0];
    });
    expect(alert).toMatchObject({ transaction_id: tx.body.id, card_id: fixture.card.id, status: 'open' });
    expect(['high', 'critical']).toContain(alert.priority);

    // The card-manager froze the card, temporarily, for 24 h.
    const frozen = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts/${alert.id}/triage`, { token });
      const cardRun = res.body.agents.find((a: { agent: string }) => a.agent === 'card-manager');
      return cardRun?.status === 'completed' ? res.body : undefined;
    });
    const fraud = frozen.agents.find((a: { agent: string }) => a.agent === 'fraud-detector');
    expect(fraud.result.riskScore).toBeGreaterThan(7);
    expect(fraud.result.recommendation).toBe('freeze_card');
    expect(frozen.agents.find((a: { agent: string }) => a.agent === 'card-manager').result.action).toBe(
      'card_frozen',
    );
    const card = await h.call('GET', `/api/v1/cards/${fixture.card.id}`, { token });
    expect(card.body).toMatchObject({ status: 'frozen', masked_number: '****4242' });
    const hours = (Date.parse(card.body.frozen_until) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThanOrEqual(24);

    // The customer-contact agent asks the customer, who says it was not them.
    await answerContact(h, fixture.customer.id, 'no');
    const triage = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts/${alert.id}/triage`, { token });
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(triage.batches).toEqual([
      ['fraud-detector', 'kyc-check'],
      ['card-manager'],
      ['case-summarizer', 'customer-contact'],
    ]);
    const contactRun = triage.agents.find((a: { agent: string }) => a.agent === 'customer-contact');
    expect(contactRun.result).toMatchObject({
      action: 'customer_denied',
      customer_answer: 'no',
      replacement_requested: true,
    });
    const dispute = await h.call('GET', `/api/v1/disputes/${String(contactRun.result.dispute_id)}`, {
      token,
    });
    expect(dispute.body).toMatchObject({
      status: 'unsubmitted',
      transaction_id: tx.body.id,
      reason: 'fraud',
    });
    const kept = await h.call('GET', `/api/v1/cards/${fixture.card.id}`, { token });
    expect(kept.body).toMatchObject({ status: 'frozen', frozen_until: null });

    // The SSE client saw each agent complete, batch by batch, and the freeze.
    const agentEvents = await eventually(async () => {
      const seen = stream.events.filter((e) => e.event === 'agent_completed' && e.data.alert_id === alert.id);
      return seen.length === 5 ? seen : undefined;
    });
    const batches = agentEvents.map((e) => e.data.batch);
    expect(batches).toEqual([...batches].sort());
    expect(batches).toEqual([0, 0, 1, 2, 2]);
    expect(stream.events.some((e) => e.event === 'alert_created' && e.data.alert.id === alert.id)).toBe(true);
    expect(stream.events.some((e) => e.event === 'action_completed' && e.data.action === 'card_frozen')).toBe(
      true,
    );
    const contacted = await eventually(async () =>
      stream.events.find((e) => e.event === 'action_completed' && e.data.action === 'customer_contacted'),
    );
    expect(contacted.data).toMatchObject({
      case_id: expect.any(String),
      customer_id: fixture.customer.id,
      result: { status: 'sent', channel: 'sms', notification_id: expect.any(String) },
    });
    const ids = stream.events.filter((e) => e.id).map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await stream.close();

    // The alert's detail carries its case (with the summary), agent runs and timeline.
    const detail = await h.call('GET', `/api/v1/alerts/${alert.id}`, { token });
    expect(detail.body.case).toMatchObject({ status: 'investigating' });
    expect(detail.body.case.summary).toMatch(/Card frozen until/);
    expect(detail.body.agent_runs).toHaveLength(5);
    const timeline = detail.body.timeline.map((e: { type: string }) => e.type);
    expect(timeline).toEqual(
      expect.arrayContaining([
        'triage_started',
        'agent_completed',
        'card_frozen',
        'customer_contacted',
        'customer_replied',
        'replacement_card_requested',
      ]),
    );

    // Each freeze request was applied once: the triage's temporary one, then the contact's permanent one.
    const freezes = await h.db.anyFirst(sql.unsafe`
      SELECT dedup_key FROM audit_events
      WHERE org_id = ${orgId} AND action = 'card.frozen' AND resource_id = ${fixture.card.id} ORDER BY created_at`);
    expect(freezes).toEqual([
      `card.frozen:${fixture.card.id}:triage-${alert.id}`,
      `card.frozen:${fixture.card.id}:contact-${alert.id}`,
    ]);

    // Asking for triage again returns the same run, never a second one.
    const again = await h.call('POST', `/api/v1/alerts/${alert.id}/triage`, { token });
    expect(again.status).toBe(202);
    expect(again.body.workflow_id).toBe(`triage-alert-${alert.id}`);
    const runs = await eventually(async () => {
      const n = await h.temporal.workflow.count(`WorkflowId = "triage-alert-${alert.id}"`);
      return n.count >= 1 ? n.count : undefined;
    });
    expect(runs).toBe(1);

    // Operators act through the running triage: assign, note, resolve; resolving twice is a conflict.
    const assigned = await h.call('POST', `/api/v1/alerts/${alert.id}/assign`, {
      token,
      body: { agent: 'ana' },
    });
    expect(assigned.body).toMatchObject({ status: 'assigned', assigned_agent: 'ana' });
    expect(
      (
        await h.call('POST', `/api/v1/alerts/${alert.id}/notes`, {
          token,
          body: { note: 'called the customer' },
        })
      ).status,
    ).toBe(201);
    const resolved = await h.call('POST', `/api/v1/alerts/${alert.id}/resolve`, {
      token,
      body: {
        resolution: 'customer did not make this payment',
        actions_taken: ['card_frozen'],
        outcome: 'confirmed_fraud',
      },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    const result = await h.temporal.workflow.getHandle(`triage-alert-${alert.id}`).result();
    expect(result).toMatchObject({ outcome: 'complete', caseId: detail.body.case.id });
    const twice = await h.call('POST', `/api/v1/alerts/${alert.id}/resolve`, {
      token,
      body: { resolution: 'again' },
    });
    expect(twice.status).toBe(409);
    const closed = await h.call('GET', `/api/v1/alerts/${alert.id}`, { token });
    expect(closed.body.case).toMatchObject({ status: 'closed', outcome: 'confirmed_fraud' });

    // A closed case can be reopened (once closed only); its alert opens again.
    const caseId = closed.body.case.id;
    const reopened = await h.call('POST', `/api/v1/cases/${caseId}/reopen`, {
      token,
      body: { reason: 'customer disputes the outcome' },
    });
    expect(reopened.body).toMatchObject({ status: 'investigating', outcome: null, reopened_count: 1 });
    expect(
      (await h.call('POST', `/api/v1/cases/${caseId}/reopen`, { token, body: { reason: 'again' } })).status,
    ).toBe(409);
    const afterReopen = await h.call('GET', `/api/v1/alerts/${alert.id}`, { token });
    expect(afterReopen.body.status).toBe('assigned');
    expect(afterReopen.body.timeline.at(-1)).toMatchObject({ type: 'reopened' });

    // Recorded once each (RECORD_HISTORIES=<name>): v1/v2 before the contact outcome became steps.
    recordHistory(`triage-alert-${alert.id}`, 'alert-triage.v3');
    recordHistory(`card-freeze-${fixture.card.id}`, 'card-freeze.v1');

    // The operator lifts the freeze early; the card-freeze run ends.
    const unfrozen = await h.call('POST', '/api/v1/actions/unfreeze-card', {
      token,
      body: { card_id: fixture.card.id, reason: 'customer confirmed the fraud; new card issued' },
    });
    expect(unfrozen.status).toBe(202);
    await h.temporal.workflow.getHandle(`card-freeze-${fixture.card.id}`).result();
    expect((await h.call('GET', `/api/v1/cards/${fixture.card.id}`, { token })).body.status).toBe('active');
  });

  it('unfreezes and resolves as false_positive when the customer says it was them', async () => {
    const { users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const fixture = await customerWithHistory(h, token, { cardNumber: '6011 1111 1111 1117' });
    await h.call('POST', '/api/v1/transactions', { token, body: suspiciousTransaction(fixture, 'y') });
    await answerContact(h, fixture.customer.id, 'yes');
    const alert = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts?customer_id=${fixture.customer.id}`, { token });
      return res.body.data[0]?.status === 'resolved' ? res.body.data[0] : undefined;
    });
    const result = await h.temporal.workflow.getHandle(`triage-alert-${alert.id}`).result();
    expect(result.outcome).toBe('complete');
    const detail = await h.call('GET', `/api/v1/alerts/${alert.id}`, { token });
    expect(detail.body.case).toMatchObject({ status: 'closed', outcome: 'false_positive' });
    const card = await eventually(async () => {
      const c = await h.call('GET', `/api/v1/cards/${fixture.card.id}`, { token });
      return c.body.status === 'active' ? c.body : undefined;
    });
    expect(card.frozen_until).toBeNull();
    await h.temporal.workflow.getHandle(`card-freeze-${fixture.card.id}`).result();
    recordHistory(`card-freeze-${fixture.card.id}`, 'card-freeze.v2'); // the customer's unfreeze names its hold
  });

  it('runs a dispute from opening through submission to the network’s decision', async () => {
    const { users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const fixture = await customerWithHistory(h, token, { cardNumber: '3782 822463 10005' });
    const tx = await h.call('POST', '/api/v1/transactions', {
      token,
      body: suspiciousTransaction(fixture, 'd'),
    });
    const body = { transaction_id: tx.body.id, dispute_reason: 'fraud', evidence: ['customer statement'] };
    const opened = await h.call('POST', '/api/v1/actions/open-dispute', { token, body });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      status: 'unsubmitted',
      amount: '4800.00',
      workflow_id: `dispute-${opened.body.id}`,
    });
    const days = (Date.parse(opened.body.submit_by) - Date.parse(tx.body.transaction_date)) / 86_400_000;
    expect(Math.round(days)).toBe(110);
    const again = await h.call('POST', '/api/v1/actions/open-dispute', { token, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(opened.body.id);

    expect(
      (await h.call('POST', `/api/v1/disputes/${opened.body.id}/outcome`, { token, body: { result: 'won' } }))
        .status,
    ).toBe(409);
    await h.call('POST', `/api/v1/disputes/${opened.body.id}/submit`, {
      token,
      body: { evidence: [{ type: 'receipt' }] },
    });
    await eventually(async () => {
      const d = await h.call('GET', `/api/v1/disputes/${opened.body.id}`, { token });
      return d.body.status === 'submitted' ? d.body : undefined;
    });
    await h.call('POST', `/api/v1/disputes/${opened.body.id}/outcome`, { token, body: { result: 'won' } });
    const result = await h.temporal.workflow.getHandle(`dispute-${opened.body.id}`).result();
    expect(result.status).toBe('won');
    const final = await h.call('GET', `/api/v1/disputes/${opened.body.id}`, { token });
    expect(final.body).toMatchObject({
      status: 'won',
      evidence: ['customer statement', { type: 'receipt' }],
    });
    // Opening, submission and the network's decision are on the audit trail, by whom.
    const trail = await h.call('GET', `/api/v1/audit?resource_id=${opened.body.id}`, {
      token: (await h.createOrg(['admin'])).users.admin.token,
    });
    expect(trail.body.data).toEqual([]); // another organisation sees none of it
    const audit = await h.db.any(sql.unsafe`
      SELECT action, actor_id FROM audit_events WHERE resource_id = ${opened.body.id} ORDER BY created_at`);
    expect(audit).toEqual([
      { action: 'dispute.opened', actor_id: users.analyst.id },
      { action: 'dispute.submitted', actor_id: users.analyst.id },
      { action: 'dispute.won', actor_id: users.analyst.id },
    ]);
    recordHistory(`dispute-${opened.body.id}`, 'dispute-lifecycle.v1');
  });

  it('replays missed events to a client that reconnects with Last-Event-ID', async () => {
    const { users } = await h.createOrg(['analyst']);
    const token = users.analyst.token;
    const fixture = await customerWithHistory(h, token, { cardNumber: '4000 0566 5566 5556' });
    await h.call('POST', '/api/v1/transactions', { token, body: suspiciousTransaction(fixture) });
    const alert = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts?customer_id=${fixture.customer.id}`, { token });
      return res.body.data[0];
    });
    await answerContact(h, fixture.customer.id, 'no');
    await eventually(async () => {
      const res = await h.call('GET', `/api/v1/alerts/${alert.id}/triage`, { token });
      return res.body.status === 'completed' ? true : undefined;
    });
    const caseId = (await h.call('GET', `/api/v1/alerts/${alert.id}`, { token })).body.case.id;

    const replay = openSse(`${h.baseUrl}/api/v1/stream/case/${caseId}`, {
      authorization: `Bearer ${token}`,
      'last-event-id': '0',
    });
    const seen = await eventually(async () => {
      const agents = replay.events.filter((e) => e.event === 'agent_completed');
      return agents.length === 5 ? replay.events : undefined;
    });
    await replay.close();
    const firstAgent = seen.find((e) => e.event === 'agent_completed')!;

    // Reconnect after the first agent event: only what came after it is replayed.
    const resumed = openSse(`${h.baseUrl}/api/v1/stream/case/${caseId}`, {
      authorization: `Bearer ${token}`,
      'last-event-id': firstAgent.id!,
    });
    const rest = await eventually(async () => {
      const agents = resumed.events.filter((e) => e.event === 'agent_completed');
      return agents.length === 4 ? agents : undefined;
    });
    await resumed.close();
    expect(rest.every((e) => Number(e.id) > Number(firstAgent.id))).toBe(true);
  });
});
