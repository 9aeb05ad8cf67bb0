-- Up Migration

-- Answer links work once: the first use claims the contact's pair of links.
ALTER TABLE customer_contacts ADD COLUMN link_used_at timestamptz;

-- Audit keys belong to their organisation: one tenant's key can never suppress another's row.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_dedup_key_key;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_org_dedup_key UNIQUE (org_id, dedup_key);

-- Down Migration
ALTER TABLE audit_events DROP CONSTRAINT audit_events_org_dedup_key;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_dedup_key_key UNIQUE (dedup_key);
ALTER TABLE customer_contacts DROP COLUMN link_used_at;
