import { sql } from 'slonik';
import type { Queryable } from '../pool.js';

/** What an alert rule (or a bill) may point at: rows that belong to one customer. */
export type TargetTable = 'accounts' | 'goals' | 'budgets' | 'bills';

/** Whether row `id` of `table` is the customer's own, in the organisation. */
export function ownedByCustomer(
  db: Queryable,
  orgId: string,
  table: TargetTable,
  id: string,
  customerId: string,
): Promise<boolean> {
  return db.exists(sql.unsafe`
    SELECT 1 FROM ${sql.identifier([table])}
    WHERE org_id = ${orgId} AND id = ${id} AND customer_id = ${customerId}`);
}

/** Deletes a goal or budget; the rules pointing at it are deleted with it (soft, history kept). */
export async function deleteWithRules(
  t: Queryable,
  orgId: string,
  target: { table: 'goals'; column: 'goal_id' } | { table: 'budgets'; column: 'budget_id' },
  id: string,
): Promise<boolean> {
  await t.query(sql.unsafe`
    UPDATE alert_rules SET deleted_at = coalesce(deleted_at, now()), active = false,
      ${sql.identifier([target.column])} = NULL, updated_at = now()
    WHERE org_id = ${orgId} AND ${sql.identifier([target.column])} = ${id}`);
  const r = await t.query(
    sql.unsafe`DELETE FROM ${sql.identifier([target.table])} WHERE org_id = ${orgId} AND id = ${id}`,
  );
  return r.rowCount === 1;
}
