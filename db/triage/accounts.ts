import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';
import { POSTING_STATUSES } from '../../workflows/triage/ledger.js';

export const accountRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  account_type: z.enum(['checking', 'savings', 'credit']),
  currency: z.string(),
  balance: z.string(),
  balance_updated_at: z.string().nullable(),
  status: z.enum(['active', 'closed']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AccountRow = z.infer<typeof accountRow>;

const columns = sql.fragment`id, org_id, customer_id, account_type, currency, balance, balance_updated_at, status,
  created_at, updated_at`;

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

/**
 * Moves balances by posted transactions in one statement: credits (deposits, refunds,
 * reversals…) add, everything else subtracts, both by the absolute amount; failed and reversed
 * transactions move nothing. Returns the accounts that moved.
 */
export async function postToBalances(
  db: Queryable,
  orgId: string,
  txs: readonly { account_id: string | null; amount: string; transaction_type: string; status: string }[],
  creditTypes: readonly string[],
): Promise<string[]> {
  const posted = txs
    .filter((t) => t.account_id && (POSTING_STATUSES as readonly string[]).includes(t.status))
    .map((t) => ({
      account_id: t.account_id,
      amount: t.amount,
      credit: creditTypes.includes(t.transaction_type),
    }));
  if (!posted.length) return [];
  return [
    ...(await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      UPDATE accounts a SET balance = a.balance + d.delta, balance_updated_at = now(), updated_at = now()
      FROM (
        SELECT account_id, sum(CASE WHEN credit THEN abs(amount) ELSE -abs(amount) END) AS delta
        FROM jsonb_to_recordset(${sql.jsonb(posted as never)}) AS p(account_id uuid, amount numeric, credit boolean)
        GROUP BY account_id
      ) d
      WHERE a.org_id = ${orgId} AND a.id = d.account_id
      RETURNING a.id`)),
  ];
}

/** Sets a balance from the core-banking system of record; null when there is no such account. */
export function setBalance(
  db: Queryable,
  orgId: string,
  id: string,
  balance: string,
): Promise<AccountRow | null> {
  return db.maybeOne(sql.type(accountRow)`
    UPDATE accounts SET balance = ${balance}::numeric, balance_updated_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/** The accounts and cards an ingest names, with their owners (and a card's account), in one query. */
export function ownersOf(
  db: Queryable,
  orgId: string,
  ids: { customers: readonly string[]; accounts: readonly string[]; cards: readonly string[] },
) {
  return db.any(sql.type(
    z.object({
      kind: z.enum(['customer', 'account', 'card']),
      id: z.string(),
      customer_id: z.string(),
      account_id: z.string().nullable(),
      currency: z.string().nullable(),
    }),
  )`
    SELECT 'customer' AS kind, id, id AS customer_id, NULL::uuid AS account_id, NULL AS currency
    FROM customers WHERE org_id = ${orgId} AND id = ANY(${sql.array([...ids.customers], 'uuid')})
    UNION ALL
    SELECT 'account', id, customer_id, id, currency
    FROM accounts WHERE org_id = ${orgId} AND id = ANY(${sql.array([...ids.accounts], 'uuid')})
    UNION ALL
    SELECT 'card', k.id, k.customer_id, k.account_id, a.currency
    FROM cards k LEFT JOIN accounts a ON a.org_id = k.org_id AND a.id = k.account_id
    WHERE k.org_id = ${orgId} AND k.id = ANY(${sql.array([...ids.cards], 'uuid')})`);
}

/** A customer's accounts, newest first (keyset). */
export function listCustomerAccounts(
  db: Queryable,
  orgId: string,
  customerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<readonly AccountRow[]> {
  return db.any(sql.type(accountRow)`
    SELECT ${columns} FROM accounts
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND ${keysetAfter(page.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${page.limit + 1}`);
}

export function countCustomerAccounts(db: Queryable, orgId: string, customerId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM accounts WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
}
