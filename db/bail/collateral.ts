import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const collateralRow = z.object({
  id: z.string().uuid(),
  bond_id: z.string().uuid(),
  type: z.string(),
  description: z.string(),
  estimated_value: z.string(),
  details: z.record(z.unknown()),
  status: z.enum(['held', 'returned', 'forfeited']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CollateralRow = z.infer<typeof collateralRow>;

const columns = sql.fragment`id, bond_id, type, description, estimated_value::text, details, status, created_at, updated_at`;

export function insertCollateral(
  db: Queryable,
  orgId: string,
  bondId: string,
  c: {
    type: string;
    description: string;
    estimated_value: string;
    details?: Record<string, unknown> | undefined;
  },
): Promise<CollateralRow> {
  return db.one(sql.type(collateralRow)`
    INSERT INTO collateral (org_id, bond_id, type, description, estimated_value, details)
    VALUES (${orgId}, ${bondId}, ${c.type}, ${c.description}, ${c.estimated_value}, ${sql.jsonb((c.details ?? {}) as never)})
    RETURNING ${columns}`);
}

export function listCollateral(
  db: Queryable,
  orgId: string,
  bondId: string,
): Promise<readonly CollateralRow[]> {
  return db.any(sql.type(collateralRow)`
    SELECT ${columns} FROM collateral WHERE org_id = ${orgId} AND bond_id = ${bondId} ORDER BY created_at, id`);
}

/** Held collateral of a bond moves with the bond's end: returned on exoneration, forfeited with it. */
export function settleCollateral(
  db: Queryable,
  orgId: string,
  bondId: string,
  to: 'returned' | 'forfeited',
): Promise<readonly CollateralRow[]> {
  return db.any(sql.type(collateralRow)`
    UPDATE collateral SET status = ${to}, updated_at = now()
    WHERE org_id = ${orgId} AND bond_id = ${bondId} AND status = 'held' RETURNING ${columns}`);
}
