import { getCustomer } from '../../db/customers/customers.js';
import type { Queryable } from '../../db/pool.js';
import { InvalidReferenceError } from '../../lib/domain-errors.js';

/** A body's customer_id must name a customer of the caller's organisation (400 with the field path). */
export async function checkCustomerReference(
  db: Queryable,
  orgId: string,
  customerId: string,
  field = 'body.customer_id',
) {
  if (!(await getCustomer(db, orgId, customerId))) throw new InvalidReferenceError(field, 'no such customer');
}
