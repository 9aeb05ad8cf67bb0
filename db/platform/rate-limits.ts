import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

/** Counts one hit of `key` in the window starting at `windowStart`; answers the window's hits. */
export function hit(db: Queryable, key: string, windowStart: Date): Promise<number> {
  return db.oneFirst(sql.type(z.object({ hits: z.number() }))`
    INSERT INTO rate_limit_counters (key, window_start) VALUES (${key}, ${windowStart.toISOString()})
    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
    RETURNING hits`);
}

export async function unhit(db: Queryable, key: string, windowStart: Date): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE rate_limit_counters SET hits = greatest(hits - 1, 0)
    WHERE key = ${key} AND window_start = ${windowStart.toISOString()}`);
}

export async function resetKey(db: Queryable, key: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM rate_limit_counters WHERE key = ${key}`);
}

/** Windows that ended before `before` are of no use any more. */
export async function dropWindowsBefore(db: Queryable, before: Date): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM rate_limit_counters WHERE window_start < ${before.toISOString()}`);
}
