#!/usr/bin/env bash
# Installs the browser tests' tools (playwright-core, axe-core) from package-lock.json, only when
# the lock changed since the last install. Never a browser: the tests drive Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
