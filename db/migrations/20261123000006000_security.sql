-- Up Migration

-- Ten failed logins in a row lock an account for 15 minutes.
ALTER TABLE users
  ADD COLUMN failed_login_count int NOT NULL DEFAULT 0,
  ADD COLUMN locked_until timestamptz;

-- Fixed-window request counters shared by every API replica. Keyed by client (an IP address, a
-- user, a login source), not by tenant: a limit protects the service before a tenant is known.
-- Unlogged: losing them in a crash only resets the windows.
CREATE UNLOGGED TABLE rate_limit_counters (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits int NOT NULL DEFAULT 1,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counters_window_idx ON rate_limit_counters (window_start);

-- GDPR erasure: personal data anonymised, financial records kept; erased_at says when.
ALTER TABLE customers ADD COLUMN erased_at timestamptz;

-- Down Migration
DROP TABLE rate_limit_counters;
ALTER TABLE customers DROP COLUMN erased_at;
ALTER TABLE users DROP COLUMN locked_until, DROP COLUMN failed_login_count;
