import * as customers from '../../db/customers/customers.js';
import type { Db } from '../../db/pool.js';
import * as accounts from '../../db/triage/accounts.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audited, type CommandActor } from '../audited.js';

/** Opens an account for a customer of the organisation. */
export async function openAccount(
  db: Db,
  orgId: string,
  a: {
    customer_id: string;
    account_type: accounts.AccountRow['account_type'];
    currency: string;
    balance: string;
  },
  by: CommandActor,
): Promise<accounts.AccountRow> {
  return (await audited(
    db,
    orgId,
    by,
    async (t) => {
      if (!(await customers.getCustomer(t, orgId, a.customer_id))) throw new NotFoundError('customer');
      return accounts.insertAccount(t, orgId, a);
    },
    (row) => ({ action: 'account.created', resourceType: 'account', resourceId: row.id }),
  ))!;
}
