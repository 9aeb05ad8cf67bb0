import * as settings from '../../db/bail/settings.js';
import type { Db } from '../../db/pool.js';
import { audit, type CommandActor } from '../audited.js';

/**
 * Sets the agency's bail defaults. The grace period applies to failures to appear raised from
 * now on (one already running keeps the end it was given); a bond's own grace days win.
 */
export function updateBailSettings(
  db: Db,
  orgId: string,
  input: { forfeiture_grace_days: number },
  by: CommandActor,
): Promise<settings.BailSettingsRow> {
  return db.transaction(async (t) => {
    const before = await settings.getBailSettings(t, orgId);
    const row = await settings.putBailSettings(t, orgId, input);
    await audit(t, orgId, by, {
      action: 'bail.settings.updated',
      resourceType: 'bail_settings',
      resourceId: null,
      before: { forfeiture_grace_days: before.forfeiture_grace_days },
      after: { forfeiture_grace_days: row.forfeiture_grace_days },
    });
    return row;
  });
}
