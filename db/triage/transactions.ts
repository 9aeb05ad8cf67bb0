import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter, type KeyColumn } from '../keyset.js';
import type { Queryable } from '../pool.js';
import { POSTING_STATUSES } from '../../workflows/triage/ledger.js';

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
  /** The alert this transaction raised or joined, set by screening at ingest. */
  alert_id: z.string().uuid().nullable(),
  location: location.nullable(),
  metadata: z.record(z.unknown()),
  created_at: z.string(),
});
export type TransactionRow = z.infer<typeof transactionRow>;

const columns = sql.fragment`id, org_id, customer_id, account_id, card_id, external_id, amount, currency,
  transaction_type, merchant_name, merchant_category, channel, transaction_date, settlement_date, status,
  risk_score, risk_level, alert_id, location, metadata, created_at`;

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
 * Claims each external id once per organisation (the key rows are written first, so a replayed
 * request finds the transactions it created before). Returns the new ids of the claimed ones;
 * an external id missing from the map was ingested before.
 */
export async function claimTransactionKeys(
  db: Queryable,
  orgId: string,
  items: readonly { external_id: string; transaction_date: string }[],
): Promise<Map<string, string>> {
  const rows = await db.any(sql.type(z.object({ external_id: z.string(), transaction_id: z.string() }))`
    INSERT INTO transaction_keys (org_id, external_id, transaction_id, transaction_date)
    SELECT ${orgId}, external_id, gen_random_uuid(), transaction_date
    FROM jsonb_to_recordset(${sql.jsonb(items.map((t) => ({ external_id: t.external_id, transaction_date: t.transaction_date })) as never)})
      AS k(external_id text, transaction_date timestamptz)
    ON CONFLICT DO NOTHING RETURNING external_id, transaction_id`);
  return new Map(rows.map((r) => [r.external_id, r.transaction_id]));
}

/** The transactions ingested before under these external ids. */
export function transactionsByExternalIds(
  db: Queryable,
  orgId: string,
  externalIds: readonly string[],
): Promise<readonly TransactionRow[]> {
  if (!externalIds.length) return Promise.resolve([]);
  return db.any(sql.type(transactionRow)`
    SELECT ${columns} FROM transactions
    WHERE org_id = ${orgId} AND (id, transaction_date) IN (
      SELECT transaction_id, transaction_date FROM transaction_keys
      WHERE org_id = ${orgId} AND external_id = ANY(${sql.array([...externalIds], 'text')}))`);
}

/** Inserts claimed transactions (ids from claimTransactionKeys) in one statement. */
export function insertTransactions(
  db: Queryable,
  orgId: string,
  items: readonly (TransactionInput & { id: string })[],
): Promise<readonly TransactionRow[]> {
  const rows = items.map((t) => ({
    id: t.id,
    customer_id: t.customer_id,
    account_id: t.account_id ?? null,
    card_id: t.card_id ?? null,
    external_id: t.external_id,
    amount: t.amount,
    currency: t.currency,
    transaction_type: t.transaction_type,
    merchant_name: t.merchant_name ?? null,
    merchant_category: t.merchant_category ?? null,
    channel: t.channel,
    transaction_date: t.transaction_date,
    settlement_date: t.settlement_date ?? null,
    status: t.status,
    location: t.location ?? null,
    metadata: t.metadata ?? {},
  }));
  return db.any(sql.type(transactionRow)`
    INSERT INTO transactions (id, org_id, customer_id, account_id, card_id, external_id, amount, currency,
      transaction_type, merchant_name, merchant_category, channel, transaction_date, settlement_date, status,
      location, metadata)
    SELECT id, ${orgId}, customer_id, account_id, card_id, external_id, amount, currency, transaction_type,
      merchant_name, merchant_category, channel, transaction_date, settlement_date, status, location, metadata
    FROM jsonb_to_recordset(${sql.jsonb(rows as never)}) AS t(id uuid, customer_id uuid, account_id uuid,
      card_id uuid, external_id text, amount numeric, currency text, transaction_type text, merchant_name text,
      merchant_category text, channel text, transaction_date timestamptz, settlement_date timestamptz,
      status text, location jsonb, metadata jsonb)
    RETURNING ${columns}`);
}

