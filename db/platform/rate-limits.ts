import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

const windowHits = z.object({ key: z.string(), hits: z.number() });

/**
 * Adds each key's hits to its window's counter, all keys in one statement; answers every key's
 * total in that window (what all replicas have counted so far).
 */
export function addHits(
  db: Queryable,
  windowStart: Date,
  hits: readonly { key: string; hits: number }[],
): Promise<readonly z.infer<typeof windowHits>[]> {
  return db.any(sql.type(windowHits)`
    INSERT INTO rate_limit_counters (key, window_start, hits)
    SELECT k, ${windowStart.toISOString()}::timestamptz, n
    FROM unnest(${sql.array(
      hits.map((h) => h.key),
      'text',
    )}::text[], ${sql.array(
      hits.map((h) => h.hits),
      'int4',
    )}::int[]) AS t(k, n)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_counters.hits + excluded.hits
    RETURNING key, hits`);
}

/** Windows that ended before `before` are of no use any more. */
export async function dropWindowsBefore(db: Queryable, before: Date): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM rate_limit_counters WHERE window_start < ${before.toISOString()}`);
}
