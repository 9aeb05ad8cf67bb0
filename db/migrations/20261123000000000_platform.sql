-- Up Migration

-- Platform: tenants, staff, credentials, audit, the event stream, idempotency.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- An organisation is its own tenant: org_id = id, kept so every table answers the same filter.
  org_id uuid GENERATED ALWAYS AS (id) STORED,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'analyst', 'agent', 'viewer')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Staff log in with an email alone, so an email belongs to one organisation.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_org_created_idx ON users (org_id, created_at DESC, id DESC);

CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  user_id uuid NOT NULL REFERENCES users (id),
  -- All tokens descended from one login share a family; reuse of a rotated token revokes it.
  family_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (org_id, family_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  name text NOT NULL,
  key_prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'analyst', 'agent', 'viewer')),
  created_by uuid REFERENCES users (id),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_org_created_idx ON api_keys (org_id, created_at DESC, id DESC);

CREATE TABLE audit_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'workflow', 'system')),
  actor_id text NOT NULL,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  before jsonb,
  after jsonb,
  request_id text,
  ip inet,
  -- A workflow's activity may run twice; the same dedup_key writes one row.
  dedup_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_org_created_idx ON audit_events (org_id, created_at DESC, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- The stream behind SSE: a sequence id for Last-Event-ID, a NOTIFY so any API replica can push.
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  stream text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_org_stream_idx ON events (org_id, stream, id);

CREATE TABLE idempotency_keys (
  org_id uuid NOT NULL REFERENCES organizations (id),
  key text NOT NULL,
  scope text NOT NULL,
  request_hash text NOT NULL,
  response_status integer,
  response_body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, scope, key)
);

-- The plumbing check: a row the API writes and a workflow completes.
CREATE TABLE pipeline_checks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  requested_by text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
  workflow_id text NOT NULL UNIQUE,
  database_time timestamptz,
  postgres_version text,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX pipeline_checks_org_created_idx ON pipeline_checks (org_id, created_at DESC, id DESC);

-- Down Migration
DROP TABLE pipeline_checks, idempotency_keys, events, audit_events, api_keys, refresh_tokens, users, organizations;
DROP FUNCTION audit_events_append_only();
