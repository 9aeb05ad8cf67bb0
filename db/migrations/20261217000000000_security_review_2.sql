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

-- An API key answers to a person: its owner (the user who made it, or the owner of the key that
-- made it). Disabling the owner revokes it; its permissions are at most the owner's current role's
-- and its scopes'. Keys expire (a year unless set).
ALTER TABLE api_keys
  ADD COLUMN owner_user_id uuid REFERENCES users (id),
  ADD COLUMN created_by_key uuid REFERENCES api_keys (id),
  ADD COLUMN scopes text[];
UPDATE api_keys SET owner_user_id = created_by;
UPDATE api_keys SET expires_at = created_at + interval '1 year' WHERE expires_at IS NULL;
CREATE INDEX api_keys_owner_idx ON api_keys (org_id, owner_user_id) WHERE revoked_at IS NULL;

-- Sending numbers are the platform's to give: an operator assigns one to an organisation
-- (npm run assign-sms-number), and only then may its admin use it. Numbers in use stay theirs.
CREATE TABLE sms_number_assignments (
  number text PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  assigned_by text NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sms_number_assignments (number, org_id, assigned_by)
  SELECT sms_number, id, 'migration' FROM organizations WHERE sms_number IS NOT NULL;

-- Inbound SMS once per MessageSid: a replayed (or retried) webhook answers no contact twice.
CREATE TABLE inbound_sms (
  org_id uuid NOT NULL REFERENCES organizations (id),
  message_sid text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, message_sid)
);

-- An admin's password reset for a colleague: a one-time token, stored as its hash.
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_user_idx ON password_resets (org_id, user_id) WHERE used_at IS NULL;

-- Down Migration
DROP TABLE password_resets;
DROP TABLE inbound_sms;
DROP TABLE sms_number_assignments;
DROP INDEX api_keys_owner_idx;
ALTER TABLE api_keys DROP COLUMN owner_user_id, DROP COLUMN created_by_key, DROP COLUMN scopes;
DROP TABLE login_throttles;
DROP INDEX payments_unanswered_idx;
ALTER TABLE idempotency_keys DROP COLUMN failed_at, DROP COLUMN claimed_at;
ALTER TABLE notifications DROP CONSTRAINT notifications_org_source_dedup_key;
ALTER TABLE notifications ADD CONSTRAINT notifications_org_id_dedup_key_key UNIQUE (org_id, dedup_key);
