import type { Db } from '../../db/pool.js';
import { eraseCustomer as erase } from '../../db/platform/privacy.js';
import { audited, type CommandActor } from '../audited.js';

/** Anonymises a customer (right to erasure); false when the organisation has no such customer. */
export async function eraseCustomer(db: Db, orgId: string, id: string, by: CommandActor): Promise<boolean> {
  const erased = await audited(
    db,
    orgId,
    by,
    async (t) => ((await erase(t, orgId, id)) ? id : null),
    () => ({
      action: 'customer.erased',
      resourceType: 'customer',
      resourceId: id,
      after: {
        anonymised: ['name', 'email', 'phone', 'date_of_birth', 'national_id', 'address', 'messages'],
      },
    }),
  );
  return erased !== null;
}
