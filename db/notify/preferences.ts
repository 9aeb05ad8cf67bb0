import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const preferencesRow = z.object({
  customer_id: z.string().uuid(),
  email_enabled: z.boolean(),
  email_verified: z.boolean(),
  email_invalid_at: z.string().nullable(),
  email_invalid_reason: z.string().nullable(),
  sms_enabled: z.boolean(),
  sms_verified: z.boolean(),
  timezone: z.string(),
  /** BCP 47; null: the organisation's default templates. */
  locale: z.string().nullable(),
  quiet_hours_enabled: z.boolean(),
  quiet_hours_start: z.string(),
  quiet_hours_end: z.string(),
  max_per_hour: z.number().int(),
  max_per_day: z.number().int(),
  channels_by_kind: z.record(z.array(z.string())),
  updated_at: z.string().nullable(),
});
export type PreferencesRow = z.infer<typeof preferencesRow>;

/** A customer's preferences, with the defaults for one who never set any. Time zone falls back to the customer's. */
export function getPreferences(
  db: Queryable,
  orgId: string,
  customerId: string,
): Promise<PreferencesRow | null> {
  return db.maybeOne(sql.type(preferencesRow)`
    SELECT c.id AS customer_id,
      coalesce(p.email_enabled, true) AS email_enabled,
      coalesce(p.email_verified, true) AS email_verified,
      p.email_invalid_at,
      p.email_invalid_reason,
      coalesce(p.sms_enabled, true) AS sms_enabled,
      coalesce(p.sms_verified, true) AS sms_verified,
      coalesce(p.timezone, c.timezone) AS timezone,
      p.locale,
      coalesce(p.quiet_hours_enabled, false) AS quiet_hours_enabled,
      to_char(coalesce(p.quiet_hours_start, '22:00'), 'HH24:MI') AS quiet_hours_start,
      to_char(coalesce(p.quiet_hours_end, '08:00'), 'HH24:MI') AS quiet_hours_end,
      coalesce(p.max_per_hour, 10) AS max_per_hour,
      coalesce(p.max_per_day, 50) AS max_per_day,
      coalesce(p.channels_by_kind, '{}'::jsonb) AS channels_by_kind,
      p.updated_at
    FROM customers c
    LEFT JOIN customer_preferences p ON p.org_id = c.org_id AND p.customer_id = c.id
    WHERE c.org_id = ${orgId} AND c.id = ${customerId}`);
}

export type PreferencesInput = {
  email_enabled?: boolean | undefined;
  sms_enabled?: boolean | undefined;
  timezone?: string | null | undefined;
  locale?: string | null | undefined;
  quiet_hours_enabled?: boolean | undefined;
  quiet_hours_start?: string | undefined;
  quiet_hours_end?: string | undefined;
  max_per_hour?: number | undefined;
  max_per_day?: number | undefined;
  channels_by_kind?: Record<string, string[]> | undefined;
};

/** Upserts the fields given; the others keep their value (or default). */
export async function putPreferences(db: Queryable, orgId: string, customerId: string, p: PreferencesInput) {
  const cols = Object.entries(p).filter(([, v]) => v !== undefined);
  const value = (k: string, v: unknown) =>
    k === 'channels_by_kind' ? sql.fragment`${sql.jsonb(v as never)}` : sql.fragment`${v as string}`;
  const names = cols.map(([k]) => sql.identifier([k]));
  const insertCols = names.length ? sql.fragment`, ${sql.join(names, sql.fragment`, `)}` : sql.fragment``;
  const insertVals = cols.length
    ? sql.fragment`, ${sql.join(
        cols.map(([k, v]) => value(k, v)),
        sql.fragment`, `,
      )}`
    : sql.fragment``;
  const updates = cols.map(([k, v]) => sql.fragment`${sql.identifier([k])} = ${value(k, v)}`);
  await db.query(sql.unsafe`
    INSERT INTO customer_preferences (org_id, customer_id${insertCols})
    VALUES (${orgId}, ${customerId}${insertVals})
    ON CONFLICT (org_id, customer_id) DO UPDATE SET ${sql.join(
      [...updates, sql.fragment`updated_at = now()`],
      sql.fragment`, `,
    )}`);
}

/** A hard bounce or a drop: the address is invalid until verified again; the provider's reason is kept. */
export async function markEmailInvalid(
  db: Queryable,
  orgId: string,
  customerId: string,
  reason: string | null,
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO customer_preferences (org_id, customer_id, email_invalid_at, email_invalid_reason, email_verified)
    VALUES (${orgId}, ${customerId}, now(), ${reason}, false)
    ON CONFLICT (org_id, customer_id) DO UPDATE SET email_invalid_at = now(),
      email_invalid_reason = excluded.email_invalid_reason, email_verified = false, updated_at = now()`);
}

/** The address was confirmed again (by staff with the customer): email may go out again. */
export async function markEmailVerified(db: Queryable, orgId: string, customerId: string): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO customer_preferences (org_id, customer_id, email_invalid_at, email_verified)
    VALUES (${orgId}, ${customerId}, NULL, true)
    ON CONFLICT (org_id, customer_id) DO UPDATE SET email_invalid_at = NULL, email_invalid_reason = NULL,
      email_verified = true, updated_at = now()`);
}
