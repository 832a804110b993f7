#!/usr/bin/env bash
# Builds the Go packages and everything that ships into bin/ (BIN overrides).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

GO=${GO:-go}
BIN=${BIN:-bin}
mkdir -p "$BIN"

"$GO" build ./...
"$GO" build -trimpath -o "$BIN/demo" ./cmd/demo

# --- C shared library -------------------------------------------------------
# Planned: the C ABI (capi/) built here with -buildmode=c-shared into
# "$BIN/libredisclient.so", with its header next to it.

echo "built: $BIN/demo"
