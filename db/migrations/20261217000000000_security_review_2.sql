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

-- Down Migration
DROP INDEX payments_unanswered_idx;
ALTER TABLE idempotency_keys DROP COLUMN failed_at, DROP COLUMN claimed_at;
ALTER TABLE notifications DROP CONSTRAINT notifications_org_source_dedup_key;
ALTER TABLE notifications ADD CONSTRAINT notifications_org_id_dedup_key_key UNIQUE (org_id, dedup_key);
