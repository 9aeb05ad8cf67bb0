import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

/** The types of a bond's required documents that are not signed yet. */
export function unsignedRequiredDocuments(
  db: Queryable,
  orgId: string,
  bondId: string,
): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ type: z.string() }))`
    SELECT type FROM documents
    WHERE org_id = ${orgId} AND bond_id = ${bondId} AND required AND status <> 'signed'
    ORDER BY type`);
}
