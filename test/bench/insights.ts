import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'slonik';
import { z } from 'zod';
import { EventHub } from '../../api/event-hub.js';
import { ingestInteractions, type InteractionInput } from '../../commands/insights/ingest-interactions.js';
import { listInteractions, sentimentTrends } from '../../db/insights/interactions.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { createLogger } from '../../lib/logger.js';
import { vaderModel } from '../../lib/insights/sentiment.js';
import { CHANNELS } from '../../workflows/insights/patterns.js';
import { withBenchEnvironment } from './environment.js';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const DAY = 86_400_000;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const PHRASES = [
  'Thank you so much, the support team was great and fixed my card quickly.',
  'I am really frustrated, this is the third time my payment was declined!!!',
  'Where can I see my statement for last month?',
  'The app keeps crashing when I open my account, terrible experience.',
  'Love the new budgeting feature, very helpful.',
  'Please call me back about the dispute on order 48213.',
  'Your website https://example.com/help did not answer my question.',
  'Fine, thanks.',
];

/** A customer's message: phrases strung together to `length` characters. */
const text = (i: number, length: number) => {
  let s = '';
  for (let k = i; s.length < length; k++) s += `${PHRASES[k % PHRASES.length]} `;
  return s.slice(0, length);
};

/**
 * `npm run bench -- insights`: BENCH_INTERACTIONS (50,000) interactions over 30 days and 1,000
 * customers, ingested through the command POST /interactions calls (sentiment, idempotency keys,
 * customer counters and stream events in one transaction per batch of 1,000) beside a bare
 * multi-row INSERT of the same rows into the same table; then the trend and full-text search
 * queries over them (p50/p95), VADER on 1,000-character texts (p50/p99), and the live delay from
 * commit to an EventHub subscriber beside a bare NOTIFY → LISTEN round trip.
 */
