#!/usr/bin/env bash
# `npm test`: installs what is missing, then typecheck, lint and the vitest suite. The suite's
# global setup starts its own Temporal dev server and a fresh database, and removes both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
echo "== typecheck"
npx tsc --noEmit
npx tsc -p web --noEmit
echo "== lint"
# Type-aware lint of the whole project peaks near node's default 4 GB heap; give it room.
NODE_OPTIONS=--max-old-space-size=8192 npx eslint .
npx prettier --check . >/dev/null
npm run --silent lint:cycles
if command -v docker-compose >/dev/null 2>&1; then
  echo "== docker-compose config"
  POSTGRES_PASSWORD=check APP_DB_PASSWORD=check PUBLIC_URL=https://check.example METRICS_TOKEN=check JWT_SECRET=check CARD_HASH_KEY=check LINK_SIGNING_KEY=check ENCRYPTION_KEYS=check docker-compose config -q
fi
echo "== console build"
# The browser tests drive the built console, as the API serves it.
npx tsx scripts/build-web.ts --if-stale
echo "== vitest"
npx vitest run "$@"
