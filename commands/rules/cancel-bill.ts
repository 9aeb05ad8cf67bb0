import * as bills from '../../db/rules/bills.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { cancelBillReminder } from '../../temporal/clients/rules.js';
import type { BillDeps } from './create-bill.js';

/** Cancels a bill (kept, for its history) and ends its reminder. */
export async function cancelBill(deps: BillDeps, orgId: string, id: string): Promise<void> {
  const row = await bills.updateBill(deps.db, orgId, id, { status: 'cancelled' });
  if (!row) throw new NotFoundError('bill');
  await cancelBillReminder(deps.temporal, id);
}
