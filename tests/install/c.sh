#!/usr/bin/env bash
# The C library and the redisclient command as a user installs them:
# `make install` into a temporary prefix (and once staged through DESTDIR),
# then the C example, copied out of the checkout, built with `pkg-config
# --cflags --libs redisclient` alone and run against the standalone test
# server, and the installed redisclient's health check; `make uninstall`
# removes every file again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"

if ! command -v pkg-config >/dev/null; then
	[ "$(id -u)" = 0 ] || sudo=sudo
	${sudo:-} apt-get update -q
	${sudo:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends pkgconf
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
version="$(cat "$root/VERSION")"
abi="$(sed -n 's/^#define RC_ABI_VERSION \([0-9]*\).*/\1/p' "$root/include/redisclient.h")"
fail() {
	echo "tests/install/c.sh: $*" >&2
	exit 1
}

prefix="$tmp/prefix"
make -s -C "$root" install PREFIX="$prefix"
lib="$prefix/lib"
[ "$(readlink "$lib/libredisclient.so")" = "libredisclient.so.$abi" ] || fail "libredisclient.so does not link to the soname"
[ "$(readlink "$lib/libredisclient.so.$abi")" = "libredisclient.so.$version" ] || fail "the soname does not link to libredisclient.so.$version"
[ -f "$lib/libredisclient.so.$version" ] && [ ! -L "$lib/libredisclient.so.$version" ] || fail "libredisclient.so.$version is not a file"
soname="$(readelf -d "$lib/libredisclient.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
[ "$soname" = "libredisclient.so.$abi" ] || fail "soname $soname, want libredisclient.so.$abi (RC_ABI_VERSION)"

export PKG_CONFIG_PATH="$lib/pkgconfig"
[ "$(pkg-config --modversion redisclient)" = "$version" ] || fail "pkg-config version $(pkg-config --modversion redisclient), VERSION $version"

# Outside the checkout: nothing but the installed files to build from.
mkdir "$tmp/app"
cp "$root/examples/c/example.c" "$tmp/app/"
cd "$tmp/app"
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
cc -std=c11 -Wall -Wextra -Werror example.c -o example $(pkg-config --cflags --libs redisclient)
printf '{"LOCATION": "redis://%s/0", "KEY_PREFIX": "install-c-%s"}\n' "$RC_TEST_STANDALONE" "$$" >entry.json
# The library is found through the prefix only: LD_LIBRARY_PATH, as for
# any library outside the linker's default directories.
LD_LIBRARY_PATH="$lib" ldd ./example | grep -q "libredisclient.so.$abi => $lib/libredisclient.so.$abi" ||
	fail "the example does not load the installed library: $(LD_LIBRARY_PATH="$lib" ldd ./example)"
LD_LIBRARY_PATH="$lib" ./example entry.json | tee example.out
grep -qx 'greeting = hello from C' example.out || fail "the example did not read its key back"
# The command line for operators, from the prefix's bin.
# Captured first: grep -q closing the pipe early would fail it by SIGPIPE.
health="$("$prefix/bin/redisclient" --entry entry.json health)" ||
	fail "the installed redisclient's health check failed: $health"
grep -qx 'status  good' <<<"$health" || fail "the installed redisclient does not report the server good: $health"

make -s -C "$root" uninstall PREFIX="$prefix"
left="$(find "$prefix" -not -type d)"
[ -z "$left" ] || fail "make uninstall left: $left"

# Staged for a package: the files under DESTDIR, the paths without it.
make -s -C "$root" install PREFIX=/usr DESTDIR="$tmp/stage"
[ -f "$tmp/stage/usr/lib/libredisclient.so.$version" ] || fail "DESTDIR: no library under $tmp/stage/usr/lib"
grep -qx 'libdir=/usr/lib' "$tmp/stage/usr/lib/pkgconfig/redisclient.pc" || fail "DESTDIR leaked into redisclient.pc"
make -s -C "$root" uninstall PREFIX=/usr DESTDIR="$tmp/stage"
left="$(find "$tmp/stage" -not -type d)"
[ -z "$left" ] || fail "make uninstall DESTDIR= left: $left"
echo "tests/install/c.sh: make install, pkg-config build and make uninstall: ok"
