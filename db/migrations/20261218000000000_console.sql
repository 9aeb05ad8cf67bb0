-- Up Migration

-- The console's triage drawer lists an alert's transactions (GET /transactions?alert_id=).
CREATE INDEX transactions_alert_idx ON transactions (org_id, alert_id, transaction_date DESC, id DESC)
  WHERE alert_id IS NOT NULL;

-- Every replica reads the sessions ended lately (logout revokes their access tokens and streams).
CREATE INDEX refresh_tokens_revoked_idx ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL;
