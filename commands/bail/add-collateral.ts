import * as bonds from '../../db/bail/bonds.js';
import * as collateral from '../../db/bail/collateral.js';
import type { Db } from '../../db/pool.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { isOpen } from '../../workflows/bail/bond-status.js';
import { audit, type CommandActor } from '../audited.js';

/** Records collateral the agency holds against an open bond. */
export function addCollateral(
  db: Db,
  orgId: string,
  bondId: string,
  input: Parameters<typeof collateral.insertCollateral>[3],
  by: CommandActor,
): Promise<collateral.CollateralRow> {
  return db.transaction(async (t) => {
    const bond = await bonds.lockBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    if (!isOpen(bond.status)) throw new ConflictError(`The bond is ${bond.status}`);
    const row = await collateral.insertCollateral(t, orgId, bondId, input);
    await audit(t, orgId, by, {
      action: 'bail.collateral.added',
      resourceType: 'collateral',
      resourceId: row.id,
      after: { bond_id: bondId, type: row.type, estimated_value: row.estimated_value },
    });
    return row;
  });
}
