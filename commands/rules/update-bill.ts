import * as bills from '../../db/rules/bills.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { notifyBillReminder } from '../../temporal/clients/rules.js';
import { checkBillAccount, type BillDeps } from './create-bill.js';

/** Changes a bill; its reminder re-plans. A new due date brings a finished bill back. */
export async function updateBill(
  deps: BillDeps,
  orgId: string,
  id: string,
  patch: Partial<Omit<bills.BillInput, 'customer_id'>>,
): Promise<bills.BillRow> {
  const current = await bills.getBill(deps.db, orgId, id);
  if (!current) throw new NotFoundError('bill');
  await checkBillAccount(deps.db, orgId, current.customer_id, patch.account_id);
  const row = await bills.updateBill(deps.db, orgId, id, {
    ...patch,
    ...(patch.next_due_date && { status: 'active' as const }),
  });
  if (!row) throw new NotFoundError('bill');
  if (row.status === 'active')
    await notifyBillReminder(deps.temporal, row, 'updated', { prefix: deps.taskQueuePrefix });
  return row;
}
