#!/usr/bin/env bash
# Builds lib/libredisclient.so (soname libredisclient.so.0, only rc_ symbols
# exported) and the symlink lib/libredisclient.so.0. Also keeps an unstripped
# copy for debugging in lib/debug/. LIB_DIR puts them elsewhere (relative to
# the repository root, or absolute); GO names the go command. The cgo-generated header is written to a
# temporary directory and dropped: include/redisclient.h is the shipped one.
#
# Checks after the build: the exported symbols are exactly the functions
# include/redisclient.h declares, and the header compiles alone as C and C++
# with -Wall -Werror.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Every public function is defined in guard.c, which refuses a forked child
# before Go runs; a Go export must not take an rc_ name itself.
if grep -n '^//export rc_' capi/*.go; then
    echo "capi/build.sh: export these as rcgo_ and define the rc_ function in capi/guard.c" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

GO=${GO:-go}
lib="${LIB_DIR:-lib}"
mkdir -p "$lib/debug"
ldflags_ext="-extldflags=-Wl,-soname,libredisclient.so.0,--version-script=$root/capi/exports.map"
CGO_ENABLED=1 "$GO" build -buildmode=c-shared -trimpath \
    -ldflags "-s -w $ldflags_ext" -o "$tmp/libredisclient.so" ./capi
CGO_ENABLED=1 "$GO" build -buildmode=c-shared -trimpath \
    -ldflags "$ldflags_ext" -o "$tmp/debug.so" ./capi
mv "$tmp/libredisclient.so" "$lib/libredisclient.so"
mv "$tmp/debug.so" "$lib/debug/libredisclient.so"
ln -sfn libredisclient.so "$lib/libredisclient.so.0"
ln -sfn libredisclient.so "$lib/debug/libredisclient.so.0"

# The exported functions must be the header's, no more and no fewer.
nm -D --defined-only "$lib/libredisclient.so" | awk '$2 == "T" {print $3}' |
    sed 's/@.*//' | sort >"$tmp/exported"
grep -v '^static' include/redisclient.h |
    sed -nE 's/^[a-z_ ]+[ *](rc_[a-z_]+)\(.*/\1/p' | sort >"$tmp/declared"
if ! diff -u "$tmp/declared" "$tmp/exported"; then
    echo "capi/build.sh: exported symbols differ from include/redisclient.h" >&2
    exit 1
fi
others="$(nm -D --defined-only "$lib/libredisclient.so" | awk '$3 !~ /^rc_/ && $2 != "A"')"
if [ -n "$others" ]; then
    echo "capi/build.sh: symbols other than rc_ are exported:" >&2
    echo "$others" >&2
    exit 1
fi

printf '#include "redisclient.h"\nint main(void) { return rc_abi_version() == RC_ABI_VERSION ? 0 : 1; }\n' >"$tmp/h.c"
cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -c "$tmp/h.c" -o "$tmp/h.o"
cp "$tmp/h.c" "$tmp/h.cpp"
c++ -Wall -Wextra -Werror -Iinclude -c "$tmp/h.cpp" -o "$tmp/hpp.o"

echo "built $lib/libredisclient.so ($(wc -l <"$tmp/exported") rc_ functions)"
