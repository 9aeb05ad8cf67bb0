-- Up Migration

-- Customers are shared by every context.
CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  external_id text NOT NULL,
  first_name text NOT NULL,
  last_name text NOT NULL,
  email text,
  phone text,
  -- Stored plain until field encryption lands (operations issue); never logged, masked in responses.
  date_of_birth date,
  address jsonb,
  kyc_status text NOT NULL DEFAULT 'pending' CHECK (kyc_status IN ('pending', 'verified', 'rejected', 'expired')),
  risk_profile text NOT NULL DEFAULT 'medium' CHECK (risk_profile IN ('low', 'medium', 'high')),
  segment text,
  timezone text NOT NULL DEFAULT 'UTC',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, external_id)
);
CREATE INDEX customers_org_created_idx ON customers (org_id, created_at DESC, id DESC);
CREATE INDEX customers_org_email_idx ON customers (org_id, lower(email));

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  account_type text NOT NULL CHECK (account_type IN ('checking', 'savings', 'credit')),
  currency char(3) NOT NULL DEFAULT 'USD',
  balance numeric(16, 2) NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_customer_idx ON accounts (org_id, customer_id);

CREATE TABLE cards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  account_id uuid REFERENCES accounts (id),
  -- The full number is never stored: a keyed hash finds duplicates, last4 identifies it to people.
  card_number_hash text NOT NULL,
  last4 char(4) NOT NULL,
  expiry_month smallint NOT NULL CHECK (expiry_month BETWEEN 1 AND 12),
  expiry_year smallint NOT NULL,
  card_type text NOT NULL CHECK (card_type IN ('debit', 'credit', 'prepaid')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'closed')),
  frozen_reason text,
  frozen_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, card_number_hash)
);
CREATE INDEX cards_customer_idx ON cards (org_id, customer_id);

-- Transactions are partitioned by month of transaction_date; ensure_transaction_partitions keeps
-- partitions ahead, and the default partition catches anything outside them.
CREATE TABLE transactions (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  account_id uuid,
  card_id uuid,
  external_id text NOT NULL,
  amount numeric(16, 2) NOT NULL,
  currency char(3) NOT NULL DEFAULT 'USD',
  transaction_type text NOT NULL,
  merchant_name text,
  merchant_category text,
  channel text NOT NULL DEFAULT 'card_present'
    CHECK (channel IN ('card_present', 'card_not_present', 'atm', 'transfer')),
  transaction_date timestamptz NOT NULL,
  settlement_date timestamptz,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed', 'reversed')),
  risk_score numeric(4, 2),
  risk_level text CHECK (risk_level IN ('low', 'medium', 'high')),
  location jsonb,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, transaction_date)
) PARTITION BY RANGE (transaction_date);
CREATE TABLE transactions_default PARTITION OF transactions DEFAULT;
CREATE INDEX transactions_customer_date_idx ON transactions (org_id, customer_id, transaction_date DESC, id DESC);
CREATE INDEX transactions_keyset_idx ON transactions (org_id, transaction_date DESC, id DESC);
CREATE INDEX transactions_risk_idx ON transactions (org_id, risk_score DESC, transaction_date DESC)
  WHERE risk_score IS NOT NULL;
CREATE INDEX transactions_id_idx ON transactions (org_id, id);

-- Idempotency of ingestion: a partitioned table cannot hold a unique key without its partition
-- key, so external ids live here.
CREATE TABLE transaction_keys (
  org_id uuid NOT NULL REFERENCES organizations (id),
  external_id text NOT NULL,
  transaction_id uuid NOT NULL,
  transaction_date timestamptz NOT NULL,
  PRIMARY KEY (org_id, external_id)
);
CREATE UNIQUE INDEX transaction_keys_id_idx ON transaction_keys (org_id, transaction_id);

CREATE FUNCTION ensure_transaction_partitions(months_back int, months_ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  created int := 0;
  name text;
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    m := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date;
    name := format('transactions_%s', to_char(m, 'YYYY_MM'));
    IF to_regclass(name) IS NULL THEN
      BEGIN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF transactions FOR VALUES FROM (%L) TO (%L)',
          name, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      EXCEPTION WHEN check_violation THEN
        -- Rows for that month already sit in the default partition; leave them there.
        NULL;
      END;
    END IF;
  END LOOP;
  RETURN created;
END $$;
SELECT ensure_transaction_partitions(12, 3);

CREATE TABLE alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  transaction_id uuid,
  card_id uuid REFERENCES cards (id),
  alert_type text NOT NULL,
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  priority_rank smallint GENERATED ALWAYS AS (
    CASE priority WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END) STORED,
  title text NOT NULL,
  description text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'resolved', 'closed')),
  assigned_agent text,
  resolution text,
  actions_taken jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- One alert per screening of a transaction, however often the screening activity runs.
  dedup_key text NOT NULL,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, dedup_key)
);
CREATE INDEX alerts_keyset_idx ON alerts (org_id, priority_rank DESC, created_at DESC, id DESC);
CREATE INDEX alerts_status_idx ON alerts (org_id, status, priority_rank DESC, created_at DESC);

CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  alert_id uuid NOT NULL REFERENCES alerts (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  case_type text NOT NULL DEFAULT 'fraud_review',
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'investigating', 'closed')),
  outcome text CHECK (outcome IN ('confirmed_fraud', 'false_positive', 'customer_confirmed', 'inconclusive')),
  assigned_agent text,
  summary text,
  sla_due_at timestamptz,
  reopened_count int NOT NULL DEFAULT 0,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, alert_id)
);

CREATE TABLE case_events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  case_id uuid NOT NULL REFERENCES cases (id),
  type text NOT NULL,
  actor text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedup_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, dedup_key)
);
CREATE INDEX case_events_case_idx ON case_events (org_id, case_id, id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE agent_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  alert_id uuid NOT NULL REFERENCES alerts (id),
  agent text NOT NULL,
  batch int NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
  attempts int NOT NULL DEFAULT 0,
  result jsonb,
  error text,
  started_at timestamptz,
  completed_at timestamptz,
  duration_ms int,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, alert_id, agent)
);

CREATE TABLE disputes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  transaction_id uuid NOT NULL,
  customer_id uuid NOT NULL REFERENCES customers (id),
  case_id uuid REFERENCES cases (id),
  reason text NOT NULL,
  amount numeric(16, 2) NOT NULL,
  status text NOT NULL DEFAULT 'unsubmitted' CHECK (status IN ('unsubmitted', 'submitted', 'won', 'lost', 'expired')),
  evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
  submit_by timestamptz NOT NULL,
  submitted_at timestamptz,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, transaction_id)
);

-- Every new event wakes the API replicas listening on this channel (the SSE hub).
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sentinel_events', json_build_object('id', NEW.id, 'org_id', NEW.org_id, 'stream', NEW.stream)::text);
  RETURN NEW;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_notify();
ALTER TABLE events ADD COLUMN dedup_key text;
CREATE UNIQUE INDEX events_dedup_idx ON events (org_id, dedup_key);

-- Down Migration
DROP TRIGGER events_notify ON events;
DROP FUNCTION events_notify();
DROP INDEX events_dedup_idx;
ALTER TABLE events DROP COLUMN dedup_key;
DROP TABLE disputes, agent_runs, case_events, cases, alerts, transaction_keys, transactions, cards, accounts, customers;
DROP FUNCTION ensure_transaction_partitions(int, int);