/** Writes each screened transaction's risk and alert in one statement. */
export async function setScreeningResults(
  db: Queryable,
  orgId: string,
  results: readonly {
    id: string;
    transaction_date: string;
    risk_score: number;
    risk_level: 'low' | 'medium' | 'high';
    alert_id: string | null;
  }[],
): Promise<void> {
  if (!results.length) return;
  await db.query(sql.unsafe`
    UPDATE transactions t SET risk_score = r.risk_score, risk_level = r.risk_level, alert_id = r.alert_id
    FROM jsonb_to_recordset(${sql.jsonb(results as never)})
      AS r(id uuid, transaction_date timestamptz, risk_score numeric, risk_level text, alert_id uuid)
    WHERE t.org_id = ${orgId} AND t.id = r.id AND t.transaction_date = r.transaction_date`);
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
  /** The transactions an alert grouped (a burst is one alert). */
  alert_id?: string | undefined;
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
  if (f.alert_id) where.push(sql.fragment`alert_id = ${f.alert_id}`);
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
  id: z.string(),
  /** The transaction's day in the customer's time zone, for the rules. */
  local_day: z.string(),
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

/**
 * Each transaction's customer history, for screening and the fraud agent, in one query for a
 * whole batch: one scan of the batch's customers' transactions over the history window, then
 * window functions per customer ordered by date (frames of the history and velocity windows that
 * exclude the transaction itself). Transactions of the same batch see each other, so a burst
 * posted at once counts as one. The usual location is the median of each customer's located
 * history outside the batch.
 */
export function customerHistories(
  db: Queryable,
  orgId: string,
  txs: readonly Pick<TransactionRow, 'id' | 'customer_id' | 'transaction_date'>[],
  w: { historyDays: number; velocityWindowMinutes: number },
): Promise<readonly CustomerHistory[]> {
  if (!txs.length) return Promise.resolve([]);
  const batch = txs.map((t) => ({
    id: t.id,
    customer_id: t.customer_id,
    transaction_date: t.transaction_date,
  }));
  return db.any(sql.type(historyRow)`
    WITH batch AS MATERIALIZED (
      SELECT b.id, b.customer_id, to_char(b.transaction_date AT TIME ZONE c.timezone, 'YYYY-MM-DD') AS local_day
      FROM jsonb_to_recordset(${sql.jsonb(batch as never)}) AS b(id uuid, customer_id uuid, transaction_date timestamptz)
      JOIN customers c ON c.org_id = ${orgId} AND c.id = b.customer_id
    ), span AS (
      SELECT min(b.transaction_date) - make_interval(days => ${w.historyDays}) AS lo, max(b.transaction_date) AS hi,
        (SELECT array_agg(DISTINCT customer_id) FROM batch) AS customers, array_agg(b.id) AS ids
      FROM jsonb_to_recordset(${sql.jsonb(batch as never)}) AS b(id uuid, transaction_date timestamptz)
    ), hist AS MATERIALIZED (
      SELECT p.id, p.customer_id, p.transaction_date, p.amount, p.merchant_name, p.location,
        p.status = ANY(${sql.array([...POSTING_STATUSES], 'text')}) AS ok, (p.location ? 'lat' AND p.location ? 'lon') AS located,
        p.id = ANY(span.ids) AS in_batch
      FROM transactions p, span
      WHERE p.org_id = ${orgId} AND p.customer_id = ANY(span.customers)
        AND p.transaction_date >= span.lo AND p.transaction_date <= span.hi
    ), windowed AS MATERIALIZED (
      SELECT h.id,
        count(*) FILTER (WHERE ok) OVER past AS history_count,
        avg(amount) FILTER (WHERE ok) OVER past AS avg_amount,
        stddev_pop(amount) FILTER (WHERE ok) OVER past AS stddev_amount,
        count(*) FILTER (WHERE ok) OVER recent AS recent_before,
        count(*) FILTER (WHERE ok) OVER same_merchant AS merchant_before,
        array_agg(location) FILTER (WHERE ok AND located) OVER past AS locations,
        array_agg(transaction_date) FILTER (WHERE ok AND located) OVER past AS located_dates
      FROM hist h
      WINDOW past AS (PARTITION BY customer_id ORDER BY transaction_date
          RANGE BETWEEN make_interval(days => ${w.historyDays}) PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW),
        recent AS (PARTITION BY customer_id ORDER BY transaction_date
          RANGE BETWEEN make_interval(mins => ${w.velocityWindowMinutes}) PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW),
        same_merchant AS (PARTITION BY customer_id, merchant_name ORDER BY transaction_date
          RANGE BETWEEN make_interval(days => ${w.historyDays}) PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW)
    ), usual AS MATERIALIZED (
      SELECT customer_id,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY (location->>'lat')::float8) AS usual_lat,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY (location->>'lon')::float8) AS usual_lon
      FROM hist WHERE ok AND located AND NOT in_batch
      GROUP BY customer_id
    )
    SELECT b.id, b.local_day, w.history_count::int, w.avg_amount::text,
      coalesce(w.stddev_amount, 0)::text AS stddev_amount, (w.recent_before + 1)::int AS recent_count,
      w.merchant_before > 0 AS merchant_seen,
      w.locations[array_length(w.locations, 1)] AS last_location,
      w.located_dates[array_length(w.located_dates, 1)] AS last_date,
      u.usual_lat, u.usual_lon
    FROM batch b JOIN windowed w ON w.id = b.id LEFT JOIN usual u ON u.customer_id = b.customer_id`);
}

/** One transaction's customer history (the fraud agent's view). */
export async function customerHistory(
  db: Queryable,
  tx: TransactionRow,
  w: { historyDays: number; velocityWindowMinutes: number },
): Promise<CustomerHistory> {
  const [h] = await customerHistories(db, tx.org_id, [tx], w);
  if (!h) throw new Error(`transaction ${tx.id} not found`);
  return h;
}

/** Creates the missing monthly partitions of `transactions` (existing ones are kept); how many it made. */
export function ensureTransactionPartitions(db: Queryable, monthsAhead: number): Promise<number> {
  return db.oneFirst(
    sql.type(
      z.object({ created: z.number() }),
    )`SELECT ensure_transaction_partitions(1, ${monthsAhead}) AS created`,
  );
}