export async function insightsBench(): Promise<void> {
  const n = Number(process.env.BENCH_INTERACTIONS ?? 50_000);
  const customersN = 1000;
  const batch = 1000;
  await withBenchEnvironment({ poolSize: 10 }, async (_env, db, databaseUrl) => {
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    const bare = await createOrganization(db, `bench-bare-${randomUUID()}`);
    const now = Date.now();
    const items: InteractionInput[] = Array.from({ length: n }, (_, i) => {
      const channel = CHANNELS[i % CHANNELS.length]!;
      return {
        customer_external_id: `cust-${i % customersN}`,
        external_id: `int-${i}`,
        occurred_at: new Date(now - ((i * 7919) % (30 * DAY))).toISOString(),
        channel,
        event_type: channel === 'email' ? 'email_reply' : 'message',
        content: i % 5 === 4 ? null : text(i, 60 + (i % 200)),
        metadata: { source: 'bench' },
      };
    });
    // The same customers exist for the baseline, so both write into the same indexes.
    const bareCustomers = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO customers (org_id, external_id, first_name, last_name)
      SELECT ${bare.id}, 'cust-' || g, 'Bench', 'No' || g FROM generate_series(0, ${customersN - 1}) g
      RETURNING id`);

    process.stdout.write(
      `\ninsights benchmark: ${n} interactions, ${customersN} customers, batches of ${batch}\n`,
    );

    // Baseline: the same rows, no sentiment, keys, counters or events; one INSERT per batch.
    let t0 = performance.now();
    for (let i = 0; i < n; i += batch) {
      const rows = items.slice(i, i + batch).map((it, k) => ({
        customer_id: bareCustomers[(i + k) % customersN],
        occurred_at: it.occurred_at,
        channel: it.channel,
        event_type: it.event_type,
        content: it.content ?? null,
        metadata: it.metadata,
      }));
      await db.query(sql.unsafe`
        INSERT INTO interactions (org_id, customer_id, occurred_at, channel, event_type, content, metadata)
        SELECT ${bare.id}, r.customer_id, r.occurred_at, r.channel, r.event_type, r.content, r.metadata
        FROM jsonb_to_recordset(${sql.jsonb(rows as never)})
          AS r(customer_id uuid, occurred_at timestamptz, channel text, event_type text, content text, metadata jsonb)`);
    }
    const bareSeconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    for (let i = 0; i < n; i += batch) {
      const results = await ingestInteractions(db, vaderModel, org.id, items.slice(i, i + batch));
      const failed = results.filter((r) => r.status === 'failed');
      if (failed.length) throw new Error(`bench ingest failed: ${JSON.stringify(failed[0])}`);
    }
    const ingestSeconds = (performance.now() - t0) / 1000;
    // What autovacuum does soon after a table grows by inserts (autovacuum_vacuum_insert_threshold):
    // statistics, and the visibility map the trend index's index-only scans rely on.
    await db.query(sql.unsafe`VACUUM (ANALYZE) interactions`);
    const rate = (s: number) => `${Math.round(n / s).toLocaleString('en')} rows/s`;
    process.stdout.write(
      `  ingest      sentinel ${rate(ingestSeconds).padStart(14)}   bare INSERT ${rate(bareSeconds).padStart(14)}   ratio ${(bareSeconds / ingestSeconds).toFixed(2)}×\n`,
    );

    // Queries over the 50,000 rows, each beside the bare newest-first page it could not beat.
    const timed = async (runs: number, f: () => Promise<unknown>) => {
      const xs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await f();
        xs.push(performance.now() - t);
      }
      return xs;
    };
    const from = new Date(now - 30 * DAY).toISOString();
    const to = new Date(now + DAY).toISOString();
    const queries: [string, () => Promise<unknown>][] = [
      [
        'bare page (50)',
        () =>
          db.any(sql.unsafe`SELECT id FROM interactions WHERE org_id = ${org.id}
            ORDER BY occurred_at DESC, id DESC LIMIT 51`),
      ],
      [
        'trends by day',
        () => sentimentTrends(db, org.id, { groupBy: 'day', timeZone: 'America/New_York', from, to }),
      ],
      [
        'trends by week, chat',
        () =>
          sentimentTrends(db, org.id, {
            groupBy: 'week',
            timeZone: 'Europe/Paris',
            from,
            to,
            channel: 'chat',
          }),
      ],
      ['search "declined payment"', () => listInteractions(db, org.id, { limit: 50, q: 'declined payment' })],
      [
        'search "crashing" in email',
        () => listInteractions(db, org.id, { limit: 50, q: 'crashing', channel: 'email' }),
      ],
    ];
    for (const [name, f] of queries) {
      const xs = await timed(50, f);
      process.stdout.write(
        `  ${name.padEnd(28)} p50 ${ms(percentile(xs, 50)).padStart(10)}   p95 ${ms(percentile(xs, 95)).padStart(10)}\n`,
      );
    }

    // VADER on 1,000-character texts, beside preparing the same text (what any model must do).
    const texts = Array.from({ length: 2000 }, (_, i) => text(i, 1000));
    const scoreTimes = texts.map((s) => {
      const t = performance.now();
      vaderModel.score(s);
      return performance.now() - t;
    });
    let words = 0;
    const lowerTimes = texts.map((s) => {
      const t = performance.now();
      words += s.toLowerCase().split(/\s+/).length;
      return performance.now() - t;
    });
    if (!words) throw new Error('no words split');
    process.stdout.write(
      `  sentiment (1,000 chars)      p50 ${ms(percentile(scoreTimes, 50)).padStart(10)}   p99 ${ms(percentile(scoreTimes, 99)).padStart(10)}   bare split p99 ${ms(percentile(lowerTimes, 99))}\n`,
    );

    // Live: commit → an EventHub subscriber (the SSE route's source), beside a bare NOTIFY → LISTEN.
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    await listener.query('LISTEN bench_ping');
    // Each NOTIFY waits for its own notification before the next is sent.
    const bareDelays: number[] = [];
    for (let i = 0; i < 50; i++) {
      const got = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
      const t = performance.now();
      await db.query(sql.unsafe`SELECT pg_notify('bench_ping', '')`);
      await got;
      bareDelays.push(performance.now() - t);
    }
    await listener.end();
    const hub = new EventHub(databaseUrl, db, createLogger({ level: 'warn' }));
    const liveDelays: number[] = [];
    const seenAt = new Map<string, number>();
    await hub.subscribe(org.id, 'insights', 0, (e) => {
      if (e.type === 'interaction.created')
        seenAt.set((e.payload as { interaction: { id: string } }).interaction.id, performance.now());
    });
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      const [r] = await ingestInteractions(db, vaderModel, org.id, [
        { ...items[i]!, external_id: `live-${i}`, occurred_at: new Date().toISOString() },
      ]);
      if (r!.status === 'failed') throw new Error('live ingest failed');
      const id = r!.interaction.id;
      const deadline = t + 5000;
      while (!seenAt.has(id) && performance.now() < deadline) await new Promise((ok) => setImmediate(ok));
      liveDelays.push((seenAt.get(id) ?? Number.NaN) - t);
    }
    await hub.close();
    process.stdout.write(
      `  live event (insert → hub)    p50 ${ms(percentile(liveDelays, 50)).padStart(10)}   p95 ${ms(percentile(liveDelays, 95)).padStart(10)}   bare NOTIFY p50 ${ms(percentile(bareDelays, 50))}\n`,
    );
  });
}
