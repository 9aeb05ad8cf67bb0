import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { audit, type CommandActor } from '../audited.js';

/** Changes a customer's profile; the audit keeps which fields changed, not their (personal) values. */
export function updateCustomer(
  db: Db,
  cipher: FieldCipher,
  orgId: string,
  id: string,
  patch: Partial<Omit<customers.CustomerInput, 'external_id'>>,
  by: CommandActor,
): Promise<customers.CustomerRow | null> {
  return db.transaction(async (t) => {
    const before = await customers.getCustomer(t, orgId, id);
    if (!before) return null;
    const row = await customers.updateCustomer(t, orgId, id, patch, cipher);
    if (!row) return null;
    await audit(t, orgId, by, {
      action: 'customer.updated',
      resourceType: 'customer',
      resourceId: id,
      before: { kyc_status: before.kyc_status, risk_profile: before.risk_profile },
      after: { fields: Object.keys(patch) },
    });
    return row;
  });
}
