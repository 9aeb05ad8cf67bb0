#!/usr/bin/env bash
# `npm run dev`: installs what is missing, then runs Postgres (if needed), Temporal, migrations,
# the worker and the API together. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# The console the API serves at /: built when missing or older than web/ (npm run dev:web hot-reloads).
npx tsx scripts/build-web.ts --if-stale
exec npx tsx scripts/dev.ts
