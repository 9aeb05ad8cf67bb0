import { randomUUID } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import * as appearances from '../../db/bail/appearances.js';
import * as bonds from '../../db/bail/bonds.js';
import { getBailClient } from '../../db/bail/clients.js';
import { insertCustomer } from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, InvalidReferenceError } from '../../lib/domain-errors.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { courtRemindersStart } from './court-start.js';

export type NewIndemnitor = {
  first_name: string;
  last_name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  relationship: string;
  liability_amount?: string | null | undefined;
};

/**
 * Writes a bond (pending) for a client with its charges, indemnitors (each becomes a customer, so
 * reminders reach them) and court dates, in one transaction with the audit row and a
 * `bond.created` event; with a court date, the reminder workflow is owed from the commit.
 */
export async function createBond(
  db: Db,
  cipher: FieldCipher,
  orgId: string,
  input: bonds.NewBond & { indemnitors: NewIndemnitor[]; appearances: appearances.NewAppearance[] },
  by: CommandActor,
): Promise<{ bond: bonds.BondRow; starts: PendingStart[] }> {
  const { indemnitors, appearances: dates, ...bond } = input;
  try {
    return await db.transaction(async (t) => {
      if (!(await getBailClient(t, orgId, bond.client_id)))
        throw new InvalidReferenceError('body.client_id', 'is not a client of this agency');
      const row = await bonds.insertBond(t, orgId, bond, by.type === 'user' ? by.id : null);
      const people = [];
      for (const i of indemnitors) {
        const c = await insertCustomer(
          t,
          orgId,
          {
            external_id: `indemnitor-${randomUUID()}`,
            first_name: i.first_name,
            last_name: i.last_name,
            email: i.email ?? null,
            phone: i.phone ?? null,
          },
          cipher,
        );
        people.push({
          customer_id: c.id,
          relationship: i.relationship,
          liability_amount: i.liability_amount ?? null,
        });
      }
      await bonds.insertIndemnitors(t, orgId, row.id, people);
      const added = await appearances.insertAppearances(t, orgId, row.id, dates);
      await audit(t, orgId, by, {
        action: 'bail.bond.created',
        resourceType: 'bond',
        resourceId: row.id,
        after: { bond_number: row.bond_number, amount: row.amount, appearances: added.length },
      });
      await bailEvent(t, orgId, 'bond.created', { bond_id: row.id, status: row.status });
      const starts = added.length ? [courtRemindersStart(orgId, row)] : [];
      await requeueStarts(t, starts);
      return { bond: row, starts };
    });
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError)
      throw new ConflictError('A bond with this bond_number already exists');
    throw err;
  }
}
