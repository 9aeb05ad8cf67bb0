import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import * as idem from '../db/platform/idempotency.js';
import type { Db } from '../db/pool.js';
import { sha256 } from './auth/tokens.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

type Result = { status: 200 | 201 | 202; body: unknown };

const KEY_PATTERN = /^[\w.:-]{1,200}$/;

/**
 * The key a command writes its audit row, timeline entry and event under, and sends as its
 * Temporal update id: unique per call (`org:action:resource:uuid`) when the client sent no
 * Idempotency-Key, so nothing a client sends can collide with another write or another
 * organisation's; derived from the client's key when it sent one, so a retry of the same request
 * reaches the same rows (a charge, its payment) and never makes new ones.
 */
export const commandKey = (orgId: string, action: string, resourceId: string | null, clientKey?: string) =>
  `${orgId}:${action}:${resourceId ?? '-'}:${clientKey === undefined ? randomUUID() : `key:${clientKey}`}`;

/**
 * Runs a write once per `Idempotency-Key` (per organisation, action and caller): the same key with the
 * same resource and body returns the first result; with another resource or body it is 422; a
 * request still in flight 409. `run` gets the command's key (commandKey, from the client's key).
 *
 * A failed request frees its key so the client may retry; with `resumable` (a card charge, whose
 * pending payment may already be at the provider) the claim is kept and a retry with the same key
 * runs the command again on the same rows, which asks the provider again under the same key.
 * `required` refuses a request without a key.
 */
export async function idempotent(
  db: Db,
  c: Context<AppEnv>,
  target: { action: string; resourceId?: string | null; required?: boolean; resumable?: boolean },
  body: unknown,
  run: (key: string) => Promise<Result>,
) {
  const key = c.req.header('idempotency-key');
  const { orgId, actorType, actorId } = c.get('principal');
  // Keys are the caller's own: another user's (or key's) same key is another request, never a replay of theirs.
  const scope = `${target.action}@${actorType}:${actorId}`;
  if (key === undefined) {
    if (target.required)
      throw keyError('required', 'Idempotency-Key is required: a retry must never act twice');
    return run(commandKey(orgId, target.action, target.resourceId ?? null));
  }
  if (!KEY_PATTERN.test(key))
    throw keyError('invalid format', 'Idempotency-Key must be 1–200 characters of [A-Za-z0-9_.:-]');
  const execute = () => run(commandKey(orgId, scope, target.resourceId ?? null, key));
  const requestHash = sha256(JSON.stringify({ resource: target.resourceId ?? null, body: body ?? null }));
  const prior = await idem.claimIdempotencyKey(db, { orgId, scope, key, requestHash });
  if (prior) {
    if (prior.request_hash !== requestHash) {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request; use a new key for a new request',
      );
    }
    if (prior.response_status === null) {
      // A resumable request that failed (or whose process died) is taken up again, by one retry at a time.
      const resumed = target.resumable && (await idem.resumeIdempotencyKey(db, { orgId, scope, key }));
      if (!resumed)
        throw new ApiError(
          409,
          'request_in_progress',
          'A request with this Idempotency-Key is still in progress',
        );
    } else {
      c.header('Idempotent-Replayed', 'true');
      return { status: prior.response_status as Result['status'], body: prior.response_body };
    }
  }
  try {
    const result = await execute();
    await idem.storeIdempotentResponse(db, { orgId, scope, key, status: result.status, body: result.body });
    return result;
  } catch (err) {
    if (target.resumable) await idem.failIdempotencyKey(db, { orgId, scope, key });
    else await idem.releaseIdempotencyKey(db, { orgId, scope, key });
    throw err;
  }
}

const keyError = (message: string, text: string) =>
  new ApiError(400, 'validation_failed', text, {
    issues: [{ path: 'header.idempotency-key', message, code: 'invalid_string' }],
  });
