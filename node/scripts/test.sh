#!/usr/bin/env bash
# The node suite: installs node/'s dependencies when node_modules is missing
# or older than package-lock.json (npm ci), checks the TypeScript
# declarations, then runs node's test runner against the test servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "node suite: installing Debian's nodejs and npm with apt-get" >&2
	[ "$(id -u)" = 0 ] || sudo=sudo
	${sudo:-} apt-get update -q
	${sudo:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
npx --no-install tsc -p test/types
node --test test/*.test.js
