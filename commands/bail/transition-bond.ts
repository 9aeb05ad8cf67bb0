import * as bonds from '../../db/bail/bonds.js';
import { settleCollateral } from '../../db/bail/collateral.js';
import { unsignedRequiredDocuments } from '../../db/bail/documents.js';
import { firstInstallmentPaid } from '../../db/bail/payment-plans.js';
import { paidTotal } from '../../db/bail/payments.js';
import type { Db } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../lib/domain-errors.js';
import { canTransition, type BondStatus } from '../../workflows/bail/bond-status.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { courtRemindersStart } from './court-start.js';

/**
 * Moves a bond's status through canTransition. Posting (active) needs its required documents
 * signed and its premium (or a plan's first installment) paid; exoneration (completed) returns its collateral; a forfeiture by
 * hand forfeits it. Closing tells the court-reminder run to end.
 */
export async function transitionBond(
  db: Db,
  orgId: string,
  bondId: string,
  to: BondStatus,
  by: CommandActor,
  reason: string | null = null,
): Promise<{ bond: bonds.BondRow; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const bond = await bonds.lockBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    if (!canTransition(bond.status, to)) throw new ConflictError(`A ${bond.status} bond cannot become ${to}`);
    if (to === 'active') {
      const missing: string[] = [];
      const unsigned = await unsignedRequiredDocuments(t, orgId, bondId);
      if (unsigned.length) missing.push(`documents not signed: ${unsigned.join(', ')}`);
      // The premium paid, or on a plan whose first installment is paid.
      const paid = await paidTotal(t, orgId, bondId);
      if (Number(paid) < Number(bond.premium) && !(await firstInstallmentPaid(t, orgId, bondId)))
        missing.push(
          `premium ${bond.premium} not paid (paid ${paid}; no plan with its first installment paid)`,
        );
      if (missing.length)
        throw new UnprocessableError(`The bond cannot be posted yet: ${missing.join('; ')}`);
    }
    const row = await bonds.setBondStatus(t, orgId, bondId, to);
    if (to === 'completed' || to === 'cancelled') await settleCollateral(t, orgId, bondId, 'returned');
    if (to === 'forfeited') await settleCollateral(t, orgId, bondId, 'forfeited');
    await audit(t, orgId, by, {
      action: 'bail.bond.status_changed',
      resourceType: 'bond',
      resourceId: bondId,
      before: { status: bond.status },
      after: { status: to, reason },
    });
    await bailEvent(t, orgId, 'bond.status_changed', { bond_id: bondId, from: bond.status, to });
    const starts = to === 'active' ? [] : [courtRemindersStart(orgId, row, { type: 'closed' })];
    await requeueStarts(t, starts);
    return { bond: row, starts };
  });
}
