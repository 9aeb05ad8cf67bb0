-- Up Migration

-- National id and date of birth are sealed in the application (AES-256-GCM, lib/field-encryption.ts):
-- the database never holds the key, and a sealed value names the key version that opens it.
ALTER TABLE customers
  ADD COLUMN date_of_birth_enc text,
  ADD COLUMN national_id_enc text;

-- Rows written before this migration keep a plaintext date_of_birth until the encryption pass
-- (workflow rotateFieldEncryption, daily schedule `field-encryption`) seals and clears it.
COMMENT ON COLUMN customers.date_of_birth IS
  'legacy plaintext; sealed into date_of_birth_enc and set NULL by the encryption pass';

-- Down Migration
ALTER TABLE customers DROP COLUMN date_of_birth_enc, DROP COLUMN national_id_enc;
