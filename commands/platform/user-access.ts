import { revokeApiKeysCreatedBy } from '../../db/platform/api-keys.js';
import { revokeUserSessions } from '../../db/platform/refresh-tokens.js';
import * as users from '../../db/platform/users.js';
import type { Db } from '../../db/pool.js';
import type { Role } from '../../lib/roles.js';
import { audit, type CommandActor } from '../audited.js';

/**
 * Changes a colleague's role or status. Either revokes the access tokens they hold (every replica
 * refuses them within a poll, and their event streams close); disabling also ends their sessions
 * and revokes the API keys they answer for. A demotion caps those keys at the new role (the key's
 * permissions are read with its owner's role, api/middleware/auth.ts).
 */
export async function changeUser(
  db: Db,
  orgId: string,
  userId: string,
  change: { role?: Role | undefined; status?: 'active' | 'disabled' | undefined; name?: string | undefined },
  actor: CommandActor,
): Promise<{ user: users.UserRow; apiKeyIds: string[] } | null> {
  return db.transaction(async (t) => {
    const before = await users.getUser(t, orgId, userId);
    if (!before) return null;
    const after = (await users.updateUser(t, orgId, userId, change))!;
    const disabled = change.status === 'disabled';
    const sessions = disabled ? await revokeUserSessions(t, orgId, userId) : 0;
    const apiKeyIds = disabled ? [...(await revokeApiKeysCreatedBy(t, orgId, userId))] : [];
    await audit(t, orgId, actor, {
      action: change.status === 'disabled' && before.status !== 'disabled' ? 'user.disabled' : 'user.updated',
      resourceType: 'user',
      resourceId: userId,
      before: { role: before.role, status: before.status, name: before.name },
      after: {
        role: after.role,
        status: after.status,
        name: after.name,
        sessions_revoked: sessions,
        api_keys_revoked: apiKeyIds.length,
      },
    });
    return { user: after, apiKeyIds };
  });
}

/** Signs a colleague out everywhere: sessions, access tokens, and the API keys they created. */
export async function revokeUserAccess(
  db: Db,
  orgId: string,
  userId: string,
  actor: CommandActor,
): Promise<{
  sessions_revoked: number;
  api_keys_revoked: number;
  revoked: { apiKeyIds: string[]; user: { id: string; tokenVersion: number } };
} | null> {
  return db.transaction(async (t) => {
    const user = await users.revokeUserTokens(t, orgId, userId);
    if (!user) return null;
    const sessions = await revokeUserSessions(t, orgId, userId);
    const keyIds = [...(await revokeApiKeysCreatedBy(t, orgId, userId))];
    const result = { sessions_revoked: sessions, api_keys_revoked: keyIds.length };
    await audit(t, orgId, actor, {
      action: 'user.access_revoked',
      resourceType: 'user',
      resourceId: userId,
      after: result,
    });
    return {
      ...result,
      revoked: { apiKeyIds: keyIds, user: { id: userId, tokenVersion: user.token_version } },
    };
  });
}
