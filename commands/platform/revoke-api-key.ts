import * as keys from '../../db/platform/api-keys.js';
import type { Db } from '../../db/pool.js';
import { audited, type CommandActor } from '../audited.js';

/** Revokes an API key; null when the organisation has no such key. */
export function revokeApiKey(
  db: Db,
  orgId: string,
  id: string,
  by: CommandActor,
): Promise<keys.ApiKeyRow | null> {
  return audited(
    db,
    orgId,
    by,
    (t) => keys.revokeApiKey(t, orgId, id),
    (row) => ({ action: 'api_key.revoked', resourceType: 'api_key', resourceId: row.id }),
  );
}
