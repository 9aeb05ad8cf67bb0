import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

/** The event stream behind SSE. Streams: `alerts` (org-wide), `case:<caseId>`, `notifications`. */
export const eventRow = z.object({
  id: z.number().int(),
  org_id: z.string().uuid(),
  stream: z.string(),
  type: z.string(),
  payload: z.record(z.unknown()),
  created_at: z.string(),
});
export type EventRow = z.infer<typeof eventRow>;

/**
 * Appends one event to each stream. With a dedupKey a retried activity appends nothing new.
 * The insert trigger NOTIFYs every API replica.
 *
 * Event ids must become visible in id order within an organisation: streams and Last-Event-ID
 * keep a high-water mark, so an id committed after a larger one would be skipped. A
 * transaction-scoped lock per organisation, taken before the id is drawn, makes commit order
 * follow id order (two agents finishing together used to lose one agent_completed).
 */
export async function emitEvent(
  db: Queryable,
  e: { orgId: string; streams: string[]; type: string; payload: Record<string, unknown>; dedupKey?: string },
): Promise<void> {
  for (const stream of e.streams) {
    const dedup = e.dedupKey ? `${e.dedupKey}@${stream}` : null;
    await db.query(sql.unsafe`
      WITH ordered AS (SELECT pg_advisory_xact_lock(hashtext('sentinel-events'), hashtext(${e.orgId})))
      INSERT INTO events (org_id, stream, type, payload, dedup_key)
      SELECT ${e.orgId}, ${stream}, ${e.type}, ${sql.jsonb(e.payload as never)}, ${dedup} FROM ordered
      ON CONFLICT (org_id, dedup_key) DO NOTHING`);
  }
}

export type NewEvent = {
  streams: string[];
  type: string;
  payload: Record<string, unknown>;
  dedupKey?: string;
};

/** Appends many events in one statement, under the same per-organisation ordering lock as emitEvent. */
export async function emitEvents(db: Queryable, orgId: string, events: readonly NewEvent[]): Promise<void> {
  const rows = events.flatMap((e) =>
    e.streams.map((stream) => ({
      stream,
      type: e.type,
      payload: e.payload,
      dedup_key: e.dedupKey ? `${e.dedupKey}@${stream}` : null,
    })),
  );
  if (!rows.length) return;
  await db.query(sql.unsafe`
    WITH ordered AS (SELECT pg_advisory_xact_lock(hashtext('sentinel-events'), hashtext(${orgId})))
    INSERT INTO events (org_id, stream, type, payload, dedup_key)
    SELECT ${orgId}, e.stream, e.type, e.payload, e.dedup_key
    FROM ordered, ROWS FROM (jsonb_to_recordset(${sql.jsonb(rows as never)})
      AS (stream text, type text, payload jsonb, dedup_key text)) WITH ORDINALITY AS e(stream, type, payload, dedup_key, n)
    ORDER BY e.n
    ON CONFLICT (org_id, dedup_key) DO NOTHING`);
}

export function getEvent(db: Queryable, orgId: string, id: number): Promise<EventRow | null> {
  return db.maybeOne(sql.type(eventRow)`
    SELECT id, org_id, stream, type, payload, created_at FROM events WHERE org_id = ${orgId} AND id = ${id}`);
}

/** Events a reconnecting client missed (Last-Event-ID), oldest first. */
export function eventsAfter(
  db: Queryable,
  orgId: string,
  stream: string,
  afterId: number,
  limit = 1000,
): Promise<readonly EventRow[]> {
  return db.any(sql.type(eventRow)`
    SELECT id, org_id, stream, type, payload, created_at FROM events
    WHERE org_id = ${orgId} AND stream = ${stream} AND id > ${afterId}
    ORDER BY id LIMIT ${limit}`);
}

/** The newest event id of a stream (0 when it has none). */
export function latestEventId(db: Queryable, orgId: string, stream: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ id: z.number().int() }))`
    SELECT coalesce(max(id), 0)::int AS id FROM events WHERE org_id = ${orgId} AND stream = ${stream}`);
}

/**
 * Deletes a batch of events older than `days` (clients further behind than a day get `reset`
 * anyway); answers how many went.
 */
export async function deleteOldEvents(db: Queryable, days: number, batch: number): Promise<number> {
  const r = await db.query(sql.unsafe`
    DELETE FROM events WHERE id IN (
      SELECT id FROM events WHERE created_at < now() - make_interval(days => ${days}) ORDER BY id LIMIT ${batch})`);
  return r.rowCount;
}
