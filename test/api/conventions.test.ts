import crypto from 'node:crypto';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: { BODY_LIMIT_BYTES: 64 * 1024 } });
});
afterAll(() => h.close());

describe('errors', () => {
  it('answers 400 with field paths for invalid input, and writes nothing', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const before = await h.db.oneFirst(sql.unsafe`SELECT count(*) FROM users WHERE org_id = ${orgId}`);
    const res = await h.call('POST', '/api/v1/users', {
      token: users.admin.token,
      body: { email: 'not-an-email', password: 'short', role: 'wizard' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['body.email', 'body.name', 'body.password', 'body.role']);
    expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
    expect(await h.db.oneFirst(sql.unsafe`SELECT count(*) FROM users WHERE org_id = ${orgId}`)).toBe(before);
  });

  it('answers 400 for malformed JSON', async () => {
    const { users } = await h.createOrg(['admin']);
    const res = await h.call('POST', '/api/v1/users', {
      token: users.admin.token,
      rawBody: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('answers 400 for a bad path parameter or query value', async () => {
    const { users } = await h.createOrg(['admin']);
    const badId = await h.call('GET', '/api/v1/users/123', { token: users.admin.token });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.issues[0].path).toBe('path.id');
    const badLimit = await h.call('GET', '/api/v1/users?limit=1000', { token: users.admin.token });
    expect(badLimit.body.error.details.issues[0].path).toBe('query.limit');
    const badCursor = await h.call('GET', '/api/v1/users?cursor=not%20a%20cursor!', {
      token: users.admin.token,
    });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details.issues[0].path).toBe('query.cursor');
  });

  it('answers 422 for what the document allows but cannot be processed, naming the field', async () => {
    const { users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    // A cursor of the documented form that this server never gave out.
    const strange = await h.call('GET', '/api/v1/users?cursor=garbage', { token });
    expect(strange.status).toBe(422);
    expect(strange.body.error).toMatchObject({
      code: 'unprocessable',
      details: { issues: [{ path: 'query.cursor' }] },
    });
    // A customer this organisation does not have.
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: crypto.randomUUID(), name: 'Car', target_amount: '5000.00', currency: 'USD' },
    });
    expect(goal.status).toBe(422);
    expect(goal.body.error.details.issues).toEqual([
      { path: 'body.customer_id', message: 'no such customer', code: 'not_found' },
    ]);
    // A phone number of the documented form that no dialling plan has; a malformed one is a 400.
    const base = { external_id: `c-${crypto.randomUUID()}`, first_name: 'Pat', last_name: 'Kim' };
    const impossible = await h.call('POST', '/api/v1/customers', {
      token,
      body: { ...base, phone: '+1 555 01' },
    });
    expect(impossible.status).toBe(422);
    expect(impossible.body.error.details.issues[0].path).toBe('body.phone');
    const malformed = await h.call('POST', '/api/v1/customers', {
      token,
      body: { ...base, phone: '415 555' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.issues[0].path).toBe('body.phone');
    // One documented violation among them makes it a 400 with every issue.
    const both = await h.call('POST', '/api/v1/customers', {
      token,
      body: { ...base, phone: '+1 555 01', email: 'not-an-email' },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.email',
      'body.phone',
    ]);
  });

  it('answers a method a path does not declare with 405 and Allow', async () => {
    const res = await h.call('DELETE', '/api/v1/customers');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(res.body.error.code).toBe('method_not_allowed');
    const one = await h.call('PUT', `/api/v1/alerts/${crypto.randomUUID()}`);
    expect(one.status).toBe(405);
    expect(one.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers unknown routes with the 404 envelope', async () => {
    const res = await h.call('GET', '/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: {
        code: 'not_found',
        message: 'No route for GET /api/v1/no-such-thing',
        requestId: expect.any(String),
      },
    });
  });

  it('refuses bodies over the limit with 413', async () => {
    const { users } = await h.createOrg(['admin']);
    const res = await h.call('POST', '/api/v1/users', {
      token: users.admin.token,
      body: {
        email: 'a@b.test',
        name: 'x'.repeat(70_000),
        password: 'long enough password',
        role: 'agent',
      },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });
});

const SECURITY = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'referrer-policy',
  'strict-transport-security',
  'vary',
  'x-content-type-options',
  'x-frame-options',
];

describe('request ids and headers', () => {
  it('makes its own request id, keeping a client X-Request-ID beside it (answer and audit row)', async () => {
    const mine = await h.call('GET', '/health/live', { headers: { 'x-request-id': 'client-req-42' } });
    expect(mine.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(mine.headers.get('x-client-request-id')).toBe('client-req-42');
    const { orgId, users } = await h.createOrg(['admin']);
    const created = await h.call('POST', '/api/v1/customers', {
      token: users.admin.token,
      headers: { 'x-request-id': 'client-req-43' },
      body: { external_id: 'req-ids', first_name: 'Rae', last_name: 'Quest' },
    });
    expect(created.status).toBe(201);
    const row = await h.db.one(sql.unsafe`
      SELECT request_id, client_request_id FROM audit_events WHERE org_id = ${orgId} AND action = 'customer.created'`);
    expect(row).toEqual({
      request_id: created.headers.get('x-request-id'),
      client_request_id: 'client-req-43',
    });
    const made = await h.call('GET', '/health/live');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends the security headers on errors too, and replaces a request id that is not plain', async () => {
    const missing = await h.call('GET', '/api/v1/nowhere', { headers: { 'x-request-id': 'two words' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers.get('x-client-request-id')).toBeNull();
    expect(missing.body.error.requestId).toBe(missing.headers.get('x-request-id'));
    expect(Object.fromEntries([...missing.headers].filter(([k]) => SECURITY.includes(k)))).toEqual({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=15552000; includeSubDomains',
      vary: 'Origin',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
    });
  });

  it('allows only configured CORS origins', async () => {
    const ok = await h.call('GET', '/health/live', { headers: { origin: 'http://localhost:5173' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await h.call('GET', '/health/live', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('tenancy', () => {
  it('hides another organisation’s resources behind 404', async () => {
    const a = await h.createOrg(['admin']);
    const b = await h.createOrg(['admin']);
    const own = await h.call('GET', `/api/v1/users/${a.users.admin.id}`, { token: a.users.admin.token });
    expect(own.status).toBe(200);
    const foreign = await h.call('GET', `/api/v1/users/${b.users.admin.id}`, { token: a.users.admin.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    const list = await h.call('GET', '/api/v1/users', { token: a.users.admin.token });
    expect(list.body.data.every((u: { org_id: string }) => u.org_id === a.orgId)).toBe(true);
  });
});

describe('lists', () => {
  it('walks every row once with keyset cursors', async () => {
    const { users } = await h.createOrg(['admin', 'supervisor', 'analyst', 'agent', 'viewer']);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: {
        body: { data: { id: string }[]; pagination: { next_cursor: string | null; count: number } };
      } = await h.call('GET', `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        token: users.admin.token,
      });
      expect(res.body.pagination.count).toBe(res.body.data.length);
      seen.push(...res.body.data.map((u) => u.id));
      cursor = res.body.pagination.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual(
      Object.values(users)
        .map((u) => u.id)
        .sort(),
    );
  });
});

describe('documentation', () => {
  it('serves the OpenAPI document generated from the route schemas, and a docs page', async () => {
    const doc = await h.call('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/users/{id}',
        '/api/v1/diagnostics/pipeline-checks',
      ]),
    );
    expect(doc.body.paths['/api/v1/users'].post.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    // The page and every asset it names come from this server (no CDN: /docs works offline).
    const page = await h.call('GET', '/docs');
    expect(page.status).toBe(200);
    const assets = [...String(page.body).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/docs/assets/')).toBe(true);
      const res = await fetch(`${h.baseUrl}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(40);
    }
    const init = await h.call(
      'GET',
      assets.find((a) => a.endsWith('init.js'))!,
    );
    expect(String(init.body)).toContain('/api/v1/openapi.json');
  });
});
