-- Up Migration

-- The console's triage drawer lists an alert's transactions (GET /transactions?alert_id=).
CREATE INDEX transactions_alert_idx ON transactions (org_id, alert_id, transaction_date DESC, id DESC)
  WHERE alert_id IS NOT NULL;
