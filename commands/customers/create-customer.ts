import { UniqueIntegrityConstraintViolationError } from 'slonik';
import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import { ConflictError } from '../../lib/domain-errors.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { audited, type CommandActor } from '../audited.js';

/** Registers a customer; its external id is unique in the organisation. */
export async function createCustomer(
  db: Db,
  cipher: FieldCipher,
  orgId: string,
  input: customers.CustomerInput,
  by: CommandActor,
): Promise<customers.CustomerRow> {
  try {
    return (await audited(
      db,
      orgId,
      by,
      (t) => customers.insertCustomer(t, orgId, input, cipher),
      (row) => ({ action: 'customer.created', resourceType: 'customer', resourceId: row.id }),
    ))!;
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError)
      throw new ConflictError('A customer with this external_id already exists');
    throw err;
  }
}
