import { sql } from 'slonik';
import { z } from 'zod';
import { APPEARANCE_STATUSES, type AppearanceOutcome } from '../../workflows/bail/bond-status.js';
import type { Queryable } from '../pool.js';

export const appearanceRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  bond_id: z.string().uuid(),
  scheduled_at: z.string(),
  time_zone: z.string(),
  court_name: z.string(),
  address: z.string().nullable(),
  status: z.enum(APPEARANCE_STATUSES),
  rescheduled_to: z.string().uuid().nullable(),
  notes: z.string().nullable(),
  reminders_sent: z.array(z.string()),
  outcome_at: z.string().nullable(),
  failure_raised_at: z.string().nullable(),
  created_at: z.string(),
});
export type AppearanceRow = z.infer<typeof appearanceRow>;

const columns = sql.fragment`id, org_id, bond_id, scheduled_at, time_zone, court_name, address, status,
  rescheduled_to, notes, reminders_sent, outcome_at, failure_raised_at, created_at`;

export type NewAppearance = {
  scheduled_at: string;
  time_zone: string;
  court_name: string;
  address?: string | null | undefined;
  notes?: string | null | undefined;
};

export function insertAppearances(
  db: Queryable,
  orgId: string,
  bondId: string,
  rows: readonly NewAppearance[],
): Promise<readonly AppearanceRow[]> {
  return db.any(sql.type(appearanceRow)`
    INSERT INTO court_appearances (org_id, bond_id, scheduled_at, time_zone, court_name, address, notes)
    SELECT ${orgId}, ${bondId}, r.scheduled_at, r.time_zone, r.court_name, r.address, r.notes
    FROM jsonb_to_recordset(${sql.jsonb(rows as never)})
      AS r(scheduled_at timestamptz, time_zone text, court_name text, address text, notes text)
    RETURNING ${columns}`);
}

export function listAppearances(
  db: Queryable,
  orgId: string,
  bondId: string,
): Promise<readonly AppearanceRow[]> {
  return db.any(sql.type(appearanceRow)`
    SELECT ${columns} FROM court_appearances WHERE org_id = ${orgId} AND bond_id = ${bondId}
    ORDER BY scheduled_at, id`);
}

export function lockAppearance(
  db: Queryable,
  orgId: string,
  bondId: string,
  id: string,
): Promise<AppearanceRow | null> {
  return db.maybeOne(sql.type(appearanceRow)`
    SELECT ${columns} FROM court_appearances WHERE org_id = ${orgId} AND bond_id = ${bondId} AND id = ${id}
    FOR UPDATE`);
}

export function getAppearance(db: Queryable, orgId: string, id: string): Promise<AppearanceRow | null> {
  return db.maybeOne(sql.type(appearanceRow)`
    SELECT ${columns} FROM court_appearances WHERE org_id = ${orgId} AND id = ${id}`);
}

/** What the reminder workflow plans from: the earliest scheduled date, or a miss not yet raised. */
export function nextAppearance(db: Queryable, orgId: string, bondId: string): Promise<AppearanceRow | null> {
  return db.maybeOne(sql.type(appearanceRow)`
    SELECT ${columns} FROM court_appearances
    WHERE org_id = ${orgId} AND bond_id = ${bondId}
      AND (status = 'scheduled' OR (status = 'missed' AND failure_raised_at IS NULL))
    ORDER BY (status = 'missed') DESC, scheduled_at, id LIMIT 1`);
}

export function markRescheduled(
  db: Queryable,
  orgId: string,
  id: string,
  to: string,
): Promise<AppearanceRow> {
  return db.one(sql.type(appearanceRow)`
    UPDATE court_appearances SET status = 'rescheduled', rescheduled_to = ${to}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

export function recordOutcome(
  db: Queryable,
  orgId: string,
  id: string,
  outcome: AppearanceOutcome,
  notes: string | null,
): Promise<AppearanceRow> {
  return db.one(sql.type(appearanceRow)`
    UPDATE court_appearances SET status = ${outcome}, outcome_at = now(),
      notes = coalesce(${notes}, notes), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/** Adds a reminder key to those sent; false when it was already there (a retried send). */
export async function claimReminder(db: Queryable, orgId: string, id: string, key: string): Promise<boolean> {
  const r = await db.query(sql.unsafe`
    UPDATE court_appearances SET reminders_sent = array_append(reminders_sent, ${key})
    WHERE org_id = ${orgId} AND id = ${id} AND NOT (${key} = ANY(reminders_sent))`);
  return r.rowCount === 1;
}

export async function markFailureRaised(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const r = await db.query(sql.unsafe`
    UPDATE court_appearances SET failure_raised_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND failure_raised_at IS NULL`);
  return r.rowCount === 1;
}

export function latestRaisedAppearance(db: Queryable, orgId: string, bondId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM court_appearances
    WHERE org_id = ${orgId} AND bond_id = ${bondId} AND failure_raised_at IS NOT NULL
    ORDER BY failure_raised_at DESC LIMIT 1`);
}
