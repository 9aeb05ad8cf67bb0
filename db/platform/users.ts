import { sql } from 'slonik';
import { z } from 'zod';
import { ROLES, type Role } from '../../lib/roles.js';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const userRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  status: z.enum(['active', 'disabled']),
  last_login_at: z.string().nullable(),
  /** Access tokens signed with an older version are revoked. */
  token_version: z.number().int(),
  created_at: z.string(),
});
export type UserRow = z.infer<typeof userRow>;

const columns = sql.fragment`id, org_id, email, name, role, status, last_login_at, token_version, created_at`;

export function insertUser(
  db: Queryable,
  u: { orgId: string; email: string; name: string; passwordHash: string; role: Role },
): Promise<UserRow> {
  return db.one(sql.type(userRow)`
    INSERT INTO users (org_id, email, name, password_hash, role)
    VALUES (${u.orgId}, ${u.email}, ${u.name}, ${u.passwordHash}, ${u.role})
    RETURNING ${columns}`);
}

export function getUser(db: Queryable, orgId: string, id: string): Promise<UserRow | null> {
  return db.maybeOne(sql.type(userRow)`SELECT ${columns} FROM users WHERE org_id = ${orgId} AND id = ${id}`);
}

export function listUsers(
  db: Queryable,
  orgId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<readonly UserRow[]> {
  return db.any(sql.type(userRow)`
    SELECT ${columns} FROM users
    WHERE org_id = ${orgId} AND ${keysetAfter(page.cursor)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${page.limit + 1}`);
}

/**
 * Login is the one lookup not scoped by organisation: the caller has none yet. Emails are unique
 * across organisations (users_email_key), so this finds at most one user.
 */
export function findUserForLogin(
  db: Queryable,
  email: string,
): Promise<(UserRow & { password_hash: string }) | null> {
  return db.maybeOne(sql.type(userRow.extend({ password_hash: z.string() }))`
    SELECT ${columns}, password_hash FROM users WHERE lower(email) = lower(${email})`);
}

export async function recordLogin(db: Queryable, orgId: string, id: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE users SET last_login_at = now() WHERE org_id = ${orgId} AND id = ${id}`);
}

/** Until when logins to this account from this address wait (a growing delay after failures); else null. */
export function throttledUntil(
  db: Queryable,
  orgId: string,
  userId: string,
  address: string,
): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ blocked_until: z.string() }))`
    SELECT blocked_until FROM login_throttles
    WHERE org_id = ${orgId} AND user_id = ${userId} AND address = ${address} AND blocked_until > now()`);
}

/**
 * Counts a failed login from an address. Past `free` failures (counted afresh after an hour
 * without one) that address waits 2^(n − free) seconds, at most `maxSeconds`, before its next
 * try; other addresses are not affected. Returns the failures so far and how many addresses are
 * waiting on this account now (a storm: many sources at once).
 */
export function recordFailedLogin(
  db: Queryable,
  orgId: string,
  userId: string,
  address: string,
  o: { free: number; maxSeconds: number },
): Promise<{ failures: number; throttled_addresses: number }> {
  return db.one(sql.type(z.object({ failures: z.number().int(), throttled_addresses: z.number().int() }))`
    WITH hit AS (
      INSERT INTO login_throttles AS l (org_id, user_id, address, failures, blocked_until)
      VALUES (${orgId}, ${userId}, ${address}, 1, NULL)
      ON CONFLICT (org_id, user_id, address) DO UPDATE SET
        failures = CASE WHEN l.updated_at < now() - interval '1 hour' THEN 1 ELSE l.failures + 1 END,
        blocked_until = CASE
          WHEN l.updated_at >= now() - interval '1 hour' AND l.failures + 1 > ${o.free}
          THEN now() + make_interval(secs => least(power(2, l.failures + 1 - ${o.free}), ${o.maxSeconds}))
        END,
        updated_at = now()
      RETURNING failures)
    SELECT (SELECT failures FROM hit) AS failures,
      (SELECT count(*)::int FROM login_throttles
       WHERE org_id = ${orgId} AND user_id = ${userId} AND blocked_until > now() AND address <> ${address})
      + (SELECT CASE WHEN failures > ${o.free} THEN 1 ELSE 0 END FROM hit) AS throttled_addresses`);
}

/** A successful login clears its address's failures. */
export async function clearFailedLogins(
  db: Queryable,
  orgId: string,
  userId: string,
  address: string,
): Promise<void> {
  await db.query(sql.unsafe`
    DELETE FROM login_throttles WHERE org_id = ${orgId} AND user_id = ${userId} AND address = ${address}`);
}

/**
 * Changes a user's role or status. Either change revokes the access tokens already issued (they
 * carry the old role, or belong to a disabled account); `revoke` does so without a change.
 */
export function updateUser(
  db: Queryable,
  orgId: string,
  id: string,
  p: { role?: Role | undefined; status?: UserRow['status'] | undefined; name?: string | undefined },
): Promise<UserRow | null> {
  const sets = [sql.fragment`updated_at = now()`];
  if (p.name !== undefined) sets.push(sql.fragment`name = ${p.name}`);
  if (p.role !== undefined) sets.push(sql.fragment`role = ${p.role}`);
  if (p.status !== undefined) sets.push(sql.fragment`status = ${p.status}`);
  const revoke = p.role !== undefined || p.status !== undefined;
  return db.maybeOne(sql.type(userRow)`
    UPDATE users SET ${sql.join(sets, sql.fragment`, `)}
      ${revoke ? sql.fragment`, token_version = token_version + 1, tokens_revoked_at = now()` : sql.fragment``}
    WHERE org_id = ${orgId} AND id = ${id}
    RETURNING ${columns}`);
}

/** Revokes every access token issued to the user so far. */
export function revokeUserTokens(db: Queryable, orgId: string, id: string): Promise<UserRow | null> {
  return db.maybeOne(sql.type(userRow)`
    UPDATE users SET token_version = token_version + 1, tokens_revoked_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id}
    RETURNING ${columns}`);
}

/** Users whose tokens were revoked after `since`, with the lowest version still valid (all organisations: the cache is per replica). */
export function recentTokenRevocations(
  db: Queryable,
  since: string,
): Promise<readonly { id: string; token_version: number; tokens_revoked_at: string }[]> {
  return db.any(sql.type(
    z.object({ id: z.string(), token_version: z.number(), tokens_revoked_at: z.string() }),
  )`
    SELECT id, token_version, tokens_revoked_at FROM users
    WHERE tokens_revoked_at > ${since}::timestamptz ORDER BY tokens_revoked_at`);
}

export function getUserWithPassword(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<(UserRow & { password_hash: string }) | null> {
  return db.maybeOne(sql.type(userRow.extend({ password_hash: z.string() }))`
    SELECT ${columns}, password_hash FROM users WHERE org_id = ${orgId} AND id = ${id}`);
}

/** Sets a user's password hash and ends every access token issued so far (a revocation). */
export function setPassword(
  db: Queryable,
  orgId: string,
  id: string,
  passwordHash: string,
): Promise<UserRow | null> {
  return db.maybeOne(sql.type(userRow)`
    UPDATE users SET password_hash = ${passwordHash}, token_version = token_version + 1,
      tokens_revoked_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id}
    RETURNING ${columns}`);
}

/** A one-time reset token, stored as its hash; starting a new one ends the ones before. */
export async function insertPasswordReset(
  db: Queryable,
  orgId: string,
  userId: string,
  tokenHash: string,
  expiresAt: string,
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE password_resets SET used_at = now() WHERE org_id = ${orgId} AND user_id = ${userId} AND used_at IS NULL`);
  await db.query(sql.unsafe`
    INSERT INTO password_resets (org_id, user_id, token_hash, expires_at)
    VALUES (${orgId}, ${userId}, ${tokenHash}, ${expiresAt})`);
}

/** Spends a live reset token (once): whose it was, or null. */
export function usePasswordReset(
  db: Queryable,
  tokenHash: string,
): Promise<{ org_id: string; user_id: string } | null> {
  return db.maybeOne(sql.type(z.object({ org_id: z.string(), user_id: z.string() }))`
    UPDATE password_resets SET used_at = now()
    WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > now()
    RETURNING org_id, user_id`);
}
