import { sql } from 'slonik';
import { z } from 'zod';
import { ROLES, type Role } from '../../lib/roles.js';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const apiKeyRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  name: z.string(),
  key_prefix: z.string(),
  role: z.enum(ROLES),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
});
export type ApiKeyRow = z.infer<typeof apiKeyRow>;

const columns = sql.fragment`id, org_id, name, key_prefix, role, last_used_at, expires_at, revoked_at, created_at`;

export function insertApiKey(
  db: Queryable,
  k: { orgId: string; name: string; prefix: string; keyHash: string; role: Role; createdBy: string | null },
): Promise<ApiKeyRow> {
  return db.one(sql.type(apiKeyRow)`
    INSERT INTO api_keys (org_id, name, key_prefix, key_hash, role, created_by)
    VALUES (${k.orgId}, ${k.name}, ${k.prefix}, ${k.keyHash}, ${k.role}, ${k.createdBy})
    RETURNING ${columns}`);
}

/** Looked up by hash before the organisation is known: the key itself names its organisation. */
export function findActiveApiKey(db: Queryable, keyHash: string): Promise<ApiKeyRow | null> {
  return db.maybeOne(sql.type(apiKeyRow)`
    UPDATE api_keys SET last_used_at = now()
    WHERE key_hash = ${keyHash} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
    RETURNING ${columns}`);
}

export function listApiKeys(
  db: Queryable,
  orgId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<readonly ApiKeyRow[]> {
  return db.any(sql.type(apiKeyRow)`
    SELECT ${columns} FROM api_keys
    WHERE org_id = ${orgId} AND ${keysetAfter(page.cursor)}
    ORDER BY created_at DESC, id DESC
    LIMIT ${page.limit + 1}`);
}

export function revokeApiKey(db: Queryable, orgId: string, id: string): Promise<ApiKeyRow | null> {
  return db.maybeOne(sql.type(apiKeyRow)`
    UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
    WHERE org_id = ${orgId} AND id = ${id}
    RETURNING ${columns}`);
}

/** Revokes the API keys a user created (when their access is withdrawn); answers their ids. */
export function revokeApiKeysCreatedBy(
  db: Queryable,
  orgId: string,
  userId: string,
): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE api_keys SET revoked_at = now()
    WHERE org_id = ${orgId} AND created_by = ${userId} AND revoked_at IS NULL RETURNING id`);
}

/** API keys revoked after `since` (all organisations: the cache is per replica). */
export function recentlyRevokedApiKeys(
  db: Queryable,
  since: string,
): Promise<readonly { id: string; revoked_at: string }[]> {
  return db.any(sql.type(z.object({ id: z.string(), revoked_at: z.string() }))`
    SELECT id, revoked_at FROM api_keys WHERE revoked_at > ${since}::timestamptz ORDER BY revoked_at`);
}
