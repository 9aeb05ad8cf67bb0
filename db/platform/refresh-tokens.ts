import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

const tokenRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  user_id: z.string().uuid(),
  family_id: z.string().uuid(),
  expires_at: z.string(),
  rotated_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  session_started_at: z.string(),
});
export type RefreshTokenRow = z.infer<typeof tokenRow>;

export async function insertRefreshToken(
  db: Queryable,
  t: {
    orgId: string;
    userId: string;
    familyId: string;
    tokenHash: string;
    ttlSeconds: number;
    /** The session's absolute end: a token never outlives it. */
    sessionStartedAt: string | null;
    sessionMaxSeconds: number;
  },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO refresh_tokens (org_id, user_id, family_id, token_hash, expires_at, session_started_at)
    SELECT ${t.orgId}, ${t.userId}, ${t.familyId}, ${t.tokenHash},
      least(now() + make_interval(secs => ${t.ttlSeconds}), started + make_interval(secs => ${t.sessionMaxSeconds})),
      started
    FROM (SELECT coalesce(${t.sessionStartedAt}::timestamptz, now()) AS started) s`);
}

/** The token row, looked up by hash before the caller's organisation is known (the token names it). */
export function findRefreshToken(db: Queryable, tokenHash: string): Promise<RefreshTokenRow | null> {
  return db.maybeOne(sql.type(tokenRow)`
    SELECT id, org_id, user_id, family_id, expires_at, rotated_at, revoked_at, session_started_at
    FROM refresh_tokens WHERE token_hash = ${tokenHash}`);
}

/**
 * Marks a token used, once: returns false when another request rotated it first, which the caller
 * treats as reuse. The conditional UPDATE makes concurrent refreshes race safely.
 */
export async function markRotated(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const r = await db.query(sql.unsafe`
    UPDATE refresh_tokens SET rotated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND rotated_at IS NULL AND revoked_at IS NULL`);
  return r.rowCount === 1;
}

export async function revokeFamily(db: Queryable, orgId: string, familyId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE refresh_tokens SET revoked_at = now()
    WHERE org_id = ${orgId} AND family_id = ${familyId} AND revoked_at IS NULL`);
}

/** Sessions (families) ended lately, for every replica's revocation list. */
export function recentlyEndedSessions(
  db: Queryable,
  since: string,
): Promise<readonly { family_id: string; revoked_at: string }[]> {
  return db.any(sql.type(z.object({ family_id: z.string(), revoked_at: z.string() }))`
    SELECT family_id, max(revoked_at) AS revoked_at FROM refresh_tokens
    WHERE revoked_at > ${since}::timestamptz GROUP BY family_id ORDER BY 2`);
}

/** Ends every session of a user; answers how many were open. */
export async function revokeUserSessions(db: Queryable, orgId: string, userId: string): Promise<number> {
  const r = await db.query(sql.unsafe`
    UPDATE refresh_tokens SET revoked_at = now()
    WHERE org_id = ${orgId} AND user_id = ${userId} AND revoked_at IS NULL AND rotated_at IS NULL
      AND expires_at > now()`);
  return r.rowCount;
}
