-- Up Migration

-- Answer links work once: the first use claims the contact's pair of links.
ALTER TABLE customer_contacts ADD COLUMN link_used_at timestamptz;

-- Audit keys belong to their organisation: one tenant's key can never suppress another's row.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_dedup_key_key;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_org_dedup_key UNIQUE (org_id, dedup_key);

-- The audit trail is append-only for everyone but its owner. `sentinel_audit` (no login) owns
-- the table and the retention function, the one way rows are ever deleted; `sentinel_app` is the
-- role the API and workers run as in production (a login role granted it): INSERT and SELECT only.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sentinel_audit') THEN
    CREATE ROLE sentinel_audit NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sentinel_app') THEN
    CREATE ROLE sentinel_app NOLOGIN;
  END IF;
END $$;

ALTER TABLE audit_events OWNER TO sentinel_audit;
REVOKE ALL ON audit_events FROM PUBLIC;
GRANT SELECT, INSERT ON audit_events TO sentinel_app;

-- Rows change only inside the retention function (it runs as the owner); a setting any session
-- can set no longer opens the door, and TRUNCATE (which skips row triggers) is refused too.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_user = 'sentinel_audit' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

CREATE FUNCTION audit_enforce_retention(retention_days int, batch_size int) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  deleted int;
BEGIN
  IF retention_days IS NULL OR retention_days < 1 THEN
    RAISE EXCEPTION 'retention_days must be at least 1';
  END IF;
  DELETE FROM audit_events WHERE id IN (
    SELECT id FROM audit_events WHERE created_at < now() - make_interval(days => retention_days)
    LIMIT greatest(batch_size, 1));
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END $$;
ALTER FUNCTION audit_enforce_retention(int, int) OWNER TO sentinel_audit;
REVOKE ALL ON FUNCTION audit_enforce_retention(int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_enforce_retention(int, int) TO sentinel_app;

-- Inbound SMS find their organisation by the number they were sent to, never by the sender
-- alone. Numbers are E.164 from now on (the API normalises them); existing ones are brought in line.
ALTER TABLE organizations ADD COLUMN sms_number text UNIQUE CHECK (sms_number ~ '^\+[1-9][0-9]{6,14}$');
UPDATE customers SET phone = '+' || regexp_replace(phone, '\D', '', 'g')
  WHERE phone ~ '^\s*(\+|00)' AND phone !~ '^\+[0-9]+$';
UPDATE customers SET phone = '+' || substr(phone, 3) WHERE phone ~ '^\+00';
CREATE INDEX customers_phone_idx ON customers (org_id, phone) WHERE phone IS NOT NULL;

-- Revoking a user's sessions bumps token_version: access tokens carry the version they were
-- signed with, and every API replica keeps the recent revocations in memory (api/auth/revocations.ts).
ALTER TABLE users ADD COLUMN token_version int NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tokens_revoked_at timestamptz;
CREATE INDEX users_tokens_revoked_idx ON users (tokens_revoked_at) WHERE tokens_revoked_at IS NOT NULL;
CREATE INDEX api_keys_revoked_idx ON api_keys (revoked_at) WHERE revoked_at IS NOT NULL;
-- A session (a refresh-token family) ends at an absolute age, however often it is refreshed.
ALTER TABLE refresh_tokens ADD COLUMN session_started_at timestamptz NOT NULL DEFAULT now();

-- Down Migration
ALTER TABLE refresh_tokens DROP COLUMN session_started_at;
DROP INDEX api_keys_revoked_idx;
ALTER TABLE users DROP COLUMN tokens_revoked_at;
ALTER TABLE users DROP COLUMN token_version;
DROP INDEX customers_phone_idx;
ALTER TABLE organizations DROP COLUMN sms_number;
DROP FUNCTION audit_enforce_retention(int, int);
DROP TRIGGER audit_events_no_truncate ON audit_events;
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('sentinel.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END $$;
ALTER TABLE audit_events OWNER TO CURRENT_USER;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_org_dedup_key;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_dedup_key_key UNIQUE (dedup_key);
ALTER TABLE customer_contacts DROP COLUMN link_used_at;
