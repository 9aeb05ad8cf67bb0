-- Up Migration

-- Payment plans and document envelopes are owed a workflow from the commit that creates them.
ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute', 'court_reminders', 'payment_plan', 'document_signing'));

-- Who signs an envelope, and the provider's last word on it (for the agent, and for a Connect
-- message that arrives after the workflow ended).
ALTER TABLE documents ADD COLUMN signer_name text, ADD COLUMN signer_email text,
  ADD COLUMN provider_status text, ADD COLUMN status_at timestamptz;
CREATE INDEX payments_installment_idx ON payments (org_id, installment_id) WHERE installment_id IS NOT NULL;

-- Down Migration

DROP INDEX payments_installment_idx;
ALTER TABLE documents DROP COLUMN signer_name, DROP COLUMN signer_email, DROP COLUMN provider_status,
  DROP COLUMN status_at;
ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute', 'court_reminders'));
