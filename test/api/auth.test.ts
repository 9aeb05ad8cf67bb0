import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { eventually, startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('login', () => {
  it('signs in with the right password and returns a 1 h access token and a refresh token', async () => {
    const org = await h.createOrg(['analyst']);
    const res = await h.call('POST', '/api/v1/auth/login', {
      body: { email: org.users.analyst.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      user: { role: 'analyst', org_id: org.orgId },
    });
    expect(res.body.user).not.toHaveProperty('password_hash');
    const me = await h.call('GET', '/api/v1/me', { token: res.body.access_token });
    expect(me.body).toMatchObject({ actor_type: 'user', org_id: org.orgId, role: 'analyst' });
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const org = await h.createOrg(['viewer']);
    const wrong = await h.call('POST', '/api/v1/auth/login', {
      body: { email: org.users.viewer.email, password: 'not the password' },
    });
    const unknown = await h.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@nowhere.test', password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (b: { error: Record<string, unknown> }) => ({ ...b.error, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token, and reuse of a spent one revokes the whole family', async () => {
    const { users } = await h.createOrg(['agent']);
    const first = users.agent.refreshToken;
    const r1 = await h.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: first } });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(first);
    expect((await h.call('GET', '/api/v1/me', { token: r1.body.access_token })).status).toBe(200);

    const reuse = await h.call('POST', '/api/v1/auth/refresh', { body: { refresh_token: first } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.message).toMatch(/already used/);
    // The thief's reuse also kills the legitimate successor.
    const successor = await h.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: r1.body.refresh_token },
    });
    expect(successor.status).toBe(401);
  });

  it('logout revokes the session', async () => {
    const { users } = await h.createOrg(['agent']);
    expect(
      (await h.call('POST', '/api/v1/auth/logout', { body: { refresh_token: users.agent.refreshToken } }))
        .status,
    ).toBe(204);
    const after = await h.call('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: users.agent.refreshToken },
    });
    expect(after.status).toBe(401);
  });
});

describe('access control', () => {
  it('answers 401 without a token, or with a bad one', async () => {
    const none = await h.call('GET', '/api/v1/users');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect((await h.call('GET', '/api/v1/users', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/users', { headers: { authorization: 'Basic abc' } })).status).toBe(
      401,
    );
  });

  it('answers 403 when the role lacks the route’s permission, and writes nothing', async () => {
    const { users } = await h.createOrg(['admin', 'viewer']);
    const res = await h.call('POST', '/api/v1/users', {
      token: users.viewer.token,
      body: { email: 'new@x.test', name: 'New', password: 'long enough password', role: 'agent' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const list = await h.call('GET', '/api/v1/users', { token: users.admin.token });
    expect(list.body.data.map((u: { email: string }) => u.email)).not.toContain('new@x.test');
  });

  it('authenticates service clients by X-API-Key, hashed at rest and revocable', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const created = await h.call('POST', '/api/v1/api-keys', {
      token: users.admin.token,
      body: { name: 'ingest', role: 'analyst' },
    });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    const stored = await h.db.oneFirst(
      (await import('slonik')).sql.unsafe`SELECT key_hash FROM api_keys WHERE id = ${created.body.id}`,
    );
    expect(stored).not.toContain(key);
    const me = await h.call('GET', '/api/v1/me', { apiKey: key });
    expect(me.body).toMatchObject({ actor_type: 'api_key', org_id: orgId, role: 'analyst' });
    expect(
      (await h.call('POST', '/api/v1/api-keys', { apiKey: key, body: { name: 'x', role: 'admin' } })).status,
    ).toBe(403);

    await h.call('DELETE', `/api/v1/api-keys/${created.body.id}`, { token: users.admin.token });
    expect((await h.call('GET', '/api/v1/me', { apiKey: key })).status).toBe(401);
  });

  it('stops taking a key at its expiry, though its row is still cached', async () => {
    const { users } = await h.createOrg(['admin']);
    const created = await h.call('POST', '/api/v1/api-keys', {
      token: users.admin.token,
      body: { name: 'short-lived', role: 'viewer' },
    });
    await h.db.query(
      sql.unsafe`UPDATE api_keys SET expires_at = now() + interval '2 seconds' WHERE id = ${created.body.id}`,
    );
    const key: string = created.body.key;
    expect((await h.call('GET', '/api/v1/me', { apiKey: key })).status).toBe(200);
    const refused = await eventually(async () => {
      const me = await h.call('GET', '/api/v1/me', { apiKey: key });
      return me.status === 200 ? undefined : me;
    });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe('The API key is invalid or revoked');
  });
});
