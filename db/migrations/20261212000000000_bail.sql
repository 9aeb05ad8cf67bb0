-- Up Migration

-- The bail context: bail-bond agencies (organisations) write bonds for defendants (clients, who
-- are the organisation's customers), keep them coming to court, collect premiums and e-sign forms.

-- A client is a customer with a bail profile: the customer row holds name, contact, sealed date
-- of birth and SSN (national_id) and address; this row what only an agency keeps.
CREATE TABLE bail_clients (
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'suspended', 'archived')),
  emergency_contact jsonb,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, customer_id)
);
CREATE INDEX bail_clients_org_created_idx ON bail_clients (org_id, created_at DESC, customer_id DESC);

-- The agency's defaults; a bond may carry its own (a state's grace period differs).
CREATE TABLE bail_settings (
  org_id uuid PRIMARY KEY REFERENCES organizations (id),
  forfeiture_grace_days integer NOT NULL DEFAULT 90 CHECK (forfeiture_grace_days BETWEEN 1 AND 365),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bonds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_number text NOT NULL,
  client_id uuid NOT NULL REFERENCES customers (id),
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  premium numeric(14, 2) NOT NULL CHECK (premium >= 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'active', 'completed', 'forfeited', 'cancelled')),
  case_number text,
  court_name text,
  power_of_attorney_number text,
  charges jsonb NOT NULL DEFAULT '[]',
  terms jsonb NOT NULL DEFAULT '{}',
  -- Days between a failure to appear and forfeiture; null takes bail_settings' (default 90).
  forfeiture_grace_days integer CHECK (forfeiture_grace_days BETWEEN 1 AND 365),
  -- Set while a failure to appear runs its grace period; cleared by reinstatement.
  failure_to_appear_at timestamptz,
  forfeiture_due_at timestamptz,
  created_by uuid,
  activated_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, bond_number),
  UNIQUE (org_id, id)
);
CREATE INDEX bonds_org_created_idx ON bonds (org_id, created_at DESC, id DESC);
CREATE INDEX bonds_org_status_idx ON bonds (org_id, status, created_at DESC, id DESC);
CREATE INDEX bonds_org_client_idx ON bonds (org_id, client_id);

-- Co-signers: each is a customer of the organisation too, so reminders reach them through the
-- one notification engine with their own preferences.
CREATE TABLE indemnitors (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  relationship text NOT NULL,
  liability_amount numeric(14, 2) CHECK (liability_amount >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, bond_id, customer_id)
);

CREATE TABLE court_appearances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  scheduled_at timestamptz NOT NULL,
  -- The court's IANA zone: reminders and the messages' times are the court's wall clock.
  time_zone text NOT NULL,
  court_name text NOT NULL,
  address text,
  status text NOT NULL DEFAULT 'scheduled'
    CHECK (status IN ('scheduled', 'appeared', 'missed', 'rescheduled', 'cancelled')),
  -- The appearance a rescheduled one was moved to.
  rescheduled_to uuid REFERENCES court_appearances (id),
  notes text,
  -- Reminder keys (7d, 3d, 1d, day_of) sent for this appearance, so a replan never repeats one.
  reminders_sent text[] NOT NULL DEFAULT '{}',
  outcome_at timestamptz,
  -- When a miss here raised the failure to appear (the grace period), so it is raised once.
  failure_raised_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX court_appearances_bond_idx ON court_appearances (org_id, bond_id, scheduled_at);
CREATE INDEX court_appearances_upcoming_idx ON court_appearances (org_id, scheduled_at) WHERE status = 'scheduled';

CREATE TABLE collateral (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  type text NOT NULL,
  description text NOT NULL,
  estimated_value numeric(14, 2) NOT NULL CHECK (estimated_value >= 0),
  details jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'returned', 'forfeited')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collateral_bond_idx ON collateral (org_id, bond_id);

CREATE TABLE payment_plans (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  total numeric(14, 2) NOT NULL CHECK (total > 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paid', 'delinquent', 'cancelled')),
  -- The saved card charged off-session (the payment provider's customer and payment method).
  provider_customer_id text,
  provider_payment_method_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_plans_bond_idx ON payment_plans (org_id, bond_id);

CREATE TABLE installments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  plan_id uuid NOT NULL REFERENCES payment_plans (id),
  seq integer NOT NULL CHECK (seq >= 1),
  due_date date NOT NULL,
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  paid_at timestamptz,
  UNIQUE (org_id, plan_id, seq)
);

CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  client_id uuid NOT NULL REFERENCES customers (id),
  installment_id uuid REFERENCES installments (id),
  amount numeric(14, 2) NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  method text NOT NULL CHECK (method IN ('card', 'debit', 'bank_transfer', 'check', 'cash')),
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'completed', 'failed', 'refunded', 'cancelled')),
  -- Charges are made once per key (the provider's idempotency key: one per installment attempt).
  idempotency_key text NOT NULL,
  provider text,
  provider_payment_id text,
  failure_reason text,
  reference text,
  recorded_by uuid,
  processed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX payments_bond_idx ON payments (org_id, bond_id, created_at DESC);
CREATE UNIQUE INDEX payments_provider_idx ON payments (provider, provider_payment_id) WHERE provider_payment_id IS NOT NULL;

CREATE TABLE documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  client_id uuid NOT NULL REFERENCES customers (id),
  type text NOT NULL,
  -- A bond becomes active only when its required documents are signed.
  required boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'signed', 'declined', 'expired', 'voided')),
  provider text,
  envelope_id text,
  sent_at timestamptz,
  signed_at timestamptz,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_bond_idx ON documents (org_id, bond_id);
CREATE UNIQUE INDEX documents_envelope_idx ON documents (provider, envelope_id) WHERE envelope_id IS NOT NULL;

CREATE TABLE check_ins (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  client_id uuid NOT NULL REFERENCES customers (id),
  due_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'completed', 'missed')),
  completed_at timestamptz,
  location jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX check_ins_bond_idx ON check_ins (org_id, bond_id, due_at DESC);

-- The agents' work queue: what a bond's processes hand to a person (a failure to appear, a
-- forfeiture coming, a recovery, a delinquent plan, an expired envelope). One per dedup key.
CREATE TABLE bail_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  bond_id uuid NOT NULL REFERENCES bonds (id),
  type text NOT NULL CHECK (type IN ('failure_to_appear', 'forfeiture_reminder', 'recovery',
    'record_outcome', 'plan_delinquent', 'document_expired', 'missed_check_in')),
  priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  title text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  assigned_to uuid,
  dedup_key text NOT NULL,
  due_at timestamptz,
  done_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, dedup_key)
);
CREATE INDEX bail_tasks_open_idx ON bail_tasks (org_id, created_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX bail_tasks_bond_idx ON bail_tasks (org_id, bond_id);

-- Court reminders are owed a workflow from the commit of a bond's first court date.
ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute', 'court_reminders'));

-- Down Migration

ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute'));
DROP TABLE bail_tasks;
DROP TABLE check_ins;
DROP TABLE documents;
DROP TABLE payments;
DROP TABLE installments;
DROP TABLE payment_plans;
DROP TABLE collateral;
DROP TABLE court_appearances;
DROP TABLE indemnitors;
DROP TABLE bonds;
DROP TABLE bail_settings;
DROP TABLE bail_clients;
