#!/usr/bin/env bash
# Builds the Go packages and everything that ships into bin/ (BIN overrides).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

GO=${GO:-go}
BIN=${BIN:-bin}
mkdir -p "$BIN"

"$GO" build ./...
"$GO" build -trimpath -o "$BIN/demo" ./cmd/demo
"$GO" build -trimpath -o "$BIN/redisclient" ./cmd/redisclient

# The C ABI: lib/libredisclient.so (+ .so.0), header in include/.
bash capi/build.sh

# The C example, linked against lib/ through a path relative to itself, so
# it runs from any working directory while bin/ and lib/ sit side by side.
"${CC:-cc}" -std=c11 -Wall -Wextra -Werror -Iinclude examples/c/example.c \
    -o "$BIN/example-c" -Llib -lredisclient -Wl,-rpath,'$ORIGIN/../lib'

# The WebAssembly module of the parts that need no network (wasm/).
BIN="$BIN" bash wasm/build.sh

echo "built: $BIN/demo $BIN/redisclient $BIN/example-c $BIN/redisclient.wasm"
