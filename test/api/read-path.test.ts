import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: { RATE_LIMIT_PER_USER: 100_000, RATE_LIMIT_PER_IP: 100_000 } });
});
afterAll(() => h.close());

/** Every statement any Postgres client of this process sends while `run` runs. */
async function statementsDuring(run: () => Promise<void>): Promise<number> {
  const proto = pg.Client.prototype;
  const query = Reflect.get(proto, 'query') as (this: pg.Client, ...args: unknown[]) => unknown;
  let sent = 0;
  Reflect.set(proto, 'query', function (this: pg.Client, ...args: unknown[]) {
    sent++;
    return query.apply(this, args);
  });
  try {
    await run();
  } finally {
    Reflect.set(proto, 'query', query);
  }
  return sent;
}

describe('the read path', () => {
  it('costs one statement per authenticated read: no connection reset, principal lookup or limit upsert', async () => {
    const org = await h.createOrg(['admin', 'analyst']);
    const created = await h.call('POST', '/api/v1/customers', {
      token: org.users.admin.token,
      body: { external_id: 'reads-1', first_name: 'Ada', last_name: 'Read', national_id: 'AB123456C' },
    });
    expect(created.status).toBe(201);
    const reads = [
      [org.users.analyst.token, `/api/v1/customers/${created.body.id}`],
      [org.users.admin.token, `/api/v1/customers/${created.body.id}`], // with its PII-viewed row
      [org.users.analyst.token, '/api/v1/alerts?limit=20'],
      [org.users.analyst.token, '/api/v1/transactions?limit=50'],
    ] as const;
    for (const [token, path] of reads) {
      // Warm: the first hit of a caller's limit asks Postgres for the window's count.
      expect((await h.call('GET', path, { token })).status).toBe(200);
      const n = 100;
      const sent = await statementsDuring(async () => {
        for (let i = 0; i < n; i++) expect((await h.call('GET', path, { token })).status).toBe(200);
      });
      // One each, plus what runs on timers meanwhile: the rate-limit counters of all keys (one
      // statement per 100 ms) and the revocations poll.
      expect(sent, path).toBeGreaterThanOrEqual(n);
      expect(sent, path).toBeLessThan(n * 1.5);
    }
  });
});
