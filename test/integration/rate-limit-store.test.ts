import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRateLimitStore } from '../../api/rate-limit.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const counted = async (key: string) =>
  (await h.db.maybeOneFirst(sql.unsafe`
    SELECT sum(hits)::int FROM rate_limit_counters WHERE key = ${`${h.prefix}${key}`}`)) ?? 0;

// The counts below are of one one-minute window: start well before the minute turns.
const earlyInTheMinute = () => eventually(async () => (Date.now() % 60_000 < 50_000 ? true : undefined));

describe('rate-limit counters', () => {
  it('lets exactly the limit through a concurrent burst, counting it in a few statements', async () => {
    await earlyInTheMinute();
    const store = new PostgresRateLimitStore(h.db, h.prefix);
    const hits = await Promise.all(Array.from({ length: 100 }, async () => store.hit('burst', 50)));
    const totals = hits.map((r) => r.totalHits).sort((a, b) => a - b);
    // Every hit has its own place in the window: 50 within the limit, 50 past it.
    expect(totals).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(totals.filter((t) => t <= 50)).toHaveLength(50);
    expect(await eventually(async () => ((await counted('burst')) === 100 ? 100 : undefined))).toBe(100);
  });

  it('shares a limit between replicas', async () => {
    await earlyInTheMinute();
    const a = new PostgresRateLimitStore(h.db, h.prefix);
    const b = new PostgresRateLimitStore(h.db, h.prefix);
    for (let i = 0; i < 30; i++) await a.hit('shared', 50);
    await eventually(async () => ((await counted('shared')) === 30 ? true : undefined));
    // b has not seen the key: its first hit asks for the total, and knows a's 30.
    expect((await b.hit('shared', 50)).totalHits).toBe(31);
    const rest = [];
    for (let i = 0; i < 25; i++) rest.push((await b.hit('shared', 50)).totalHits);
    expect(rest.filter((t) => t <= 50)).toHaveLength(19);
    expect(rest.at(-1)).toBe(56);
  });
});
