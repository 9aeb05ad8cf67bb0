-- Up Migration

-- Dead letters: a delivery that failed can be sent again. Each redelivery is its own run
-- (redeliver-<delivery>-<n>); its attempts are numbered after the ones already logged.
ALTER TABLE notification_deliveries
  ADD COLUMN redeliveries int NOT NULL DEFAULT 0,
  ADD COLUMN attempt_base int NOT NULL DEFAULT 0;
CREATE INDEX deliveries_failed_idx ON notification_deliveries (org_id, failed_at DESC, id DESC)
  WHERE status = 'failed';
-- Retention walks deliveries and notifications by age.
CREATE INDEX deliveries_created_idx ON notification_deliveries (created_at);
CREATE INDEX notifications_created_idx ON notifications (created_at);

ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute', 'court_reminders', 'payment_plan',
    'document_signing', 'redelivery'));

-- Templates per locale (BCP 47, e.g. "es" or "es-MX"); null is the organisation's default for
-- every locale. A customer's locale picks its messages, falling back to the default.
ALTER TABLE customer_preferences ADD COLUMN locale text;
ALTER TABLE notification_templates ADD COLUMN locale text;
ALTER TABLE notification_templates DROP CONSTRAINT notification_templates_org_id_kind_channel_version_key;
CREATE UNIQUE INDEX templates_version_idx
  ON notification_templates (org_id, kind, channel, coalesce(locale, ''), version);
DROP INDEX templates_one_active_idx;
CREATE UNIQUE INDEX templates_one_active_idx
  ON notification_templates (org_id, kind, channel, coalesce(locale, '')) WHERE active;

-- Down Migration
DROP INDEX templates_one_active_idx;
DROP INDEX templates_version_idx;
DELETE FROM notification_templates WHERE locale IS NOT NULL;
CREATE UNIQUE INDEX templates_one_active_idx ON notification_templates (org_id, kind, channel) WHERE active;
ALTER TABLE notification_templates ADD CONSTRAINT notification_templates_org_id_kind_channel_version_key
  UNIQUE (org_id, kind, channel, version);
ALTER TABLE notification_templates DROP COLUMN locale;
ALTER TABLE customer_preferences DROP COLUMN locale;
DELETE FROM workflow_starts WHERE kind = 'redelivery';
ALTER TABLE workflow_starts DROP CONSTRAINT workflow_starts_kind_check;
ALTER TABLE workflow_starts ADD CONSTRAINT workflow_starts_kind_check
  CHECK (kind IN ('triage', 'delivery', 'contact', 'dispute', 'court_reminders', 'payment_plan',
    'document_signing'));
DROP INDEX notifications_created_idx;
DROP INDEX deliveries_created_idx;
DROP INDEX deliveries_failed_idx;
ALTER TABLE notification_deliveries DROP COLUMN attempt_base, DROP COLUMN redeliveries;
