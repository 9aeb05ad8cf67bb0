-- Up Migration

-- Answer links work once: the first use claims the contact's pair of links.
ALTER TABLE customer_contacts ADD COLUMN link_used_at timestamptz;

-- Down Migration
ALTER TABLE customer_contacts DROP COLUMN link_used_at;
