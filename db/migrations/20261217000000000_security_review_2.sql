-- Up Migration

-- A client's dedup_key lives beside the system's, never on it: the same text sent by the API and
-- by a rule, a contact or bail are two notifications.
ALTER TABLE notifications DROP CONSTRAINT notifications_org_id_dedup_key_key;
ALTER TABLE notifications ADD CONSTRAINT notifications_org_source_dedup_key
  UNIQUE (org_id, source, dedup_key);

-- A request whose work may be resumed (a card charge) keeps its claim when it fails; failed_at
-- marks it free for the client's retry with the same key, which resumes the same payment.
-- claimed_at: when the request (or its last resumption) began; a claim silent for minutes had
-- its process die.
ALTER TABLE idempotency_keys ADD COLUMN failed_at timestamptz,
  ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now();

-- The bail-charges sweeper's card charges still waiting for an answer.
CREATE INDEX payments_unanswered_idx ON payments (created_at)
  WHERE status = 'pending' AND provider_payment_id IS NULL AND installment_id IS NULL;

-- Failed logins per account and client address: a growing delay for that address only, so no
-- one can lock another person out (the account-wide lock is gone).
CREATE TABLE login_throttles (
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  address text NOT NULL,
  failures int NOT NULL,
  blocked_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id, address)
);
UPDATE users SET locked_until = NULL, failed_login_count = 0;

-- Down Migration
DROP TABLE login_throttles;
DROP INDEX payments_unanswered_idx;
ALTER TABLE idempotency_keys DROP COLUMN failed_at, DROP COLUMN claimed_at;
ALTER TABLE notifications DROP CONSTRAINT notifications_org_source_dedup_key;
ALTER TABLE notifications ADD CONSTRAINT notifications_org_id_dedup_key_key UNIQUE (org_id, dedup_key);
