#!/usr/bin/env bash
# Runs once, when the Postgres volume is first initialised (docker-entrypoint-initdb.d): makes the
# login role the API and workers connect as. It is granted `sentinel_app`, whose rights the
# migrations give (db/migrations/*_app_role.sql); the owner (POSTGRES_USER) runs only migrations.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sentinel_app') THEN
    CREATE ROLE sentinel_app NOLOGIN;
  END IF;
END $$;
SELECT format('CREATE ROLE sentinel_runtime LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L IN ROLE sentinel_app', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sentinel_runtime') \gexec
SQL
