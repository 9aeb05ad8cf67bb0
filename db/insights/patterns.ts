import { sql } from 'slonik';
import { z } from 'zod';
import type { DetectedPattern } from '../../workflows/insights/patterns.js';
import type { Queryable } from '../pool.js';

export const patternRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  pattern_type: z.string(),
  confidence: z.number(),
  frequency: z.number(),
  description: z.string(),
  metadata: z.record(z.unknown()),
  detected_at: z.string(),
  valid_until: z.string().nullable(),
});
export type PatternRow = z.infer<typeof patternRow>;

const columns = sql.fragment`id, org_id, customer_id, pattern_type, confidence::float8 AS confidence, frequency,
  description, metadata, detected_at, valid_until`;

/** The customer's current patterns, strongest first (expired ones are not current). */
export function listPatterns(
  db: Queryable,
  orgId: string,
  customerId: string,
): Promise<readonly PatternRow[]> {
  return db.any(sql.type(patternRow)`
    SELECT ${columns} FROM behavior_patterns
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND (valid_until IS NULL OR valid_until > now())
    ORDER BY confidence DESC, pattern_type`);
}

/**
 * Replaces the patterns of these customers with what detection found now, and marks them
 * detected: one statement each for the whole set.
 */
export async function replacePatterns(
  db: Queryable,
  orgId: string,
  found: ReadonlyMap<string, readonly DetectedPattern[]>,
  validForHours: number,
): Promise<void> {
  const ids = [...found.keys()];
  if (!ids.length) return;
  await db.query(sql.unsafe`
    DELETE FROM behavior_patterns WHERE org_id = ${orgId} AND customer_id = ANY(${sql.array(ids, 'uuid')})`);
  const rows = [...found].flatMap(([customer_id, list]) =>
    list.map((p) => ({
      customer_id,
      pattern_type: p.patternType,
      confidence: p.confidence,
      frequency: p.frequency,
      description: p.description,
      metadata: p.metadata,
    })),
  );
  if (rows.length)
    await db.query(sql.unsafe`
      INSERT INTO behavior_patterns (org_id, customer_id, pattern_type, confidence, frequency, description, metadata,
        detected_at, valid_until)
      SELECT ${orgId}, customer_id, pattern_type, confidence, frequency, description, metadata, now(),
        now() + make_interval(hours => ${validForHours})
      FROM jsonb_to_recordset(${sql.jsonb(rows as never)}) AS p(customer_id uuid, pattern_type text,
        confidence numeric, frequency int, description text, metadata jsonb)`);
  await db.query(sql.unsafe`
    UPDATE customers SET patterns_detected_at = now()
    WHERE org_id = ${orgId} AND id = ANY(${sql.array(ids, 'uuid')})`);
}

export const dueRow = z.object({ org_id: z.string(), id: z.string(), timezone: z.string() });

/**
 * One page of customers, of every organisation, with interactions stored since their last
 * detection (the partial index holds exactly those), in id order.
 */
export function customersDueForPatterns(
  db: Queryable,
  afterId: string | null,
  limit: number,
): Promise<readonly z.infer<typeof dueRow>[]> {
  return db.any(sql.type(dueRow)`
    SELECT org_id, id, timezone FROM customers
    WHERE interactions_stored_at > coalesce(patterns_detected_at, '-infinity'::timestamptz)
      AND id > coalesce(${afterId}::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
    ORDER BY id LIMIT ${limit}`);
}
