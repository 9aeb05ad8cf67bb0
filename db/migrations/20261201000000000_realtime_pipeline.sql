-- Up Migration

-- Screening runs in the ingest transaction: each transaction keeps the alert it raised or joined,
-- so a repeated ingest answers with the first result.
ALTER TABLE transactions ADD COLUMN alert_id uuid;

-- One alert per burst: a new signal about a customer joins their newest open alert (24 h window).
CREATE INDEX alerts_open_by_customer_idx ON alerts (org_id, customer_id, created_at DESC)
  WHERE status IN ('open', 'assigned');

-- Balances move with posted transactions and with a core-banking sync.
ALTER TABLE accounts ADD COLUMN balance_updated_at timestamptz;

-- Workflows owed by committed rows (a transactional outbox). A row is written in the same
-- transaction as the fact that needs the workflow (a high alert, a notification, a contact), the
-- workflow is started after the commit, and the start-pending schedule starts any row still
-- unstarted after a minute, under the same workflow id (so a start is never doubled).
CREATE TABLE workflow_starts (
  -- Temporal workflow ids are unique in the namespace; every one here comes from a server-made uuid.
  workflow_id text PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  kind text NOT NULL CHECK (kind IN ('triage', 'delivery', 'contact')),
  subject_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  priority text CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  attempts int NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX workflow_starts_pending_idx ON workflow_starts (created_at) WHERE started_at IS NULL;
CREATE INDEX workflow_starts_org_idx ON workflow_starts (org_id, created_at DESC);

-- Down Migration
DROP TABLE workflow_starts;
ALTER TABLE accounts DROP COLUMN balance_updated_at;
DROP INDEX alerts_open_by_customer_idx;
ALTER TABLE transactions DROP COLUMN alert_id;
