-- Up Migration

-- Reaching a customer and waiting for their answer (customerContact workflow).
CREATE TABLE customer_contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  case_id uuid REFERENCES cases (id),
  template text NOT NULL,
  variables jsonb NOT NULL DEFAULT '{}'::jsonb,
  channels text[] NOT NULL,
  expect_reply boolean NOT NULL DEFAULT false,
  reply_timeout_seconds int NOT NULL DEFAULT 86400 CHECK (reply_timeout_seconds > 0),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sent', 'awaiting_reply', 'replied', 'no_reply', 'callback_requested')),
  current_channel text,
  answer text CHECK (answer IN ('yes', 'no')),
  answered_via text,
  replied_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_contacts_awaiting_idx ON customer_contacts (org_id, customer_id, created_at DESC)
  WHERE status = 'awaiting_reply';

-- Phone contact: a task for an agent to call the customer back.
CREATE TABLE callback_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  contact_id uuid NOT NULL UNIQUE REFERENCES customer_contacts (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  case_id uuid REFERENCES cases (id),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE callback_tasks, customer_contacts;
