-- Up Migration

-- The API and workers run as a login role granted `sentinel_app`, never as the owner that runs
-- these migrations (docker-compose.yml: deploy/postgres/init-roles.sh makes `sentinel_runtime`).
-- It reads and writes rows; it owns nothing, so it can neither change the schema nor rewrite the
-- audit trail (INSERT and SELECT there only). Tables made by later migrations are granted likewise.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sentinel_app') THEN
    CREATE ROLE sentinel_app NOLOGIN;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO sentinel_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sentinel_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sentinel_app;
REVOKE UPDATE, DELETE ON audit_events FROM sentinel_app;
REVOKE ALL ON pgmigrations FROM sentinel_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sentinel_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO sentinel_app;
