-- Up Migration

-- Why an address stopped taking email (a bounce's or a drop's reason from the provider), kept
-- with when; verifying the address again clears both.
ALTER TABLE customer_preferences ADD COLUMN email_invalid_reason text;

-- Down Migration
ALTER TABLE customer_preferences DROP COLUMN email_invalid_reason;
