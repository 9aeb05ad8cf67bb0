import type { Client } from '@temporalio/client';
import { getCustomer } from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as bills from '../../db/rules/bills.js';
import { ownedByCustomer } from '../../db/rules/targets.js';
import { notifyBillReminder } from '../../temporal/clients/rules.js';
import { InvalidReferenceError } from '../../lib/domain-errors.js';

export type BillDeps = { db: Db; temporal: Client; taskQueuePrefix?: string | undefined };

/** A bill's account, when given, must be the customer's own. */
export async function checkBillAccount(db: Db, orgId: string, customerId: string, accountId?: string | null) {
  if (accountId && !(await ownedByCustomer(db, orgId, 'accounts', accountId, customerId)))
    throw new InvalidReferenceError('body.account_id', 'no such account for this customer');
}

/**
 * Creates a bill and starts its reminder workflow (`bill-<billId>`). No bill without its
 * reminder: when Temporal cannot take the start, the row is removed and the error thrown, so the
 * client retries the whole request.
 */
export async function createBill(deps: BillDeps, orgId: string, b: bills.BillInput): Promise<bills.BillRow> {
  if (!(await getCustomer(deps.db, orgId, b.customer_id)))
    throw new InvalidReferenceError('body.customer_id', 'no such customer');
  await checkBillAccount(deps.db, orgId, b.customer_id, b.account_id);
  const row = await bills.createBill(deps.db, orgId, b);
  try {
    await notifyBillReminder(deps.temporal, row, 'created', { prefix: deps.taskQueuePrefix });
  } catch (err) {
    await bills.deleteBill(deps.db, orgId, row.id);
    throw err;
  }
  return row;
}
