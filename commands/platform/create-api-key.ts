import * as keys from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import type { Permission, Role } from '../../lib/roles.js';
import { audited, type CommandActor } from '../audited.js';

/** How long a key lives unless its creator says otherwise. */
export const DEFAULT_KEY_DAYS = 365;

/**
 * Stores a new API key by its hash (the secret is shown once, by the caller, and never stored).
 * It answers to a person: the user creating it, or the owner of the key creating it.
 */
export async function createApiKey(
  db: Db,
  orgId: string,
  k: {
    name: string;
    role: Role;
    prefix: string;
    keyHash: string;
    expiresAt: string | null;
    scopes: readonly Permission[] | null;
  },
  by: CommandActor,
): Promise<keys.ApiKeyRow> {
  const expiresAt = k.expiresAt ?? new Date(Date.now() + DEFAULT_KEY_DAYS * 86_400_000).toISOString();
  return (await audited(
    db,
    orgId,
    by,
    (t) =>
      keys.insertApiKey(t, {
        orgId,
        ...k,
        expiresAt,
        createdBy: by.type === 'user' ? by.id : null,
        createdByKey: by.type === 'api_key' ? by.id : null,
      }),
    (row) => ({
      action: 'api_key.created',
      resourceType: 'api_key',
      resourceId: row.id,
      after: {
        role: row.role,
        owner_user_id: row.owner_user_id,
        expires_at: row.expires_at,
        scopes: row.scopes,
      },
    }),
  ))!;
}
