#!/usr/bin/env bash
# Builds bin/redisclient.wasm (BIN overrides bin): a WASI reactor module
# (GOOS=wasip1, -buildmode=c-shared: the host calls _initialize, then the
# exports), symbols stripped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-bin}
mkdir -p "$BIN"
GOOS=wasip1 GOARCH=wasm "${GO:-go}" build -trimpath -buildmode=c-shared -ldflags=-s -o "$BIN/redisclient.wasm" ./wasm
