import type { Db } from '../../db/pool.js';
import * as users from '../../db/platform/users.js';
import { dummyPasswordHash, verifyPassword } from '../../lib/passwords.js';
import { audit } from '../audited.js';

/** Failed logins from one address before it must wait, and the longest wait (growing 2 s, 4 s, …). */
export const FREE_FAILED_LOGINS = 5;
export const MAX_LOGIN_DELAY_SECONDS = 15 * 60;
/** This many addresses made to wait on one account at once is a storm: a security event. */
export const LOGIN_STORM_ADDRESSES = 3;

export type LoginOutcome =
  | { outcome: 'ok'; user: users.UserRow & { password_hash: string } }
  | { outcome: 'invalid'; storm?: { orgId: string; userId: string; addresses: number } };

/**
 * Checks a staff member's email and password. Every refusal is the same answer, costing the same
 * work (an unknown email verifies a dummy hash): a wrong password, an unknown email, a disabled
 * account, and an address that must still wait. The wait is per account and client address and
 * grows with each failure from that address, so an attacker slows only themself and never locks
 * the account's owner out from elsewhere; many addresses waiting at once is audited as a storm.
 */
export async function logIn(
  db: Db,
  email: string,
  password: string,
  client: { requestId: string | null; address: string },
): Promise<LoginOutcome> {
  const user = await users.findUserForLogin(db, email);
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
  if (!user) return { outcome: 'invalid' };
  const ip = client.address === 'unknown' ? null : client.address;
  const by = { type: 'user' as const, id: user.id, requestId: client.requestId, ip };
  if (await users.throttledUntil(db, user.org_id, user.id, client.address)) return { outcome: 'invalid' };
  if (!ok) {
    const hit = await users.recordFailedLogin(db, user.org_id, user.id, client.address, {
      free: FREE_FAILED_LOGINS,
      maxSeconds: MAX_LOGIN_DELAY_SECONDS,
    });
    if (hit.failures === FREE_FAILED_LOGINS + 1)
      await audit(db, user.org_id, by, {
        action: 'auth.throttled',
        resourceType: 'user',
        resourceId: user.id,
      });
    if (hit.throttled_addresses >= LOGIN_STORM_ADDRESSES) {
      // Once an hour per account: the audit key dedups the rest of the storm.
      const hour = new Date().toISOString().slice(0, 13);
      await audit(
        db,
        user.org_id,
        { ...by, type: 'system', id: 'login-throttle' },
        {
          action: 'auth.login_storm',
          resourceType: 'user',
          resourceId: user.id,
          after: { addresses: hit.throttled_addresses },
          dedupKey: `auth.login_storm:${user.id}:${hour}`,
        },
      );
      return {
        outcome: 'invalid',
        storm: { orgId: user.org_id, userId: user.id, addresses: hit.throttled_addresses },
      };
    }
    return { outcome: 'invalid' };
  }
  if (user.status !== 'active') return { outcome: 'invalid' };
  await db.transaction(async (t) => {
    await users.recordLogin(t, user.org_id, user.id);
    await users.clearFailedLogins(t, user.org_id, user.id, client.address);
    await audit(t, user.org_id, by, { action: 'auth.login', resourceType: 'user', resourceId: user.id });
  });
  return { outcome: 'ok', user };
}
