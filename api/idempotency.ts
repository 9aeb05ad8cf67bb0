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
 * Temporal update id: made here, unique per call (`org:action:resource:uuid`), so nothing a
 * client sends can collide with another write or another organisation's.
 */
export const commandKey = (orgId: string, action: string, resourceId: string | null) =>
  `${orgId}:${action}:${resourceId ?? '-'}:${randomUUID()}`;

/**
 * Runs a write once per `Idempotency-Key` (per organisation and action): the same key with the
 * same resource and body returns the first result; with another resource or body it is 422; a
 * request still in flight 409. Failed requests release the key so the client may retry. `run`
 * gets the command's server-made key (commandKey).
 */
export async function idempotent(
  db: Db,
  c: Context<AppEnv>,
  target: { action: string; resourceId?: string | null },
  body: unknown,
  run: (key: string) => Promise<Result>,
) {
  const key = c.req.header('idempotency-key');
  const orgId = c.get('principal').orgId;
  const scope = target.action;
  const execute = () => run(commandKey(orgId, target.action, target.resourceId ?? null));
  if (key === undefined) return execute();
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
    const result = await execute();
    await idem.storeIdempotentResponse(db, { orgId, scope, key, status: result.status, body: result.body });
    return result;
  } catch (err) {
    await idem.releaseIdempotencyKey(db, { orgId, scope, key });
    throw err;
  }
}
