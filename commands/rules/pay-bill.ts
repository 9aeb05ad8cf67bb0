import * as bills from '../../db/rules/bills.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { notifyBillReminder } from '../../temporal/clients/rules.js';
import type { BillDeps } from './create-bill.js';

/** The occurrence now due is paid: its reminder stops and plans the next one. An inactive bill is a conflict. */
export async function payBill(deps: BillDeps, orgId: string, id: string): Promise<bills.BillRow> {
  const row = await bills.markPaid(deps.db, orgId, id);
  if (!row) {
    if (await bills.getBill(deps.db, orgId, id)) throw new ConflictError('The bill is not active');
    throw new NotFoundError('bill');
  }
  await notifyBillReminder(deps.temporal, row, 'paid', { prefix: deps.taskQueuePrefix });
  return row;
}
