import type { Context } from 'hono';
import * as idem from '../db/platform/idempotency.js';
import type { Db } from '../db/pool.js';
import { sha256 } from './auth/tokens.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

type Result = { status: 200 | 201 | 202; body: unknown };

const KEY_PATTERN = /^[\w.:-]{1,200}$/;

/**
 * Runs a write once per `Idempotency-Key` (per organisation and scope): the same key with the
 * same body returns the first result, with another body 422; a request still in flight 409.
 * Failed requests release the key so the client may retry.
 */
export async function idempotent(
  db: Db,
  c: Context<AppEnv>,
  scope: string,
  body: unknown,
  run: () => Promise<Result>,
) {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return run();
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError(
      400,
      'validation_failed',
      'Idempotency-Key must be 1–200 characters of [A-Za-z0-9_.:-]',
      {
        issues: [{ path: 'header.idempotency-key', message: 'invalid format', code: 'invalid_string' }],
      },
    );
  }
  const orgId = c.get('principal').orgId;
  const requestHash = sha256(JSON.stringify(body ?? null));
  const prior = await idem.claimIdempotencyKey(db, { orgId, scope, key, requestHash });
  if (prior) {
    if (prior.request_hash !== requestHash) {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request',
      );
    }
    if (prior.response_status === null) {
      throw new ApiError(
        409,
        'request_in_progress',
        'A request with this Idempotency-Key is still in progress',
      );
    }
    c.header('Idempotent-Replayed', 'true');
    return { status: prior.response_status as Result['status'], body: prior.response_body };
  }
  try {
    const result = await run();
    await idem.storeIdempotentResponse(db, { orgId, scope, key, status: result.status, body: result.body });
    return result;
  } catch (err) {
    await idem.releaseIdempotencyKey(db, { orgId, scope, key });
    throw err;
  }
}
