import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

const row = z.object({
  request_hash: z.string(),
  response_status: z.number().int().nullable(),
  response_body: z.unknown(),
});
export type IdempotencyRecord = z.infer<typeof row>;

/**
 * Claims an Idempotency-Key for this request. Returns null when the claim is new (the caller
 * proceeds), or the stored record when the key was used before.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  k: { orgId: string; scope: string; key: string; requestHash: string },
): Promise<IdempotencyRecord | null> {
  const inserted = await db.maybeOne(sql.type(z.object({ key: z.string() }))`
    INSERT INTO idempotency_keys (org_id, scope, key, request_hash)
    VALUES (${k.orgId}, ${k.scope}, ${k.key}, ${k.requestHash})
    ON CONFLICT DO NOTHING RETURNING key`);
  if (inserted) return null;
  return db.one(sql.type(row)`
    SELECT request_hash, response_status, response_body FROM idempotency_keys
    WHERE org_id = ${k.orgId} AND scope = ${k.scope} AND key = ${k.key}`);
}

export async function storeIdempotentResponse(
  db: Queryable,
  k: { orgId: string; scope: string; key: string; status: number; body: unknown },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE idempotency_keys SET response_status = ${k.status}, response_body = ${sql.jsonb(k.body as never)}
    WHERE org_id = ${k.orgId} AND scope = ${k.scope} AND key = ${k.key}`);
}

/** Frees a claim whose request failed, so the client may retry with the same key. */
export async function releaseIdempotencyKey(
  db: Queryable,
  k: { orgId: string; scope: string; key: string },
): Promise<void> {
  await db.query(sql.unsafe`
    DELETE FROM idempotency_keys
    WHERE org_id = ${k.orgId} AND scope = ${k.scope} AND key = ${k.key} AND response_status IS NULL`);
}

/** Marks a resumable request's claim as failed: the client's retry with the same key takes it up. */
export async function failIdempotencyKey(
  db: Queryable,
  k: { orgId: string; scope: string; key: string },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE idempotency_keys SET failed_at = now()
    WHERE org_id = ${k.orgId} AND scope = ${k.scope} AND key = ${k.key} AND response_status IS NULL`);
}

/**
 * Takes up a resumable claim that failed, or whose request has not answered in two minutes (its
 * process died): true for exactly one caller, so two retries at once do not both run.
 */
export async function resumeIdempotencyKey(
  db: Queryable,
  k: { orgId: string; scope: string; key: string },
): Promise<boolean> {
  const taken = await db.maybeOne(sql.type(z.object({ key: z.string() }))`
    UPDATE idempotency_keys SET failed_at = NULL, claimed_at = now()
    WHERE org_id = ${k.orgId} AND scope = ${k.scope} AND key = ${k.key} AND response_status IS NULL
      AND (failed_at IS NOT NULL OR claimed_at < now() - interval '2 minutes')
    RETURNING key`);
  return taken !== null;
}
