import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter, type KeyColumn } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const interactionRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  external_id: z.string().nullable(),
  occurred_at: z.string(),
  channel: z.enum(['web', 'mobile', 'email', 'chat', 'phone']),
  event_type: z.string(),
  content: z.string().nullable(),
  sentiment: z
    .object({
      label: z.enum(['positive', 'negative', 'neutral']),
      positive: z.number(),
      negative: z.number(),
      neutral: z.number(),
      compound: z.number(),
    })
    .nullable(),
  sentiment_confidence: z.number().nullable(),
  metadata: z.record(z.unknown()),
  processed_at: z.string().nullable(),
  created_at: z.string(),
});
export type InteractionRow = z.infer<typeof interactionRow>;

const columns = sql.fragment`id, org_id, customer_id, external_id, occurred_at, channel, event_type, content,
  CASE WHEN sentiment_label IS NULL THEN NULL ELSE jsonb_build_object('label', sentiment_label,
    'positive', sentiment_positive::float8, 'negative', sentiment_negative::float8,
    'neutral', sentiment_neutral::float8, 'compound', sentiment_compound::float8) END AS sentiment,
  sentiment_confidence::float8 AS sentiment_confidence, metadata, processed_at, created_at`;

/** One interaction ready to store: its customer resolved, its sentiment scored (null without text). */
export type NewInteraction = {
  id: string;
  customer_id: string;
  external_id: string | null;
  occurred_at: string;
  channel: InteractionRow['channel'];
  event_type: string;
  content: string | null;
  metadata: Record<string, unknown>;
  sentiment: {
    label: string;
    positive: number;
    negative: number;
    neutral: number;
    compound: number;
    confidence: number;
  } | null;
};

/**
 * Customers named by external id, created where the organisation has none yet (names unknown
 * until the customer is updated). Returns every external id's customer id.
 */
export async function customersByExternalIds(
  db: Queryable,
  orgId: string,
  externalIds: readonly string[],
): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const ids = [...new Set(externalIds)].sort();
  await db.query(sql.unsafe`
    INSERT INTO customers (org_id, external_id, first_name, last_name)
    SELECT ${orgId}, e, '', '' FROM unnest(${sql.array(ids, 'text')}) e
    ON CONFLICT (org_id, external_id) DO NOTHING`);
  const rows = await db.any(sql.type(z.object({ external_id: z.string(), id: z.string() }))`
    SELECT external_id, id FROM customers WHERE org_id = ${orgId} AND external_id = ANY(${sql.array(ids, 'text')})`);
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

