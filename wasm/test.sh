#!/usr/bin/env bash
# The wasm suite: builds the module when missing, installs the JS test
# dependencies from package-lock.json when missing, runs node --test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -f bin/redisclient.wasm ] || bash wasm/build.sh
cd wasm/js
[ -d node_modules ] || npm ci --no-audit --no-fund
node --no-warnings --test test/
