#!/usr/bin/env bash
# Builds the Go packages and everything that ships into bin/ (BIN overrides).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

GO=${GO:-go}
BIN=${BIN:-bin}
mkdir -p "$BIN"

"$GO" build ./...
"$GO" build -trimpath -o "$BIN/demo" ./cmd/demo

# The C ABI: lib/libredisclient.so (+ .so.0), header in include/.
bash capi/build.sh

echo "built: $BIN/demo"
