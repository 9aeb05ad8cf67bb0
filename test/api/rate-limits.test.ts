import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_PASSWORD, type ApiResponse, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    // The harness's requests come from 127.0.0.1, here a trusted proxy: tests name client addresses.
    config: { RATE_LIMIT_PER_USER: 5, RATE_LIMIT_LOGIN_PER_IP: 30, TRUSTED_PROXIES: '127.0.0.1' },
  });
});
afterAll(() => h.close());

// Each test starts in a fresh minute's counters for this file's keys.
const resetCounters = () =>
  h.db.query(sql.unsafe`DELETE FROM rate_limit_counters WHERE key LIKE ${`${h.prefix}%`}`);

describe('rate limits', () => {
  it('limits each caller per minute, with X-RateLimit headers and Retry-After', async () => {
    await resetCounters();
    const org = await h.createOrg(['admin', 'viewer']);
    const seen: ApiResponse[] = [];
    for (let i = 0; i < 6; i++)
      seen.push(await h.call('GET', '/api/v1/users', { token: org.users.admin.token }));
    expect(seen.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    const first = seen[0]!;
    expect(first.headers.get('x-ratelimit-limit')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    const last = seen[5]!;
    expect(last.body.error.code).toBe('rate_limited');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
    // Another caller has a budget of its own.
    expect((await h.call('GET', '/api/v1/users', { token: org.users.viewer.token })).status).toBe(200);
  });

  it('limits each client address per minute, whoever it signs in as', async () => {
    // A harness of its own: this address's hits from the other tests may still be on their way to
    // the shared counters (each replica sends its hits every 100 ms).
    const byAddress = await startHarness({ config: { RATE_LIMIT_PER_IP: 40 } });
    try {
      // Windows are fixed minutes, so a burst may straddle two: send until refused, and check the
      // refusal comes exactly when the window's 40 were spent.
      const seen: ApiResponse[] = [];
      while (seen.length < 100 && seen.at(-1)?.status !== 429)
        seen.push(await byAddress.call('GET', '/api/v1/me'));
      const refused = seen.length - 1;
      expect(seen[refused]!.status).toBe(429);
      expect(refused).toBeGreaterThanOrEqual(40);
      expect(seen.slice(0, refused).every((r) => r.status === 401)).toBe(true);
      expect(seen[refused - 1]!.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(seen[0]!.headers.get('x-ratelimit-limit')).toBe('40');
      // Health is never limited.
      expect((await byAddress.call('GET', '/health/live')).status).toBe(200);
    } finally {
      await byAddress.close();
    }
  });
});

describe('login protection', () => {
  it('limits logins per address', async () => {
    const limited = await startHarness({ config: { RATE_LIMIT_LOGIN_PER_IP: 5 } });
    try {
      await limited.db.query(
        sql.unsafe`DELETE FROM rate_limit_counters WHERE key LIKE ${`${limited.prefix}%`}`,
      );
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (
            await limited.call('POST', '/api/v1/auth/login', {
              body: { email: 'nobody@example.com', password: 'x' },
            })
          ).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('slows failed logins per account and address, never locking the owner out from elsewhere (issue 28 item 12)', async () => {
    await resetCounters();
    const org = await h.createOrg(['analyst']);
    const email = org.users.analyst.email;
    const from = (address: string, password: string) =>
      h.call('POST', '/api/v1/auth/login', {
        headers: { 'x-forwarded-for': address },
        body: { email, password },
      });
    const attacker = '203.0.113.9';
    for (let i = 0; i < 8; i++) expect((await from(attacker, 'wrong')).status).toBe(401);
    // The attacker's address waits now: even the right password answers as a wrong one would.
    const slowed = await from(attacker, TEST_PASSWORD);
    expect(slowed.status).toBe(401);
    const unknown = await h.call('POST', '/api/v1/auth/login', {
      headers: { 'x-forwarded-for': attacker },
      body: { email: `nobody-${org.orgId}@example.test`, password: 'wrong' },
    });
    expect(slowed.body.error).toMatchObject({
      code: unknown.body.error.code,
      message: unknown.body.error.message,
    });
    // The owner, from their own address, is not locked out.
    expect((await from('198.51.100.7', TEST_PASSWORD)).status).toBe(200);
    const throttled = await h.db.oneFirst(sql.unsafe`
      SELECT count(*)::int FROM audit_events WHERE resource_id = ${org.users.analyst.id} AND action = 'auth.throttled'`);
    expect(throttled).toBe(1);

    // Many addresses made to wait at once is a storm: one security event.
    for (const address of ['192.0.2.1', '192.0.2.2']) {
      for (let i = 0; i < 6; i++) expect((await from(address, 'wrong')).status).toBe(401);
    }
    const storms = await h.db.oneFirst(sql.unsafe`
      SELECT count(*)::int FROM audit_events WHERE resource_id = ${org.users.analyst.id} AND action = 'auth.login_storm'`);
    expect(storms).toBe(1);
  });
});
