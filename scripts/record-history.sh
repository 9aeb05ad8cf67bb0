#!/usr/bin/env bash
# Records workflow histories for the replay suite (test/histories/<name>.json) from the integration
# tests that call recordHistory(): `npm run record-history -- alert-triage.v3[,other.v2]`, or `all`.
# Record a new version beside the old ones; a shipped history is never re-recorded.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: npm run record-history -- <name>[,<name>...] | all" >&2
  exit 2
fi
names=$1
[ "$names" = all ] && names=1
# shellcheck disable=SC2046
RECORD_HISTORIES=$names npx vitest run $(grep -rl "recordHistory(" test/integration)
