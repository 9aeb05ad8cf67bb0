import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter, type KeyColumn } from '../keyset.js';
import type { Queryable } from '../pool.js';

const location = z.object({ lat: z.number(), lon: z.number() }).passthrough();

export const transactionRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  account_id: z.string().uuid().nullable(),
  card_id: z.string().uuid().nullable(),
  external_id: z.string(),
  amount: z.string(),
  currency: z.string(),
  transaction_type: z.string(),
  merchant_name: z.string().nullable(),
  merchant_category: z.string().nullable(),
  channel: z.enum(['card_present', 'card_not_present', 'atm', 'transfer']),
  transaction_date: z.string(),
  settlement_date: z.string().nullable(),
  status: z.enum(['pending', 'completed', 'failed', 'reversed']),
  risk_score: z.string().nullable(),
  risk_level: z.enum(['low', 'medium', 'high']).nullable(),
  location: location.nullable(),
  metadata: z.record(z.unknown()),
  created_at: z.string(),
});
export type TransactionRow = z.infer<typeof transactionRow>;

const columns = sql.fragment`id, org_id, customer_id, account_id, card_id, external_id, amount, currency,
  transaction_type, merchant_name, merchant_category, channel, transaction_date, settlement_date, status,
  risk_score, risk_level, location, metadata, created_at`;

export type TransactionInput = {
  external_id: string;
  customer_id: string;
  account_id?: string | null | undefined;
  card_id?: string | null | undefined;
  amount: string;
  currency: string;
  transaction_type: string;
  merchant_name?: string | null | undefined;
  merchant_category?: string | null | undefined;
  channel: TransactionRow['channel'];
  transaction_date: string;
  settlement_date?: string | null | undefined;
  status: TransactionRow['status'];
  location?: { lat: number; lon: number; [k: string]: unknown } | null | undefined;
  metadata?: Record<string, unknown> | undefined;
};

/**
 * Stores a transaction once per (organisation, external_id): the key row is claimed first, so
 * a replayed request finds the transaction it created before.
 */
export async function ingestTransaction(
  db: Queryable,
  orgId: string,
  t: TransactionInput,
): Promise<{ row: TransactionRow; created: boolean }> {
  const claimed = await db.maybeOneFirst(sql.type(z.object({ transaction_id: z.string() }))`
    INSERT INTO transaction_keys (org_id, external_id, transaction_id, transaction_date)
    VALUES (${orgId}, ${t.external_id}, gen_random_uuid(), ${t.transaction_date}::timestamptz)
    ON CONFLICT DO NOTHING RETURNING transaction_id`);
  if (!claimed) {
    const existing = await db.one(sql.type(transactionRow)`
      SELECT ${columns} FROM transactions
      WHERE org_id = ${orgId} AND (id, transaction_date) = (
        SELECT transaction_id, transaction_date FROM transaction_keys WHERE org_id = ${orgId} AND external_id = ${t.external_id})`);
    return { row: existing, created: false };
  }
  const row = await db.one(sql.type(transactionRow)`
    INSERT INTO transactions (id, org_id, customer_id, account_id, card_id, external_id, amount, currency,
      transaction_type, merchant_name, merchant_category, channel, transaction_date, settlement_date, status,
      location, metadata)
    VALUES (${claimed}, ${orgId}, ${t.customer_id}, ${t.account_id ?? null}, ${t.card_id ?? null}, ${t.external_id},
      ${t.amount}::numeric, ${t.currency}, ${t.transaction_type}, ${t.merchant_name ?? null},
      ${t.merchant_category ?? null}, ${t.channel}, ${t.transaction_date}::timestamptz,
      ${t.settlement_date ?? null}::timestamptz, ${t.status},
      ${t.location ? sql.jsonb(t.location as never) : null}, ${sql.jsonb((t.metadata ?? {}) as never)})
    RETURNING ${columns}`);
  return { row, created: true };
}

