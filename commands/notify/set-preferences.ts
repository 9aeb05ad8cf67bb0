import { getCustomer } from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as preferences from '../../db/notify/preferences.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';

/** Changes what a customer receives, and when; the audit keeps which fields changed. */
export async function setPreferences(
  db: Db,
  orgId: string,
  customerId: string,
  change: preferences.PreferencesInput,
  by: CommandActor,
): Promise<void> {
  await db.transaction(async (t) => {
    if (!(await getCustomer(t, orgId, customerId))) throw new NotFoundError('customer');
    await preferences.putPreferences(t, orgId, customerId, change);
    await audit(t, orgId, by, {
      action: 'preferences.updated',
      resourceType: 'customer',
      resourceId: customerId,
      after: { fields: Object.keys(change) },
    });
  });
}
