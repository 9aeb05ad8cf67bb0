import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const accountRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  account_type: z.enum(['checking', 'savings', 'credit']),
  currency: z.string(),
  balance: z.string(),
  status: z.enum(['active', 'closed']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AccountRow = z.infer<typeof accountRow>;

const columns = sql.fragment`id, org_id, customer_id, account_type, currency, balance, status, created_at, updated_at`;

export function insertAccount(
  db: Queryable,
  orgId: string,
  a: { customer_id: string; account_type: AccountRow['account_type']; currency: string; balance: string },
): Promise<AccountRow> {
  return db.one(sql.type(accountRow)`
    INSERT INTO accounts (org_id, customer_id, account_type, currency, balance)
    VALUES (${orgId}, ${a.customer_id}, ${a.account_type}, ${a.currency}, ${a.balance}::numeric)
    RETURNING ${columns}`);
}

export function getAccount(db: Queryable, orgId: string, id: string): Promise<AccountRow | null> {
  return db.maybeOne(
    sql.type(accountRow)`SELECT ${columns} FROM accounts WHERE org_id = ${orgId} AND id = ${id}`,
  );
}
