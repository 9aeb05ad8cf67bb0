-- Up Migration

-- Circuit breaker state per provider, shared by every worker. Providers are not tenant data:
-- one SendGrid account serves every organisation, so this table has no org_id.
CREATE TABLE provider_health (
  provider text PRIMARY KEY,
  state text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
  consecutive_failures int NOT NULL DEFAULT 0,
  consecutive_successes int NOT NULL DEFAULT 0,
  opened_at timestamptz,
  open_until timestamptz,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE provider_health;
