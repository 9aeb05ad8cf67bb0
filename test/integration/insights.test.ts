import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kycCheck } from '../../activities/triage/agents/kyc-check.js';
import { insertInteractions } from '../../db/insights/interactions.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';
import { openSse } from '../helpers/sse.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000).toISOString();

async function orgWithCustomer() {
  const { orgId, users } = await h.createOrg(['analyst', 'viewer']);
  const token = users.analyst.token;
  const customer = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: `c-${Math.random()}`,
      first_name: 'Ada',
      last_name: 'Lovelace',
      timezone: 'America/New_York',
    },
  });
  expect(customer.status).toBe(201);
  return { orgId, token, viewer: users.viewer.token, customerId: customer.body.id as string };
}

const counters = (customerId: string) =>
  h.db.one(sql.unsafe`
    SELECT interaction_count, average_sentiment::float8 AS average_sentiment, first_seen_at, last_seen_at
    FROM customers WHERE id = ${customerId}`);

describe('insights: interactions, sentiment and patterns', () => {
  it('stores an interaction with its sentiment and the customer counters in one transaction, once per external id', async () => {
    const { token, customerId } = await orgWithCustomer();
    const body = {
      customer_id: customerId,
      external_id: 'chat-1',
      timestamp: hoursAgo(2),
      channel: 'chat',
      event_type: 'support_message',
      content: 'My card was declined twice, this is terrible and I am angry!',
    };
    const first = await h.call('POST', '/api/v1/interactions', { token, body });
    expect(first.status).toBe(201);
    expect(first.body.sentiment.label).toBe('negative');
    const { positive, negative, neutral } = first.body.sentiment;
    expect(positive + negative + neutral).toBeCloseTo(1, 10);
    expect(first.body.sentiment_confidence).toBe(negative);
    const again = await h.call('POST', '/api/v1/interactions', { token, body });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await counters(customerId)).toMatchObject({ interaction_count: 1 });
    expect((await counters(customerId)).average_sentiment).toBeCloseTo(first.body.sentiment.compound, 4);

    // A failing insert moves no counter (the CHECK on content length refuses the whole statement).
    const orgId = (await h.db.oneFirst(
      sql.unsafe`SELECT org_id FROM customers WHERE id = ${customerId}`,
    )) as string;
    await expect(
      h.db.transaction((t) =>
        insertInteractions(t, orgId, [
          {
            id: crypto.randomUUID(),
            customer_id: customerId,
            external_id: null,
            occurred_at: hoursAgo(1),
            channel: 'chat',
            event_type: 'x',
            content: 'ok',
            metadata: {},
            sentiment: null,
          },
          {
            id: crypto.randomUUID(),
            customer_id: customerId,
            external_id: null,
            occurred_at: hoursAgo(1),
            channel: 'chat',
            event_type: 'x',
            content: 'x'.repeat(10_001),
            metadata: {},
            sentiment: null,
          },
        ]),
      ),
    ).rejects.toThrow();
    expect(await counters(customerId)).toMatchObject({ interaction_count: 1 });
  });

  it('refuses bad input with field paths, and a batch stores its valid items and reports the rest', async () => {
    const { token, customerId } = await orgWithCustomer();
    const bad = await h.call('POST', '/api/v1/interactions', {
      token,
      body: { customer_id: customerId, timestamp: '2999-01-01T00:00:00Z', channel: 'fax', event_type: '' },
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body.error.details.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.channel', 'body.event_type']));
    // A time the document allows but this server's clock has not reached: a 422.
    const future = await h.call('POST', '/api/v1/interactions', {
      token,
      body: {
        customer_id: customerId,
        timestamp: '2999-01-01T00:00:00Z',
        channel: 'web',
        event_type: 'page_view',
      },
    });
    expect(future.status).toBe(422);
    expect(future.body.error.details.issues).toEqual([
      { path: 'body.timestamp', message: 'must not be in the future', code: 'in_future' },
    ]);
    const unknown = await h.call('POST', '/api/v1/interactions', {
      token,
      body: {
        customer_id: crypto.randomUUID(),
        timestamp: hoursAgo(1),
        channel: 'web',
        event_type: 'page_view',
      },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.issues[0].path).toBe('body.customer_id');

    const batch = await h.call('POST', '/api/v1/interactions', {
      token,
      body: {
        interactions: [
          {
            customer_id: customerId,
            timestamp: hoursAgo(3),
            channel: 'email',
            event_type: 'email_reply',
            content: 'Thank you, great help!',
          },
          {
            customer_id: customerId,
            timestamp: hoursAgo(3),
            channel: 'email',
            event_type: 'email_reply',
            content: '',
          },
          {
            customer_external_id: 'new-from-crm',
            timestamp: hoursAgo(2),
            channel: 'web',
            event_type: 'login',
          },
          { customer_id: crypto.randomUUID(), timestamp: hoursAgo(2), channel: 'web', event_type: 'login' },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ successful: 2, failed: 2 });
    expect(batch.body.errors.map((e: { index: number }) => e.index)).toEqual([1, 3]);
    expect(batch.body.errors[0].issues[0].path).toBe('body.interactions[1].content');
    expect(batch.body.errors[1].issues[0].path).toBe('body.interactions[3].customer_id');
    expect(batch.body.data[0].sentiment.label).toBe('positive');
    expect(batch.body.data[2].sentiment).toBeNull();
    // The customer named by external id now exists, with its counter.
    const created = await h.db.one(sql.unsafe`
      SELECT interaction_count FROM customers WHERE external_id = 'new-from-crm' AND id = ${batch.body.data[2].customer_id}`);
    expect(created).toEqual({ interaction_count: 1 });
  });

  it('searches full text, filters, and keeps every tenant to its own interactions', async () => {
    const a = await orgWithCustomer();
    const b = await orgWithCustomer();
    for (const [o, text] of [
      [a, 'The refund for my declined card never arrived'],
      [a, 'Love the new mobile app'],
      [b, 'Declined card refund please'],
    ] as const)
      expect(
        (
          await h.call('POST', '/api/v1/interactions', {
            token: o.token,
            body: {
              customer_id: o.customerId,
              timestamp: hoursAgo(1),
              channel: 'chat',
              event_type: 'msg',
              content: text,
            },
          })
        ).status,
      ).toBe(201);
    const found = await h.call('GET', '/api/v1/interactions?q=declined%20refund', { token: a.viewer });
    expect(found.status).toBe(200);
    expect(found.body.data.map((r: { content: string }) => r.content)).toEqual([
      'The refund for my declined card never arrived',
    ]);
    const negative = await h.call(
      'GET',
      `/api/v1/interactions?sentiment=positive&customer_id=${a.customerId}`,
      {
        token: a.viewer,
      },
    );
    expect(negative.body.data.map((r: { content: string }) => r.content)).toEqual([
      'Love the new mobile app',
    ]);
    const crossTenant = await h.call('GET', `/api/v1/interactions?customer_id=${b.customerId}`, {
      token: a.viewer,
    });
    expect(crossTenant.body.data).toEqual([]);
    expect(
      (await h.call('GET', `/api/v1/customers/${b.customerId}/patterns`, { token: a.viewer })).status,
    ).toBe(404);
  });

  it('buckets sentiment trends by day in the time zone asked for', async () => {
    const { token, viewer, customerId } = await orgWithCustomer();
    // 03:30 UTC on 1 June is still 31 May in New York.
    for (const at of ['2026-06-01T03:30:00Z', '2026-06-01T15:00:00Z'])
      await h.call('POST', '/api/v1/interactions', {
        token,
        body: {
          customer_id: customerId,
          timestamp: at,
          channel: 'chat',
          event_type: 'msg',
          content: 'great service',
        },
      });
    const q = 'from=2026-05-30T00:00:00Z&to=2026-06-03T00:00:00Z';
    const utc = await h.call('GET', `/api/v1/insights/sentiment-trends?${q}`, { token: viewer });
    expect(utc.body.data.map((r: { bucket: string; count: number }) => [r.bucket, r.count])).toEqual([
      ['2026-06-01', 2],
    ]);
    const ny = await h.call('GET', `/api/v1/insights/sentiment-trends?${q}&time_zone=America/New_York`, {
      token: viewer,
    });
    expect(ny.body.data.map((r: { bucket: string; count: number }) => [r.bucket, r.count])).toEqual([
      ['2026-05-31', 1],
      ['2026-06-01', 1],
    ]);
    expect(ny.body.data[0].average_sentiment).toBeGreaterThan(0.05);
    const summary = await h.call('GET', `/api/v1/insights/summary?${q}`, { token: viewer });
    expect(summary.body).toMatchObject({
      total: 2,
      customers: 1,
      by_channel: { chat: 2 },
      by_sentiment: { positive: 2 },
    });
  });

  it('detects patterns on demand, replaces them, and triage sees them', async () => {
    const { orgId, token, viewer, customerId } = await orgWithCustomer();
    const interactions = Array.from({ length: 12 }, (_, i) => ({
      customer_id: customerId,
      timestamp: hoursAgo(24 * (i + 1)),
      channel: 'chat',
      event_type: 'msg',
      content: 'This is awful, the worst bank ever',
    }));
    expect(
      (await h.call('POST', '/api/v1/interactions', { token, body: { interactions } })).body.successful,
    ).toBe(12);
    const detected = await h.call('POST', `/api/v1/customers/${customerId}/patterns/detect`, { token });
    expect(detected.status).toBe(200);
    const types = detected.body.data.map((p: { pattern_type: string }) => p.pattern_type);
    expect(types).toEqual(expect.arrayContaining(['frequent_chat_user', 'negative_sentiment_trend']));
    for (const p of detected.body.data) expect(p.confidence).toBeGreaterThanOrEqual(0.7);
    const read = await h.call('GET', `/api/v1/customers/${customerId}/patterns`, { token: viewer });
    expect(read.body.data).toEqual(detected.body.data);

    // Triage sees it: the KYC agent brings the customer's week of sentiment and their patterns to the case.
    const kyc = await kycCheck(
      {
        orgId,
        alertId: crypto.randomUUID(),
        caseId: crypto.randomUUID(),
        customerId,
        transactionId: null,
        cardId: null,
        inputs: {},
      },
      { db: h.db, temporal: h.temporal },
    );
    expect(kyc.patterns).toEqual(expect.arrayContaining(['negative_sentiment_trend']));
    expect(kyc.recentSentiment).toMatchObject({ days: 7, interactions: 6, negative: 6 });
  });

  it('sends interaction.created and sentiment.analyzed on /stream/insights as the insert commits', async () => {
    const { token, viewer, customerId } = await orgWithCustomer();
    const stream = openSse(`${h.baseUrl}/api/v1/stream/insights`, { authorization: `Bearer ${viewer}` });
    await stream.connected;
    const posted = await h.call('POST', '/api/v1/interactions', {
      token,
      body: {
        customer_id: customerId,
        timestamp: hoursAgo(0),
        channel: 'chat',
        event_type: 'msg',
        content: 'thanks a lot',
      },
    });
    const events = await eventually(async () => {
      const mine = stream.events.filter(
        (e) => e.data?.interaction?.id === posted.body.id || e.data?.interaction_id === posted.body.id,
      );
      return mine.length === 2 ? mine : undefined;
    }, 5_000);
    expect(events.map((e) => e.event)).toEqual(['interaction.created', 'sentiment.analyzed']);
    expect(events[0]!.data.interaction).not.toHaveProperty('content');
    await stream.close();
  });

  it('the hourly pass (a Temporal workflow) detects the customers with new interactions, once', async () => {
    const { token, viewer, customerId } = await orgWithCustomer();
    const interactions = Array.from({ length: 10 }, (_, i) => ({
      customer_id: customerId,
      timestamp: hoursAgo(12 * (i + 1)),
      channel: 'email',
      event_type: 'email_reply',
      content: 'Thanks, wonderful and helpful as always',
    }));
    expect(
      (await h.call('POST', '/api/v1/interactions', { token, body: { interactions } })).body.successful,
    ).toBe(10);
    const due = () =>
      h.db.oneFirst(sql.unsafe`
        SELECT interactions_stored_at > coalesce(patterns_detected_at, '-infinity') FROM customers WHERE id = ${customerId}`);
    expect(await due()).toBe(true);
    const workflowId = `${h.prefix}insights-patterns-now`;
    const totals = await h.temporal.workflow.execute('detectBehaviorPatterns', {
      taskQueue: `${h.prefix}insights`,
      workflowId,
      args: [{ pageSize: 2 }],
    });
    expect(totals).toMatchObject({ customers: expect.any(Number), pages: expect.any(Number) });
    recordHistory(workflowId, 'detect-behavior-patterns.v1');
    expect(await due()).toBe(false);
    const read = await h.call('GET', `/api/v1/customers/${customerId}/patterns`, { token: viewer });
    expect(read.body.data.map((p: { pattern_type: string }) => p.pattern_type)).toContain(
      'positive_sentiment_trend',
    );
  });

  it('property 7: every frequent query is served by an index led by the organisation', async () => {
    const { orgId, customerId } = await orgWithCustomer();
    const plans = await h.db.transaction(async (t) => {
      // On a small table the planner prefers a scan; without one it must find an index for each.
      await t.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
      const explain = async (q: ReturnType<typeof sql.fragment>) =>
        (await t.anyFirst(sql.unsafe`EXPLAIN ${q}`)).join('\n');
      const from = hoursAgo(24 * 30);
      return {
        page: await explain(
          sql.fragment`SELECT id FROM interactions WHERE org_id = ${orgId} ORDER BY occurred_at DESC, id DESC LIMIT 51`,
        ),
        customer: await explain(
          sql.fragment`SELECT id FROM interactions WHERE org_id = ${orgId} AND customer_id = ${customerId} ORDER BY occurred_at DESC, id DESC LIMIT 51`,
        ),
        channel: await explain(
          sql.fragment`SELECT id FROM interactions WHERE org_id = ${orgId} AND channel = 'chat' ORDER BY occurred_at DESC, id DESC LIMIT 51`,
        ),
        sentiment: await explain(
          sql.fragment`SELECT id FROM interactions WHERE org_id = ${orgId} AND sentiment_label = 'negative' ORDER BY occurred_at DESC, id DESC LIMIT 51`,
        ),
        search: await explain(
          sql.fragment`SELECT id FROM interactions WHERE org_id = ${orgId} AND search @@ websearch_to_tsquery('english', 'declined card')`,
        ),
        trend: await explain(
          sql.fragment`SELECT count(*) FROM interactions WHERE org_id = ${orgId} AND occurred_at >= ${from}::timestamptz`,
        ),
        due: await explain(
          sql.fragment`SELECT id FROM customers WHERE interactions_stored_at > coalesce(patterns_detected_at, '-infinity'::timestamptz) ORDER BY id LIMIT 500`,
        ),
      };
    });
    // Partitions name their copies of an index by its columns.
    expect(plans.page).toMatch(/_org_id_occurred_at_id_idx/);
    expect(plans.customer).toMatch(/_org_id_customer_id_occurred_at_id_idx/);
    expect(plans.channel).toMatch(/_org_id_channel_occurred_at_id_idx/);
    expect(plans.sentiment).toMatch(/_org_id_sentiment_label_occurred_at_id_idx/);
    for (const plan of Object.values(plans)) expect(plan).not.toMatch(/Seq Scan/);
    expect(plans.trend).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(plans.due).toMatch(/customers_patterns_due_idx/);
  });
});