export function getTransaction(db: Queryable, orgId: string, id: string): Promise<TransactionRow | null> {
  return db.maybeOne(
    sql.type(transactionRow)`SELECT ${columns} FROM transactions WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

export const TRANSACTION_KEY: KeyColumn[] = [
  { column: sql.fragment`transaction_date`, type: 'timestamptz' },
  { column: sql.fragment`id`, type: 'uuid' },
];

export type TransactionFilters = {
  limit: number;
  cursor?: string | undefined;
  customer_id?: string | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  min_amount?: string | undefined;
  max_amount?: string | undefined;
  status?: string | undefined;
  risk_level?: string | undefined;
};

/** Newest first by transaction_date; the date bounds also prune partitions. */
export function listTransactions(
  db: Queryable,
  orgId: string,
  f: TransactionFilters,
): Promise<readonly TransactionRow[]> {
  const where = [sql.fragment`org_id = ${orgId}`, keysetAfter(f.cursor, TRANSACTION_KEY)];
  if (f.customer_id) where.push(sql.fragment`customer_id = ${f.customer_id}`);
  if (f.start_date) where.push(sql.fragment`transaction_date >= ${f.start_date}::timestamptz`);
  if (f.end_date) where.push(sql.fragment`transaction_date <= ${f.end_date}::timestamptz`);
  if (f.min_amount) where.push(sql.fragment`amount >= ${f.min_amount}::numeric`);
  if (f.max_amount) where.push(sql.fragment`amount <= ${f.max_amount}::numeric`);
  if (f.status) where.push(sql.fragment`status = ${f.status}`);
  if (f.risk_level) where.push(sql.fragment`risk_level = ${f.risk_level}`);
  return db.any(sql.type(transactionRow)`
    SELECT ${columns} FROM transactions WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY transaction_date DESC, id DESC LIMIT ${f.limit + 1}`);
}

export async function setRisk(
  db: Queryable,
  orgId: string,
  id: string,
  r: { score: number; level: 'low' | 'medium' | 'high' },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE transactions SET risk_score = ${r.score}, risk_level = ${r.level}
    WHERE org_id = ${orgId} AND id = ${id}`);
}

const historyRow = z.object({
  history_count: z.number(),
  avg_amount: z.string().nullable(),
  stddev_amount: z.string().nullable(),
  recent_count: z.number(),
  merchant_seen: z.boolean(),
  last_location: location.nullable(),
  last_date: z.string().nullable(),
  usual_lat: z.number().nullable(),
  usual_lon: z.number().nullable(),
});
export type CustomerHistory = z.infer<typeof historyRow>;

/** The customer's own history around one transaction, for screening and the fraud agent. */
export function customerHistory(
  db: Queryable,
  tx: TransactionRow,
  w: { historyDays: number; velocityWindowMinutes: number },
): Promise<CustomerHistory> {
  return db.one(sql.type(historyRow)`
    WITH past AS (
      SELECT amount, merchant_name, location, transaction_date FROM transactions
      WHERE org_id = ${tx.org_id} AND customer_id = ${tx.customer_id} AND id <> ${tx.id}
        AND transaction_date >= ${tx.transaction_date}::timestamptz - make_interval(days => ${w.historyDays})
        AND transaction_date <= ${tx.transaction_date}::timestamptz
        AND status IN ('pending', 'completed')
    ), located AS (
      SELECT location, transaction_date FROM past WHERE location ? 'lat' AND location ? 'lon'
    )
    SELECT
      (SELECT count(*)::int FROM past) AS history_count,
      (SELECT avg(amount)::text FROM past) AS avg_amount,
      (SELECT coalesce(stddev_pop(amount), 0)::text FROM past) AS stddev_amount,
      (SELECT count(*)::int + 1 FROM past
        WHERE transaction_date >= ${tx.transaction_date}::timestamptz - make_interval(mins => ${w.velocityWindowMinutes})) AS recent_count,
      EXISTS (SELECT 1 FROM past WHERE merchant_name IS NOT DISTINCT FROM ${tx.merchant_name}) AS merchant_seen,
      (SELECT location FROM located ORDER BY transaction_date DESC LIMIT 1) AS last_location,
      (SELECT transaction_date FROM located ORDER BY transaction_date DESC LIMIT 1) AS last_date,
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (location->>'lat')::float8) FROM located) AS usual_lat,
      (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (location->>'lon')::float8) FROM located) AS usual_lon`);
}
