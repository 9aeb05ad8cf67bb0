-- Up Migration

-- Notify: one engine for every context's messages (rule alerts, triage contact, reminders).
CREATE TABLE customer_preferences (
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  email_enabled boolean NOT NULL DEFAULT true,
  email_verified boolean NOT NULL DEFAULT true,
  -- Set by a hard bounce; cleared when the address is verified again.
  email_invalid_at timestamptz,
  sms_enabled boolean NOT NULL DEFAULT true,
  sms_verified boolean NOT NULL DEFAULT true,
  -- IANA name; null means the customer's own time zone.
  timezone text,
  quiet_hours_enabled boolean NOT NULL DEFAULT false,
  quiet_hours_start time NOT NULL DEFAULT '22:00',
  quiet_hours_end time NOT NULL DEFAULT '08:00',
  max_per_hour int NOT NULL DEFAULT 10 CHECK (max_per_hour > 0),
  max_per_day int NOT NULL DEFAULT 50 CHECK (max_per_day > 0),
  -- {"<kind>": ["email", "sms", "in_app"]}: which channels a kind uses (default: all enabled).
  channels_by_kind jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, customer_id)
);

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  source text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  message text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  critical boolean NOT NULL DEFAULT false,
  channels text[],
  dedup_key text NOT NULL,
  read_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, dedup_key)
);
CREATE INDEX notifications_customer_idx ON notifications (org_id, customer_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;

CREATE TABLE notification_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  notification_id uuid NOT NULL REFERENCES notifications (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
  destination text,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'delivered', 'failed', 'bounced', 'retrying', 'suppressed')),
  reason text,
  attempts int NOT NULL DEFAULT 0,
  provider text,
  provider_message_id text,
  error_code text,
  error_text text,
  held_until timestamptz,
  sent_at timestamptz,
  delivered_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (notification_id, channel)
);
-- Rate limits count a customer's recent sends per channel.
CREATE INDEX deliveries_rate_idx ON notification_deliveries (org_id, customer_id, channel, sent_at)
  WHERE sent_at IS NOT NULL;
CREATE INDEX deliveries_provider_idx ON notification_deliveries (provider, provider_message_id);

CREATE TABLE notification_attempts (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organizations (id),
  delivery_id uuid NOT NULL REFERENCES notification_deliveries (id),
  attempt int NOT NULL,
  -- in_flight: the request went out and no answer was recorded (a crash); the retry asks the provider first.
  outcome text NOT NULL CHECK (outcome IN ('in_flight', 'sent', 'failed', 'retry')),
  http_status int,
  error_code text,
  error_text text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (delivery_id, attempt)
);

-- Per-organisation template overrides, versioned; built-in defaults live in code.
CREATE TABLE notification_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  kind text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
  version int NOT NULL,
  subject text,
  body text NOT NULL,
  active boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, kind, channel, version)
);
CREATE UNIQUE INDEX templates_one_active_idx ON notification_templates (org_id, kind, channel) WHERE active;

-- The local provider: what would have been sent, when no provider keys are configured.
CREATE TABLE outbox_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  delivery_id uuid NOT NULL UNIQUE REFERENCES notification_deliveries (id),
  channel text NOT NULL,
  recipient text NOT NULL,
  subject text,
  body_text text NOT NULL,
  body_html text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_org_created_idx ON outbox_messages (org_id, created_at DESC, id DESC);

-- Down Migration
DROP TABLE outbox_messages, notification_templates, notification_attempts, notification_deliveries,
  notifications, customer_preferences;
