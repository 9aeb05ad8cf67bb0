import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const bailSettingsRow = z.object({
  forfeiture_grace_days: z.number().int(),
  updated_at: z.string().nullable(),
});
export type BailSettingsRow = z.infer<typeof bailSettingsRow>;

/** The agency's bail defaults: the stored row, or the defaults (90 days) when none was set. */
export async function getBailSettings(db: Queryable, orgId: string): Promise<BailSettingsRow> {
  return (
    (await db.maybeOne(sql.type(bailSettingsRow)`
      SELECT forfeiture_grace_days, updated_at FROM bail_settings WHERE org_id = ${orgId}`)) ?? {
      forfeiture_grace_days: 90,
      updated_at: null,
    }
  );
}

export function putBailSettings(
  db: Queryable,
  orgId: string,
  s: { forfeiture_grace_days: number },
): Promise<BailSettingsRow> {
  return db.one(sql.type(bailSettingsRow)`
    INSERT INTO bail_settings (org_id, forfeiture_grace_days) VALUES (${orgId}, ${s.forfeiture_grace_days})
    ON CONFLICT (org_id) DO UPDATE SET forfeiture_grace_days = excluded.forfeiture_grace_days, updated_at = now()
    RETURNING forfeiture_grace_days, updated_at`);
}
