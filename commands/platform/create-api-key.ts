import * as keys from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import type { Role } from '../../lib/roles.js';
import { audited, type CommandActor } from '../audited.js';

/** Stores a new API key by its hash (the secret is shown once, by the caller, and never stored). */
export async function createApiKey(
  db: Db,
  orgId: string,
  k: { name: string; role: Role; prefix: string; keyHash: string },
  by: CommandActor,
): Promise<keys.ApiKeyRow> {
  return (await audited(
    db,
    orgId,
    by,
    (t) => keys.insertApiKey(t, { orgId, ...k, createdBy: by.type === 'user' ? by.id : null }),
    (row) => ({ action: 'api_key.created', resourceType: 'api_key', resourceId: row.id }),
  ))!;
}
