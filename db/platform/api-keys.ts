import { sql } from 'slonik';
import { z } from 'zod';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../lib/roles.js';
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
  /** The person it answers to: disabling them revokes it; it can do at most what they can. */
  owner_user_id: z.string().uuid().nullable(),
  /** A subset of its role's permissions, when set. */
  scopes: z.array(z.enum(PERMISSIONS)).nullable(),
  created_at: z.string(),
});
export type ApiKeyRow = z.infer<typeof apiKeyRow>;

const columns = sql.fragment`id, org_id, name, key_prefix, role, last_used_at, expires_at, revoked_at,
  owner_user_id, scopes, created_at`;

export function insertApiKey(
  db: Queryable,
  k: {
    orgId: string;
    name: string;
    prefix: string;
    keyHash: string;
    role: Role;
    createdBy: string | null;
    createdByKey: string | null;
    expiresAt: string;
    scopes: readonly Permission[] | null;
  },
): Promise<ApiKeyRow> {
  // The owner is the person behind the creator: the user, or the creating key's owner.
  return db.one(sql.type(apiKeyRow)`
    INSERT INTO api_keys (org_id, name, key_prefix, key_hash, role, created_by, created_by_key, owner_user_id,
      expires_at, scopes)
    VALUES (${k.orgId}, ${k.name}, ${k.prefix}, ${k.keyHash}, ${k.role}, ${k.createdBy}, ${k.createdByKey},
      coalesce(${k.createdBy}::uuid,
        (SELECT owner_user_id FROM api_keys WHERE org_id = ${k.orgId} AND id = ${k.createdByKey})),
      ${k.expiresAt}, ${k.scopes ? sql.array([...k.scopes], 'text') : null})
    RETURNING ${columns}`);
}

/** A key as it authenticates: with its owner's current role (null for a key no person owns). */
export type ActiveApiKey = ApiKeyRow & { owner_role: Role | null };

/**
 * Looked up by hash before the organisation is known: the key itself names its organisation.
 * A key whose owner is disabled is no key.
 */
export function findActiveApiKey(db: Queryable, keyHash: string): Promise<ActiveApiKey | null> {
  return db.maybeOne(sql.type(apiKeyRow.extend({ owner_role: z.enum(ROLES).nullable() }))`
    UPDATE api_keys k SET last_used_at = now()
    WHERE k.key_hash = ${keyHash} AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
      AND (k.owner_user_id IS NULL
        OR EXISTS (SELECT 1 FROM users u WHERE u.id = k.owner_user_id AND u.status = 'active'))
    RETURNING ${columns}, (SELECT role FROM users u WHERE u.id = k.owner_user_id) AS owner_role`);
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

/**
 * Revokes the API keys a user answers for (when their access is withdrawn or they are disabled):
 * those they created and those their keys created. Answers their ids.
 */
export function revokeApiKeysCreatedBy(
  db: Queryable,
  orgId: string,
  userId: string,
): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE api_keys SET revoked_at = now()
    WHERE org_id = ${orgId} AND (owner_user_id = ${userId} OR created_by = ${userId}) AND revoked_at IS NULL
    RETURNING id`);
}

/** API keys revoked after `since` (all organisations: the cache is per replica). */
export function recentlyRevokedApiKeys(
  db: Queryable,
  since: string,
): Promise<readonly { id: string; revoked_at: string }[]> {
  return db.any(sql.type(z.object({ id: z.string(), revoked_at: z.string() }))`
    SELECT id, revoked_at FROM api_keys WHERE revoked_at > ${since}::timestamptz ORDER BY revoked_at`);
}
