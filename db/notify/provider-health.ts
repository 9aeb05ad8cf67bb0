import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

/** Five failures in a row open the circuit for 60 s; then two successes close it (the seed's numbers). */
export const BREAKER = { failuresToOpen: 5, openMs: 60_000, successesToClose: 2 };

export const healthRow = z.object({
  provider: z.string(),
  state: z.enum(['closed', 'open', 'half_open']),
  consecutive_failures: z.number().int(),
  consecutive_successes: z.number().int(),
  opened_at: z.string().nullable(),
  open_until: z.string().nullable(),
  last_error: z.string().nullable(),
  updated_at: z.string(),
});
export type HealthRow = z.infer<typeof healthRow>;

const columns = sql.fragment`provider, state, consecutive_failures, consecutive_successes, opened_at, open_until, last_error, updated_at`;

/** Whether a send may go now; when the circuit is open, until when to wait. An expired open turns half-open. */
export async function checkCircuit(
  db: Queryable,
  provider: string,
): Promise<{ open: boolean; openUntil: string | null }> {
  const row = await db.maybeOne(sql.type(healthRow)`
    UPDATE provider_health SET state = CASE WHEN state = 'open' AND open_until <= now() THEN 'half_open' ELSE state END
    WHERE provider = ${provider} RETURNING ${columns}`);
  if (!row || row.state !== 'open') return { open: false, openUntil: null };
  return { open: true, openUntil: row.open_until };
}

export async function recordSuccess(db: Queryable, provider: string): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO provider_health (provider, consecutive_successes) VALUES (${provider}, 1)
    ON CONFLICT (provider) DO UPDATE SET
      consecutive_failures = 0,
      consecutive_successes = provider_health.consecutive_successes + 1,
      state = CASE
        WHEN provider_health.state = 'half_open' AND provider_health.consecutive_successes + 1 >= ${BREAKER.successesToClose}
          THEN 'closed' ELSE provider_health.state END,
      updated_at = now()`);
}

/** A failure the provider is to blame for (5xx, timeout, unreachable); a client error (4xx) is not counted. */
export async function recordFailure(db: Queryable, provider: string, error: string): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO provider_health (provider, consecutive_failures, last_error) VALUES (${provider}, 1, ${error})
    ON CONFLICT (provider) DO UPDATE SET
      consecutive_failures = provider_health.consecutive_failures + 1,
      consecutive_successes = 0,
      last_error = ${error},
      state = CASE
        WHEN provider_health.state = 'half_open'
          OR provider_health.consecutive_failures + 1 >= ${BREAKER.failuresToOpen} THEN 'open'
        ELSE provider_health.state END,
      opened_at = CASE
        WHEN provider_health.state = 'half_open'
          OR (provider_health.state = 'closed' AND provider_health.consecutive_failures + 1 >= ${BREAKER.failuresToOpen})
          THEN now() ELSE provider_health.opened_at END,
      open_until = CASE
        WHEN provider_health.state = 'half_open'
          OR (provider_health.state = 'closed' AND provider_health.consecutive_failures + 1 >= ${BREAKER.failuresToOpen})
          THEN now() + make_interval(secs => ${BREAKER.openMs / 1000}) ELSE provider_health.open_until END,
      updated_at = now()`);
}

export function listHealth(db: Queryable): Promise<readonly HealthRow[]> {
  return db.any(sql.type(healthRow)`SELECT ${columns} FROM provider_health ORDER BY provider`);
}

/** Every provider's breaker state (the metrics gauge). */
export function providerStates(db: Queryable): Promise<readonly { provider: string; state: string }[]> {
  return db.any(sql.type(z.object({ provider: z.string(), state: z.string() }))`
    SELECT provider, state FROM provider_health`);
}
