import * as bonds from '../../db/bail/bonds.js';
import * as payments from '../../db/bail/payments.js';
import type { Db } from '../../db/pool.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';

/**
 * Records a payment taken by hand (cash, check, bank transfer, a card on a terminal), once per
 * key: a retry with the same key returns the first payment.
 */
export async function recordPayment(
  db: Db,
  orgId: string,
  bondId: string,
  input: { amount: string; method: payments.PaymentRow['method']; reference: string | null; key: string },
  by: CommandActor,
): Promise<{ row: payments.PaymentRow; created: boolean }> {
  return db.transaction(async (t) => {
    const bond = await bonds.getBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    const r = await payments.insertManualPayment(t, orgId, {
      bondId,
      clientId: bond.client_id,
      amount: input.amount,
      currency: bond.currency,
      method: input.method,
      reference: input.reference,
      key: input.key,
      recordedBy: by.type === 'user' ? by.id : null,
    });
    if (r.created) {
      await audit(t, orgId, by, {
        action: 'bail.payment.recorded',
        resourceType: 'payment',
        resourceId: r.row.id,
        after: { bond_id: bondId, amount: r.row.amount, method: r.row.method },
      });
      await bailEvent(t, orgId, 'payment.completed', {
        bond_id: bondId,
        payment_id: r.row.id,
        amount: r.row.amount,
      });
    }
    return r;
  });
}
