-- Up Migration

-- Every replica reads the sessions ended lately (logout revokes their access tokens and streams).
CREATE INDEX refresh_tokens_revoked_idx ON refresh_tokens (revoked_at) WHERE revoked_at IS NOT NULL;

-- An audit row names the server's request id; the client's own X-Request-ID is kept beside it.
ALTER TABLE audit_events ADD COLUMN client_request_id text;
