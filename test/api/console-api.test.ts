import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../api/console.js';
import { REFRESH_COOKIE } from '../../api/routes/auth.js';
import { startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js';
import { openSse } from '../helpers/sse.js';
import { customerWithHistory } from '../helpers/triage-fixtures.js';

/** What the console needs of the server: the page and its assets, cookie sessions, take-next, /me. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const cookieOf = (res: Response) => {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
  return { header: set, value: set?.split(';')[0]?.slice(REFRESH_COOKIE.length + 1) };
};

async function login(email: string) {
  const res = await fetch(`${h.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res;
}

const refreshByCookie = (cookie: string, origin: string | null) =>
  fetch(`${h.baseUrl}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: `${REFRESH_COOKIE}=${cookie}`,
      ...(origin && { origin }),
    },
    body: '{}',
  });

describe('the console page', () => {
  it('is served at / and at each screen, never cached, under a CSP without inline scripts', async () => {
    for (const path of ['/', '/alerts', '/alerts/8d7c1d1e-0000-4000-8000-000000000000', '/login']) {
      const res = await fetch(`${h.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      const html = await res.text();
      expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('serves hashed assets immutably, compressed for browsers that accept it; other paths stay API 404s', async () => {
    const html = await (await fetch(`${h.baseUrl}/`)).text();
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)![1]!;
    const res = await fetch(`${h.baseUrl}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const favicon = await fetch(`${h.baseUrl}/favicon.svg`);
    expect(favicon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const unknown = await fetch(`${h.baseUrl}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${h.baseUrl}/assets/missing.js`)).status).toBe(404);
  });
});

describe('cookie sessions', () => {
  it('sets the refresh token as an httpOnly, SameSite=Strict cookie on the auth path only', async () => {
    const { users } = await h.createOrg(['analyst']);
    const { header } = cookieOf(await login(users.analyst.email));
    expect(header).toBeDefined();
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Strict/i);
    expect(header).toMatch(/Path=\/api\/v1\/auth/);
    expect(header).not.toMatch(/Secure/i); // not production: plain http on localhost
  });

  it('refreshes through the cookie from our own origin only, rotating it; logout ends it and clears it', async () => {
    const { users } = await h.createOrg(['analyst']);
    const first = cookieOf(await login(users.analyst.email)).value!;
    // A page of another site (or a request with no Origin) cannot use the cookie.
    expect((await refreshByCookie(first, 'https://evil.example')).status).toBe(403);
    expect((await refreshByCookie(first, null)).status).toBe(403);
    const ok = await refreshByCookie(first, h.baseUrl);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { access_token: string };
    const me = await h.call('GET', '/api/v1/me', { token: body.access_token });
    expect(me.body.email).toBe(users.analyst.email);
    const second = cookieOf(ok).value!;
    expect(second).not.toBe(first);
    // A configured console origin (the Vite dev server) may too.
    const third = cookieOf(await refreshByCookie(second, 'http://localhost:5173')).value!;

    const out = await fetch(`${h.baseUrl}/api/v1/auth/logout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `${REFRESH_COOKIE}=${third}`,
        origin: h.baseUrl,
      },
      body: '{}',
    });
    expect(out.status).toBe(204);
    expect(cookieOf(out).header).toMatch(/Max-Age=0/);
    expect((await refreshByCookie(third, h.baseUrl)).status).toBe(401);
  });

  it('logging out ends the session’s access tokens and closes their open streams, not other sessions’', async () => {
    const { users } = await h.createOrg(['analyst']);
    const other = await login(users.analyst.email); // a second session: another browser
    const otherToken = ((await other.json()) as { access_token: string }).access_token;
    const stream = openSse(`${h.baseUrl}/api/v1/stream/alerts`, {
      authorization: `Bearer ${users.analyst.token}`,
    });
    await stream.connected;
    const out = await h.call('POST', '/api/v1/auth/logout', {
      body: { refresh_token: users.analyst.refreshToken },
    });
    expect(out.status).toBe(204);
    await stream.ended; // the server closed it (the test would time out otherwise)
    expect((await h.call('GET', '/api/v1/me', { token: users.analyst.token })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/me', { token: otherToken })).status).toBe(200);
  });

  it('still refreshes by body for API clients, and a refresh with neither is a 401', async () => {
    const { users } = await h.createOrg(['analyst']);
    const r = await h.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: users.analyst.refreshToken },
    });
    expect(r.status).toBe(200);
    const none = await h.call('POST', '/api/v1/auth/refresh', { body: {} });
    expect(none.status).toBe(401);
  });
});

describe('GET /me', () => {
  it('names the user and lists what the role may do', async () => {
    const { users } = await h.createOrg(['viewer', 'analyst']);
    const viewer = await h.call('GET', '/api/v1/me', { token: users.viewer.token });
    expect(viewer.body).toMatchObject({ email: users.viewer.email, name: 'viewer user', role: 'viewer' });
    expect(viewer.body.permissions).toContain('alerts:read');
    expect(viewer.body.permissions).not.toContain('alerts:write');
    const analyst = await h.call('GET', '/api/v1/me', { token: users.analyst.token });
    expect(analyst.body.permissions).toContain('alerts:write');
  });
});

describe('POST /alerts/take-next', () => {
  it('gives concurrent analysts different alerts: highest priority first, then oldest', async () => {
    const { orgId, users } = await h.createOrg(['admin', 'analyst', 'supervisor']);
    const f = await customerWithHistory(h, users.admin.token);
    // Four open alerts on four customers' behalf: two high (older first), one critical, one low.
    const ids: Record<string, string> = {};
    for (const [name, priority, minutesAgo] of [
      ['high-old', 'high', 30],
      ['high-new', 'high', 10],
      ['critical', 'critical', 5],
      ['low', 'low', 60],
    ] as const) {
      ids[name] = await h.db.oneFirst(sql.unsafe`
        INSERT INTO alerts (org_id, customer_id, alert_type, priority, title, data, dedup_key, created_at)
        VALUES (${orgId}, ${f.customer.id}, 'fraud', ${priority}, ${name}, '{}'::jsonb, ${`t:${name}`},
          now() - make_interval(mins => ${minutesAgo}))
        RETURNING id`);
    }
    const take = (token: string) =>
      h.call('POST', '/api/v1/alerts/take-next', { token, body: {} }).then((r) => {
        expect(r.status).toBe(200);
        return r.body.alert as {
          id: string;
          assigned_agent: string;
          status: string;
          customer_name: string;
        } | null;
      });
    const [a, b] = await Promise.all([take(users.analyst.token), take(users.supervisor.token)]);
    expect(new Set([a!.id, b!.id])).toEqual(new Set([ids.critical, ids['high-old']]));
    const mine = a!.id === ids.critical ? a! : b!;
    expect(mine.status).toBe('assigned');
    expect(mine.customer_name).toBe('Jo Doe');
    expect([a!.assigned_agent, b!.assigned_agent].sort()).toEqual(
      [users.analyst.email, users.supervisor.email].sort(),
    );
    expect((await take(users.analyst.token))!.id).toBe(ids['high-new']);
    expect((await take(users.analyst.token))!.id).toBe(ids.low);
    expect(await take(users.analyst.token)).toBeNull();
    // On the record like any assignment: one audit row per alert taken.
    const audited = await h.db.oneFirst(sql.unsafe`
      SELECT count(*)::int FROM audit_events WHERE org_id = ${orgId} AND action = 'alert.assigned'`);
    expect(audited).toBe(4);
  });

  it('is refused to a viewer, and an API key must say whom to assign', async () => {
    const { users } = await h.createOrg(['viewer', 'admin']);
    const viewer = await h.call('POST', '/api/v1/alerts/take-next', { token: users.viewer.token, body: {} });
    expect(viewer.status).toBe(403);
    const key = await h.call('POST', '/api/v1/api-keys', {
      token: users.admin.token,
      body: { name: 'queue bot', role: 'analyst' },
    });
    expect(key.status).toBe(201);
    const noAgent = await h.call('POST', '/api/v1/alerts/take-next', { apiKey: key.body.key, body: {} });
    expect(noAgent.status).toBe(422);
    expect(noAgent.body.error.details.issues[0].path).toBe('body.agent');
  });
});

describe('GET /alerts/metrics', () => {
  it('counts alerts raised per day by priority, resolutions, the median time to resolve and outcomes', async () => {
    const { orgId, users } = await h.createOrg(['admin', 'viewer']);
    const f = await customerWithHistory(h, users.admin.token);
    const alert = (priority: string, hoursAgo: number, resolvedAfterMinutes: number | null) =>
      h.db.oneFirst(sql.unsafe`
        INSERT INTO alerts (org_id, customer_id, alert_type, priority, title, data, dedup_key, created_at,
          status, resolved_at)
        VALUES (${orgId}, ${f.customer.id}, 'fraud', ${priority}, 'm', '{}'::jsonb, ${`m:${Math.random()}`},
          now() - make_interval(hours => ${hoursAgo}),
          ${resolvedAfterMinutes === null ? 'open' : 'resolved'},
          CASE WHEN ${resolvedAfterMinutes === null} THEN NULL
            ELSE now() - make_interval(hours => ${hoursAgo}) + make_interval(mins => ${resolvedAfterMinutes ?? 0}) END)
        RETURNING id`);
    await alert('critical', 0, null);
    const resolved = [await alert('high', 0, 10), await alert('high', 0, 30), await alert('low', 0, 20)];
    await alert('medium', 24 * 40, null); // outside the window
    await h.db.query(sql.unsafe`
      INSERT INTO cases (org_id, alert_id, customer_id, priority, status, outcome, closed_at)
      VALUES (${orgId}, ${resolved[0]}, ${f.customer.id}, 'high', 'closed', 'confirmed_fraud', now()),
        (${orgId}, ${resolved[1]}, ${f.customer.id}, 'high', 'closed', 'false_positive', now())`);
    const r = await h.call('GET', '/api/v1/alerts/metrics?days=7', { token: users.viewer.token });
    expect(r.status).toBe(200);
    expect(r.body.days).toHaveLength(7);
    const totals = r.body.days.reduce((t: Record<string, number>, d: Record<string, number>) => {
      for (const k of ['critical', 'high', 'medium', 'low', 'resolved']) t[k] = (t[k] ?? 0) + d[k]!;
      return t;
    }, {});
    // Alerts resolved within minutes of being raised may cross midnight: count over the window.
    expect(totals).toEqual({ critical: 1, high: 2, medium: 0, low: 1, resolved: 3 });
    expect(r.body.median_minutes_to_resolve).toBeCloseTo(20, 5);
    expect(r.body.outcomes).toEqual({
      confirmed_fraud: 1,
      false_positive: 1,
      customer_confirmed: 0,
      inconclusive: 0,
    });
    expect(
      (await h.call('GET', '/api/v1/alerts/metrics?days=91', { token: users.viewer.token })).status,
    ).toBe(400);
  });
});
