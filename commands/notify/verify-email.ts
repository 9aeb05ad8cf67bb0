import { getCustomer } from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as preferences from '../../db/notify/preferences.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';

/** Marks a customer's email address as verified (email is sent only to verified addresses). */
export async function verifyEmail(
  db: Db,
  orgId: string,
  customerId: string,
  by: CommandActor,
): Promise<void> {
  await db.transaction(async (t) => {
    if (!(await getCustomer(t, orgId, customerId))) throw new NotFoundError('customer');
    await preferences.markEmailVerified(t, orgId, customerId);
    await audit(t, orgId, by, {
      action: 'preferences.email_verified',
      resourceType: 'customer',
      resourceId: customerId,
    });
  });
}
