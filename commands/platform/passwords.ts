import { createHash, randomBytes } from 'node:crypto';
import { revokeUserSessions } from '../../db/platform/refresh-tokens.js';
import * as users from '../../db/platform/users.js';
import type { Db } from '../../db/pool.js';
import { NotFoundError, UnprocessableFieldError } from '../../lib/domain-errors.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { audit, type CommandActor } from '../audited.js';

/** How long an admin's reset token may be used. */
export const RESET_TOKEN_MINUTES = 60;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The signed-in user changes their own password: the current one first. Every session and access
 * token of theirs ends (sign in again), so a stolen session does not outlive the change.
 */
export async function changeOwnPassword(
  db: Db,
  orgId: string,
  userId: string,
  p: { current: string; next: string },
  by: CommandActor,
): Promise<users.UserRow> {
  const user = await users.getUserWithPassword(db, orgId, userId);
  if (!user) throw new NotFoundError('user');
  if (!(await verifyPassword(user.password_hash, p.current)))
    throw new UnprocessableFieldError(
      'body.current_password',
      'is not your current password',
      'wrong_password',
    );
  const hash = await hashPassword(p.next);
  return db.transaction(async (t) => {
    const row = (await users.setPassword(t, orgId, userId, hash))!;
    await revokeUserSessions(t, orgId, userId);
    await audit(t, orgId, by, { action: 'user.password_changed', resourceType: 'user', resourceId: userId });
    return row;
  });
}

/**
 * An admin starts a colleague's password reset: their sessions and tokens end at once, and a
 * one-time token (shown once, valid an hour) lets them choose a new password. The old password
 * stops working too: a reset is for an account that may be in the wrong hands.
 */
export async function startPasswordReset(
  db: Db,
  orgId: string,
  userId: string,
  by: CommandActor,
): Promise<{ token: string; expiresAt: string; user: users.UserRow }> {
  const token = `pr_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + RESET_TOKEN_MINUTES * 60_000).toISOString();
  // An unguessable password hash nobody knows, until the reset.
  const locked = await hashPassword(randomBytes(32).toString('base64url'));
  return db.transaction(async (t) => {
    const user = await users.setPassword(t, orgId, userId, locked);
    if (!user) throw new NotFoundError('user');
    await revokeUserSessions(t, orgId, userId);
    await users.insertPasswordReset(t, orgId, userId, digest(token), expiresAt);
    await audit(t, orgId, by, {
      action: 'user.password_reset_started',
      resourceType: 'user',
      resourceId: userId,
    });
    return { token, expiresAt, user };
  });
}

/** The colleague uses the reset token: once, before it expires. Null when it is not a live token. */
export async function completePasswordReset(
  db: Db,
  token: string,
  next: string,
  requestId: string | null,
): Promise<users.UserRow | null> {
  const hash = await hashPassword(next);
  return db.transaction(async (t) => {
    const reset = await users.usePasswordReset(t, digest(token));
    if (!reset) return null;
    const row = await users.setPassword(t, reset.org_id, reset.user_id, hash);
    if (!row) return null;
    await audit(
      t,
      reset.org_id,
      { type: 'user', id: reset.user_id, requestId },
      {
        action: 'user.password_reset',
        resourceType: 'user',
        resourceId: reset.user_id,
      },
    );
    return row;
  });
}
