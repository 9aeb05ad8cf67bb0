-- Up Migration

-- Personal-finance rules: savings goals, budgets, bills, and the alert rules over them.
CREATE TABLE goals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  name text NOT NULL,
  target_amount numeric(16, 2) NOT NULL CHECK (target_amount > 0),
  current_amount numeric(16, 2) NOT NULL DEFAULT 0,
  currency char(3) NOT NULL DEFAULT 'USD',
  target_date date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goals_customer_idx ON goals (org_id, customer_id, created_at DESC, id DESC);

-- Spent is not stored: it is the customer's purchases in the current period (in their time zone),
-- in the budget's merchant category or all of them when none is set.
CREATE TABLE budgets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  name text NOT NULL,
  amount numeric(16, 2) NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  period text NOT NULL DEFAULT 'monthly' CHECK (period IN ('weekly', 'monthly', 'yearly')),
  category text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX budgets_customer_idx ON budgets (org_id, customer_id, created_at DESC, id DESC);

-- Each budget's period now in force, in its customer's time zone, and the spending in it:
-- purchases (not refunds, deposits or credits) that went through, in the budget's category.
-- One definition for the API and the evaluators; filtering by budget_id pushes into the subquery.
CREATE VIEW budget_spending AS
SELECT b.id AS budget_id, b.org_id, p.period_key, p.period_start, p.period_end,
  coalesce((
    SELECT sum(abs(t.amount)) FROM transactions t
    WHERE t.org_id = b.org_id AND t.customer_id = b.customer_id
      AND t.transaction_date >= p.period_start AND t.transaction_date < p.period_end
      AND (b.category IS NULL OR t.merchant_category = b.category)
      AND t.status IN ('pending', 'completed')
      AND t.transaction_type NOT IN ('refund', 'deposit', 'credit')
  ), 0)::numeric(16, 2) AS spent
FROM budgets b
JOIN customers c ON c.id = b.customer_id AND c.org_id = b.org_id
CROSS JOIN LATERAL (
  SELECT to_char(now() AT TIME ZONE c.timezone,
      CASE b.period WHEN 'weekly' THEN 'IYYY-"W"IW' WHEN 'yearly' THEN 'YYYY' ELSE 'YYYY-MM' END) AS period_key,
    date_trunc(u.unit, now() AT TIME ZONE c.timezone) AT TIME ZONE c.timezone AS period_start,
    (date_trunc(u.unit, now() AT TIME ZONE c.timezone) + ('1 ' || u.unit)::interval) AT TIME ZONE c.timezone
      AS period_end
  FROM (SELECT CASE b.period WHEN 'weekly' THEN 'week' WHEN 'yearly' THEN 'year' ELSE 'month' END AS unit) u
) p;

CREATE TABLE bills (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  account_id uuid REFERENCES accounts (id),
  name text NOT NULL,
  amount numeric(16, 2) NOT NULL CHECK (amount > 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  recurrence text NOT NULL DEFAULT 'monthly'
    CHECK (recurrence IN ('once', 'weekly', 'monthly', 'quarterly', 'yearly')),
  -- The first due date anchors the day of month (a bill due on the 31st is due on the 30th in
  -- April and the 31st again in May).
  first_due_date date NOT NULL,
  next_due_date date NOT NULL,
  -- Paid for the occurrence due on this date: no reminder for it.
  paid_through date,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bills_customer_idx ON bills (org_id, customer_id, created_at DESC, id DESC);

CREATE TABLE alert_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organizations (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  alert_type text NOT NULL CHECK (alert_type IN (
    'account_threshold', 'goal', 'merchant_name', 'spending_target', 'transaction_limit', 'upcoming_bill')),
  conditions jsonb NOT NULL,
  -- The rule's target, lifted out of conditions so the evaluator joins on an indexed column.
  account_id uuid REFERENCES accounts (id),
  goal_id uuid REFERENCES goals (id),
  budget_id uuid REFERENCES budgets (id),
  bill_id uuid REFERENCES bills (id),
  email_delivery boolean NOT NULL DEFAULT true,
  sms_delivery boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  last_triggered_at timestamptz,
  last_evaluated_at timestamptz,
  evaluation_count int NOT NULL DEFAULT 0,
  trigger_count int NOT NULL DEFAULT 0,
  -- Deduplication state: milestones sent, thresholds sent per period, last due date notified.
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
-- Every pass stamps every rule (last_evaluated_at, evaluation_count: no index covers them):
-- free room on each page keeps those updates HOT, with no index writes.
) WITH (fillfactor = 70);
CREATE INDEX alert_rules_customer_idx ON alert_rules (org_id, customer_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX alert_rules_org_created_idx ON alert_rules (org_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
-- The periodic pass walks active rules of its types by id, page by page.
CREATE INDEX alert_rules_periodic_idx ON alert_rules (id)
  WHERE active AND deleted_at IS NULL AND (alert_type IN ('account_threshold', 'goal', 'spending_target')
    OR (alert_type = 'merchant_name' AND metadata ? 'digest'));
-- Real-time evaluation finds a customer's transaction-driven rules.
CREATE INDEX alert_rules_realtime_idx ON alert_rules (org_id, customer_id, alert_type)
  WHERE active AND deleted_at IS NULL;
CREATE INDEX alert_rules_bill_idx ON alert_rules (org_id, bill_id) WHERE bill_id IS NOT NULL AND deleted_at IS NULL;

-- Rule notifications whose delivery has not started yet are swept up by the next pass.
CREATE INDEX notifications_rules_recent_idx ON notifications (created_at) WHERE source = 'rules';

-- Down Migration
DROP INDEX notifications_rules_recent_idx;
DROP VIEW budget_spending;
DROP TABLE alert_rules, bills, budgets, goals;
