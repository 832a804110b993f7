#!/usr/bin/env bash
# The Node package as a user installs it: `npm pack` of node/ (the package's
# files only, the repository's LICENSE, the version in VERSION), `npm
# install` of the tarball into a new project outside the checkout (koffi
# from the npm registry, prebuilt: nothing is compiled), and the Node
# example run from there against the standalone test server: first on the
# C library as `make install` puts it in a prefix (the system name
# libredisclient.so.0, found through LD_LIBRARY_PATH), then on
# $REDISCLIENT_LIBRARY. The keys it writes are the ones Django names.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"

fail() {
	echo "tests/install/node.sh: $*" >&2
	exit 1
}
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	[ "$(id -u)" = 0 ] || sudo=sudo
	${sudo:-} apt-get update -q
	${sudo:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
fi
if [ ! -e lib/libredisclient.so ] || [ -n "$(find capi include core go.mod -newer lib/libredisclient.so -print -quit)" ]; then
	bash capi/build.sh
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
version="$(cat VERSION)"

(cd node && npm pack --silent --pack-destination "$tmp" >/dev/null)
tarball="$tmp/redisclient-$version.tgz"
[ -f "$tarball" ] || fail "npm pack made $(cd "$tmp" && ls), not redisclient-$version.tgz"
want="$(cd node && printf 'package/%s\n' LICENSE README.md index.d.ts index.js package.json lib/*.js | sort)"
diff -u <(echo "$want") <(tar -tzf "$tarball" | sort) || fail "the tarball holds other files than the package's (above)"
tar -xzf "$tarball" -C "$tmp" package/LICENSE package/package.json
cmp -s "$tmp/package/LICENSE" LICENSE || fail "node/LICENSE is not the repository's LICENSE"
packed="$(node -p 'require(process.argv[1]).version' "$tmp/package/package.json")"
[ "$packed" = "$version" ] || fail "package.json has version $packed, VERSION $version"

prefix="$tmp/prefix"
make -s install PREFIX="$prefix"

# A new project outside the checkout, with nothing but the tarball.
mkdir "$tmp/app"
cp examples/node/example.js "$tmp/app/"
cd "$tmp/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --prefer-offline "$tarball" >npm.log 2>&1 || fail "npm install failed: $(cat npm.log)"
[ -f node_modules/redisclient/lib/zset.js ] && [ -f node_modules/koffi/package.json ] || fail "npm install did not install redisclient and koffi"
key_prefix="install-node-$$"
# shellcheck disable=SC2016 # the reference is for expandEnv, not the shell
printf '{"LOCATION": "redis://${RC_TEST_STANDALONE}/0", "KEY_PREFIX": "%s"}\n' "$key_prefix" >entry.json

LD_LIBRARY_PATH="$prefix/lib" env -u REDISCLIENT_LIBRARY -u NODE_PATH node example.js entry.json | tee first.out
grep -qx 'greeting = hello from Node' first.out || fail "the example did not read its key back"
grep -qx 'value = pair Tuple(1,two), big 1180591620717411303424' first.out || fail "the example's value did not round-trip"
grep -qx 'visits = 1' first.out || fail "the example did not count"
# The library this came from: the prefix's, by its soname.
loaded="$(LD_LIBRARY_PATH="$prefix/lib" env -u REDISCLIENT_LIBRARY node -e '
require("redisclient").libraryVersion();
const maps = require("node:fs").readFileSync("/proc/self/maps", "utf8");
console.log([...new Set(maps.split("\n").filter((l) => l.includes("libredisclient")).map((l) => l.split(/\s+/).pop()))].join(" "));')"
[ "$loaded" = "$prefix/lib/libredisclient.so.$version" ] || fail "loaded $loaded, not the installed $prefix/lib/libredisclient.so.$version"

REDISCLIENT_LIBRARY="$root/lib/libredisclient.so" env -u LD_LIBRARY_PATH node example.js entry.json | tee second.out
grep -qx 'visits = 2' second.out || fail "a second run on \$REDISCLIENT_LIBRARY did not count on the first run's key"

# Where Django's cache.get("greeting") reads.
host="${RC_TEST_STANDALONE%:*}" port="${RC_TEST_STANDALONE##*:}"
[ "$(redis-cli -h "$host" -p "$port" EXISTS "$key_prefix:1:greeting" "$key_prefix:1:value" "$key_prefix:1:visits")" = 3 ] ||
	fail "the example's keys are not under $key_prefix:1:"
redis-cli -h "$host" -p "$port" DEL "$key_prefix:1:greeting" "$key_prefix:1:value" "$key_prefix:1:visits" >/dev/null
echo "tests/install/node.sh: npm pack, npm install into a new project and the example on the installed library: ok"
