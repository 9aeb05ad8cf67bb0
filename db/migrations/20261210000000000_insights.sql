-- Up Migration

-- The insights context: customer interactions across channels, their sentiment, and the
-- behaviour patterns detected over them.

-- The customer's interaction counters, updated in the same statement as each insert
-- (commands/insights/ingest-interactions.ts). average_sentiment is the mean compound score of
-- the interactions that had text (sentiment_count of them).
ALTER TABLE customers
  ADD COLUMN interaction_count integer NOT NULL DEFAULT 0 CHECK (interaction_count >= 0),
  ADD COLUMN first_seen_at timestamptz,
  ADD COLUMN last_seen_at timestamptz,
  ADD COLUMN average_sentiment numeric(5, 4) CHECK (average_sentiment BETWEEN -1 AND 1),
  ADD COLUMN sentiment_count integer NOT NULL DEFAULT 0 CHECK (sentiment_count >= 0),
  -- The hourly pattern pass detects again the customers with interactions stored since their last detection.
  ADD COLUMN interactions_stored_at timestamptz,
  ADD COLUMN patterns_detected_at timestamptz;
CREATE INDEX customers_patterns_due_idx ON customers (id)
  WHERE interactions_stored_at > coalesce(patterns_detected_at, '-infinity'::timestamptz);

-- Partitioned by month of occurred_at like transactions; ensure_interaction_partitions keeps
-- partitions ahead (the daily maintain-partitions schedule), the default one catches the rest.
CREATE TABLE interactions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  external_id text,
  occurred_at timestamptz NOT NULL,
  channel text NOT NULL CHECK (channel IN ('web', 'mobile', 'email', 'chat', 'phone')),
  event_type text NOT NULL CHECK (length(event_type) BETWEEN 1 AND 100),
  content text CHECK (length(content) <= 10000),
  sentiment_label text CHECK (sentiment_label IN ('positive', 'negative', 'neutral')),
  sentiment_positive numeric(5, 4) CHECK (sentiment_positive BETWEEN 0 AND 1),
  sentiment_negative numeric(5, 4) CHECK (sentiment_negative BETWEEN 0 AND 1),
  sentiment_neutral numeric(5, 4) CHECK (sentiment_neutral BETWEEN 0 AND 1),
  sentiment_compound numeric(5, 4) CHECK (sentiment_compound BETWEEN -1 AND 1),
  sentiment_confidence numeric(5, 4) CHECK (sentiment_confidence BETWEEN 0 AND 1),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  processed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  search tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(content, ''))) STORED,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE interactions_default PARTITION OF interactions DEFAULT;
-- The seed's indexes, each led by the organisation (every query is scoped by it) and keyset-ordered.
CREATE INDEX interactions_org_time_idx ON interactions (org_id, occurred_at DESC, id DESC);
CREATE INDEX interactions_customer_idx ON interactions (org_id, customer_id, occurred_at DESC, id DESC);
CREATE INDEX interactions_channel_idx ON interactions (org_id, channel, occurred_at DESC, id DESC);
CREATE INDEX interactions_sentiment_idx ON interactions (org_id, sentiment_label, occurred_at DESC, id DESC);
CREATE INDEX interactions_search_idx ON interactions USING gin (search);
CREATE INDEX interactions_id_idx ON interactions (org_id, id);

-- Idempotency by the client's external_id: a partitioned table cannot hold a unique key without
-- its partition key, so the keys live here (as transaction_keys do).
CREATE TABLE interaction_keys (
  org_id uuid NOT NULL REFERENCES organizations (id),
  external_id text NOT NULL,
  interaction_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, external_id)
);

CREATE FUNCTION ensure_interaction_partitions(months_back int, months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  created int := 0;
  name text;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    m := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    name := format('interactions_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(name) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF interactions FOR VALUES FROM (%L) TO (%L)',
          name, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      EXCEPTION WHEN check_violation THEN
        NULL; -- rows for that month already sit in the default partition; leave them there
      END;
    END IF;
  END LOOP;
  RETURN created;
END $$;
SELECT ensure_interaction_partitions(12, 3);

-- The customer's current patterns: a detection run replaces them (one row per type).
CREATE TABLE behavior_patterns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  pattern_type text NOT NULL,
  confidence numeric(5, 4) NOT NULL CHECK (confidence BETWEEN 0.7 AND 1),
  frequency integer NOT NULL CHECK (frequency > 0),
  description text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  detected_at timestamptz NOT NULL,
  valid_until timestamptz CHECK (valid_until > detected_at),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, customer_id, pattern_type)
);

-- Down Migration
DROP TABLE behavior_patterns;
DROP FUNCTION ensure_interaction_partitions(int, int);
DROP TABLE interaction_keys;
DROP TABLE interactions;
DROP INDEX customers_patterns_due_idx;
ALTER TABLE customers
  DROP COLUMN patterns_detected_at,
  DROP COLUMN interactions_stored_at,
  DROP COLUMN sentiment_count,
  DROP COLUMN average_sentiment,
  DROP COLUMN last_seen_at,
  DROP COLUMN first_seen_at,
  DROP COLUMN interaction_count;