/** Which of these customer ids the organisation has. */
export async function existingCustomers(
  db: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM customers WHERE org_id = ${orgId} AND id = ANY(${sql.array([...new Set(ids)], 'uuid')})`);
  return new Set(rows);
}

/**
 * Claims the client's external ids; returns the ids claimed now. An external id already claimed
 * belongs to an interaction stored before (interactionsByExternalIds finds it).
 */
export async function claimInteractionKeys(
  db: Queryable,
  orgId: string,
  items: readonly { id: string; external_id: string; occurred_at: string }[],
): Promise<Set<string>> {
  if (!items.length) return new Set();
  const rows = await db.anyFirst(sql.type(z.object({ external_id: z.string() }))`
    INSERT INTO interaction_keys (org_id, external_id, interaction_id, occurred_at)
    SELECT ${orgId}, external_id, id, occurred_at
    FROM jsonb_to_recordset(${sql.jsonb(items as never)}) AS k(id uuid, external_id text, occurred_at timestamptz)
    ON CONFLICT DO NOTHING RETURNING external_id`);
  return new Set(rows);
}

export function interactionsByExternalIds(
  db: Queryable,
  orgId: string,
  externalIds: readonly string[],
): Promise<readonly InteractionRow[]> {
  if (!externalIds.length) return Promise.resolve([]);
  return db.any(sql.type(interactionRow)`
    SELECT ${columns} FROM interactions
    WHERE org_id = ${orgId} AND (id, occurred_at) IN (
      SELECT interaction_id, occurred_at FROM interaction_keys
      WHERE org_id = ${orgId} AND external_id = ANY(${sql.array([...externalIds], 'text')}))`);
}

/**
 * Stores the interactions and moves their customers' counters in one statement: count, first and
 * last seen, and the running mean of the compound sentiment over the interactions that had text.
 * The caller holds the customers' locks (lockCustomers), so concurrent batches add up.
 */
export function insertInteractions(
  db: Queryable,
  orgId: string,
  items: readonly NewInteraction[],
): Promise<readonly InteractionRow[]> {
  if (!items.length) return Promise.resolve([]);
  const rows = items.map((i) => ({
    id: i.id,
    customer_id: i.customer_id,
    external_id: i.external_id,
    occurred_at: i.occurred_at,
    channel: i.channel,
    event_type: i.event_type,
    content: i.content,
    metadata: i.metadata,
    label: i.sentiment?.label ?? null,
    positive: i.sentiment?.positive ?? null,
    negative: i.sentiment?.negative ?? null,
    neutral: i.sentiment?.neutral ?? null,
    compound: i.sentiment?.compound ?? null,
    confidence: i.sentiment?.confidence ?? null,
  }));
  return db.any(sql.type(interactionRow)`
    WITH inserted AS (
      INSERT INTO interactions (id, org_id, customer_id, external_id, occurred_at, channel, event_type, content,
        metadata, sentiment_label, sentiment_positive, sentiment_negative, sentiment_neutral, sentiment_compound,
        sentiment_confidence, processed_at)
      SELECT id, ${orgId}, customer_id, external_id, occurred_at, channel, event_type, content, metadata, label,
        positive, negative, neutral, compound, confidence, CASE WHEN label IS NULL THEN NULL ELSE now() END
      FROM jsonb_to_recordset(${sql.jsonb(rows as never)}) AS r(id uuid, customer_id uuid, external_id text,
        occurred_at timestamptz, channel text, event_type text, content text, metadata jsonb, label text,
        positive numeric, negative numeric, neutral numeric, compound numeric, confidence numeric)
      RETURNING *
    ), per_customer AS (
      SELECT customer_id, count(*) AS n, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
        count(sentiment_compound) AS scored, coalesce(sum(sentiment_compound), 0) AS compound_sum
      FROM inserted GROUP BY customer_id
    ), counted AS (
      UPDATE customers c SET
        interaction_count = c.interaction_count + p.n,
        first_seen_at = least(c.first_seen_at, p.first_at),
        last_seen_at = greatest(c.last_seen_at, p.last_at),
        average_sentiment = CASE WHEN c.sentiment_count + p.scored = 0 THEN c.average_sentiment
          ELSE round((coalesce(c.average_sentiment, 0) * c.sentiment_count + p.compound_sum)
            / (c.sentiment_count + p.scored), 4) END,
        sentiment_count = c.sentiment_count + p.scored,
        interactions_stored_at = clock_timestamp(), -- after the lock: a detection that held it saw this batch or runs again
        updated_at = now()
      FROM per_customer p WHERE c.org_id = ${orgId} AND c.id = p.customer_id
    )
    SELECT ${columns} FROM inserted`);
}

export const INTERACTION_KEY: KeyColumn[] = [
  { column: sql.fragment`occurred_at`, type: 'timestamptz' },
  { column: sql.fragment`id`, type: 'uuid' },
];

export type InteractionFilters = {
  limit: number;
  cursor?: string | undefined;
  customer_id?: string | undefined;
  channel?: string | undefined;
  sentiment?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
};

/**
 * Newest first, filtered; `q` is a web-search style full-text query over the content (the GIN
 * index on the generated tsvector). Every filter combination has an index led by the organisation.
 */
export function listInteractions(
  db: Queryable,
  orgId: string,
  f: InteractionFilters,
): Promise<readonly InteractionRow[]> {
  const where = [sql.fragment`org_id = ${orgId}`, keysetAfter(f.cursor, INTERACTION_KEY)];
  if (f.customer_id) where.push(sql.fragment`customer_id = ${f.customer_id}`);
  if (f.channel) where.push(sql.fragment`channel = ${f.channel}`);
  if (f.sentiment) where.push(sql.fragment`sentiment_label = ${f.sentiment}`);
  if (f.from) where.push(sql.fragment`occurred_at >= ${f.from}::timestamptz`);
  if (f.to) where.push(sql.fragment`occurred_at < ${f.to}::timestamptz`);
  if (f.q) where.push(sql.fragment`search @@ websearch_to_tsquery('english', ${f.q})`);
  return db.any(sql.type(interactionRow)`
    SELECT ${columns} FROM interactions WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY occurred_at DESC, id DESC LIMIT ${f.limit + 1}`);
}

export const trendRow = z.object({
  bucket: z.string(),
  count: z.number(),
  scored: z.number(),
  average_sentiment: z.number().nullable(),
  positive: z.number(),
  negative: z.number(),
  neutral: z.number(),
});
export type TrendRow = z.infer<typeof trendRow>;

/**
 * Counts and mean compound sentiment per day or week, the buckets cut in the caller's time zone
 * (a day is the caller's day, a week starts on their Monday). `bucket` is that local date.
 */
export function sentimentTrends(
  db: Queryable,
  orgId: string,
  f: {
    groupBy: 'day' | 'week';
    timeZone: string;
    from: string;
    to: string;
    channel?: string | undefined;
    segment?: string | undefined;
  },
): Promise<readonly TrendRow[]> {
  const where = [
    sql.fragment`i.org_id = ${orgId}`,
    sql.fragment`i.occurred_at >= ${f.from}::timestamptz`,
    sql.fragment`i.occurred_at < ${f.to}::timestamptz`,
  ];
  if (f.channel) where.push(sql.fragment`i.channel = ${f.channel}`);
  const segment = f.segment
    ? sql.fragment`AND EXISTS (SELECT 1 FROM customers c WHERE c.org_id = i.org_id AND c.id = i.customer_id AND c.segment = ${f.segment})`
    : sql.fragment``;
  const unit = f.groupBy === 'week' ? 'week' : 'day';
  // Grouped by the truncated timestamp, formatted once per bucket rather than once per row.
  return db.any(sql.type(trendRow)`
    SELECT to_char(b.at, 'YYYY-MM-DD') AS bucket, b.count, b.scored, b.average_sentiment,
      b.positive, b.negative, b.neutral
    FROM (
      SELECT date_trunc(${unit}, i.occurred_at AT TIME ZONE ${f.timeZone}) AS at,
        count(*)::int AS count, count(i.sentiment_compound)::int AS scored,
        round(avg(i.sentiment_compound), 4)::float8 AS average_sentiment,
        count(*) FILTER (WHERE i.sentiment_label = 'positive')::int AS positive,
        count(*) FILTER (WHERE i.sentiment_label = 'negative')::int AS negative,
        count(*) FILTER (WHERE i.sentiment_label = 'neutral')::int AS neutral
      FROM interactions i WHERE ${sql.join(where, sql.fragment` AND `)} ${segment}
      GROUP BY 1
    ) b ORDER BY b.at`);
}

export const summaryRow = z.object({
  total: z.number(),
  customers: z.number(),
  average_sentiment: z.number().nullable(),
  by_channel: z.record(z.number()),
  by_sentiment: z.record(z.number()),
});
export type SummaryRow = z.infer<typeof summaryRow>;

/** Totals over a period: interactions, distinct customers, mean sentiment, by channel and by label. */
export function interactionSummary(
  db: Queryable,
  orgId: string,
  f: { from: string; to: string },
): Promise<SummaryRow> {
  return db.one(sql.type(summaryRow)`
    WITH scope AS (
      SELECT customer_id, channel, sentiment_label, sentiment_compound FROM interactions
      WHERE org_id = ${orgId} AND occurred_at >= ${f.from}::timestamptz AND occurred_at < ${f.to}::timestamptz
    )
    SELECT (SELECT count(*)::int FROM scope) AS total,
      (SELECT count(DISTINCT customer_id)::int FROM scope) AS customers,
      (SELECT round(avg(sentiment_compound), 4)::float8 FROM scope) AS average_sentiment,
      coalesce((SELECT jsonb_object_agg(channel, n) FROM (SELECT channel, count(*)::int n FROM scope GROUP BY 1) x), '{}'::jsonb) AS by_channel,
      coalesce((SELECT jsonb_object_agg(sentiment_label, n) FROM (SELECT sentiment_label, count(*)::int n FROM scope
        WHERE sentiment_label IS NOT NULL GROUP BY 1) y), '{}'::jsonb) AS by_sentiment`);
}

/** What detection reads of a customer: their interactions of the lookback, oldest first. */
export const patternInputRow = z.object({
  customer_id: z.string(),
  occurred_at: z.string(),
  channel: interactionRow.shape.channel,
  sentiment_label: z.enum(['positive', 'negative', 'neutral']).nullable(),
  compound: z.number().nullable(),
});

export function patternInputs(
  db: Queryable,
  orgId: string,
  customerIds: readonly string[],
  since: string,
): Promise<readonly z.infer<typeof patternInputRow>[]> {
  return db.any(sql.type(patternInputRow)`
    SELECT customer_id, occurred_at, channel, sentiment_label, sentiment_compound::float8 AS compound
    FROM interactions
    WHERE org_id = ${orgId} AND customer_id = ANY(${sql.array([...customerIds], 'uuid')})
      AND occurred_at >= ${since}::timestamptz
    ORDER BY customer_id, occurred_at`);
}

export function ensureInteractionPartitions(db: Queryable, monthsAhead: number): Promise<number> {
  return db.oneFirst(
    sql.type(z.object({ n: z.number() }))`SELECT ensure_interaction_partitions(0, ${monthsAhead}) AS n`,
  );
}

export const recentSentimentRow = z.object({
  interactions: z.number(),
  negative: z.number(),
  average_sentiment: z.number().nullable(),
});

/** A customer's interactions since a time: how many, how many negative, their mean sentiment. */
export function recentSentiment(
  db: Queryable,
  orgId: string,
  customerId: string,
  since: string,
): Promise<z.infer<typeof recentSentimentRow>> {
  return db.one(sql.type(recentSentimentRow)`
    SELECT count(*)::int AS interactions, count(*) FILTER (WHERE sentiment_label = 'negative')::int AS negative,
      round(avg(sentiment_compound), 4)::float8 AS average_sentiment
    FROM interactions
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND occurred_at >= ${since}::timestamptz`);
}
