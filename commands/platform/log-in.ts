import type { Db } from '../../db/pool.js';
import * as users from '../../db/platform/users.js';
import { dummyPasswordHash, verifyPassword } from '../../lib/passwords.js';
import { audit } from '../audited.js';

/** Failed logins before an account locks, and for how long. */
export const MAX_FAILED_LOGINS = 10;
export const LOCK_MINUTES = 15;

export type LoginOutcome =
  | { outcome: 'ok'; user: users.UserRow & { password_hash: string } }
  | { outcome: 'locked'; until: string }
  | { outcome: 'invalid' };

/**
 * Checks a staff member's email and password. An unknown email costs the same work as a wrong
 * password (a dummy hash is verified) and gets the same answer; the tenth failure in a row locks
 * the account for a while, and the lock and each login are audited.
 */
export async function logIn(
  db: Db,
  email: string,
  password: string,
  requestId: string | null,
): Promise<LoginOutcome> {
  const user = await users.findUserForLogin(db, email);
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
  if (!user) return { outcome: 'invalid' };
  const by = { type: 'user' as const, id: user.id, requestId };
  const until = await users.lockedUntil(db, user.org_id, user.id);
  if (until) return { outcome: 'locked', until };
  if (!ok) {
    if (await users.recordFailedLogin(db, user.org_id, user.id, MAX_FAILED_LOGINS, LOCK_MINUTES))
      await audit(db, user.org_id, by, { action: 'auth.locked', resourceType: 'user', resourceId: user.id });
    return { outcome: 'invalid' };
  }
  if (user.status !== 'active') return { outcome: 'invalid' };
  await db.transaction(async (t) => {
    await users.recordLogin(t, user.org_id, user.id);
    await audit(t, user.org_id, by, { action: 'auth.login', resourceType: 'user', resourceId: user.id });
  });
  return { outcome: 'ok', user };
}
