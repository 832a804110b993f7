#!/usr/bin/env bash
# core as a Go consumer uses it: a new module outside the checkout that
# requires github.com/redisclient/redisclient (replaced by this checkout, as
# a module proxy would serve it), tidied with the consumer's own go line, and
# run against the standalone test server. The modules come from the module
# cache that the build filled, and their hashes from the checkout's go.sum
# (what the checksum database would answer): nothing is fetched.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"
GO=${GO:-go}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "tests/install/go.sh: $*" >&2
	exit 1
}
want_go="$(sed -n 's/^go //p' "$root/go.mod")"

cd "$tmp"
cat >go.mod <<MOD
module example.com/consumer

go $want_go

require github.com/redisclient/redisclient v$(cat "$root/VERSION")

replace github.com/redisclient/redisclient => $root
MOD
cat >main.go <<'GO'
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/redisclient/redisclient/core"
	"github.com/redisclient/redisclient/core/codec"
)

func main() {
	text, err := core.ExpandEnv([]byte(`{"LOCATION": "redis://${RC_TEST_STANDALONE}/0", "KEY_PREFIX": "${PREFIX:-install-go}"}`), nil)
	if err != nil {
		fail(err)
	}
	entry, err := core.ParseEntry(text)
	if err != nil {
		fail(err)
	}
	cache, err := core.Open(entry)
	if err != nil {
		fail(err)
	}
	defer cache.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cache.SetValue(ctx, "v", codec.Tuple{int64(1), "two"}, core.ExpireAfter(time.Minute)); err != nil {
		fail(err)
	}
	v, found, err := cache.GetValue(ctx, "v")
	if err != nil {
		fail(err)
	}
	_, err = cache.Incr(ctx, "missing", 1)
	fmt.Println(core.Version, cache.MakeKey("v"), v, found, errors.Is(err, core.ErrNotFound))
	cache.Delete(ctx, "v")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
GO
cp "$root/go.sum" go.sum
# -e: the test-only modules of the dependencies need not be in the cache.
GOFLAGS=-mod=mod GOPROXY=off "$GO" mod tidy -e
got_go="$(sed -n 's/^go //p' go.mod)"
[ "$got_go" = "$want_go" ] || fail "go mod tidy raised the consumer's go line from $want_go to $got_go"
out="$("$GO" run .)"
echo "$out"
[ "$out" = "$(cat "$root/VERSION") install-go:1:v [1 two] true true" ] || fail "unexpected output"
echo "tests/install/go.sh: a consumer module builds and runs on go $want_go: ok"
