#!/usr/bin/env bash
# The Python package as a user installs it. From the checkout, pip wheel and
# pip install build the library with Go through the package's build backend
# and leave the tree as it was; the wheel carries the library freshly built
# (the same bytes as capi/build.sh's) under the manylinux tag auditwheel
# finds; an sdist builds the same wheel. The wheel is installed into a new
# venv outside the checkout, and the Python example runs from there against
# the standalone test server. pip reaches PyPI for setuptools and auditwheel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make test)}"

fail() {
	echo "tests/install/python.sh: $*" >&2
	exit 1
}
if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
	[ "$(id -u)" = 0 ] || sudo=sudo
	${sudo:-} apt-get update -q
	${sudo:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv
fi
if [ ! -e lib/libredisclient.so ] || [ -n "$(find capi include core go.mod -newer lib/libredisclient.so -print -quit)" ]; then
	bash capi/build.sh
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
version="$(cat VERSION)"
# Bytecode counts too (the frontends import the backend from the tree); a
# cache pytest left before this script runs is in both lists.
tree() { find python -name .pytest_cache -prune -o -print | sort; }
tree >"$tmp/tree.before"

# The build tools live in a venv of their own; pip's build isolation fetches
# setuptools for each build.
python3 -m venv "$tmp/tools"
tools="$tmp/tools/bin"
"$tools/pip" install -q --disable-pip-version-check auditwheel "setuptools>=77"

"$tools/pip" wheel -q --disable-pip-version-check --no-deps -w "$tmp/dist" ./python
wheels=("$tmp"/dist/*.whl)
[ ${#wheels[@]} = 1 ] || fail "pip wheel made ${#wheels[@]} wheels"
wheel="${wheels[0]}"
name="$(basename "$wheel")"
echo "built $name"
[[ "$name" =~ ^redisclient-$version-py3-none-(manylinux_2_[0-9]+_x86_64|manylinux_2_[0-9]+_aarch64)\.whl$ ]] ||
	fail "$name: want redisclient-$version-py3-none-manylinux_2_N_ARCH.whl"
tag="${BASH_REMATCH[1]}"
show="$("$tools/auditwheel" show "$wheel" | tr '\n' ' ')"
[[ "$show" == *"consistent with the following platform tag: \"$tag\""* ]] ||
	fail "auditwheel does not confirm $tag: $show"

python3 -m zipfile -e "$wheel" "$tmp/unpacked"
cmp -s "$tmp/unpacked/redisclient/libredisclient.so" lib/libredisclient.so ||
	fail "the wheel's library differs from the one capi/build.sh builds from these sources"
metadata="$tmp/unpacked/redisclient-$version.dist-info/METADATA"
for line in "Version: $version" "License-Expression: Apache-2.0" "License-File: LICENSE" "Requires-Python: >=3.9"; do
	grep -qx "$line" "$metadata" || fail "METADATA lacks \"$line\""
done
grep -q '^Project-URL: Source, ' "$metadata" || fail "METADATA has no source URL"
cmp -s "$tmp/unpacked/redisclient-$version.dist-info/licenses/LICENSE" LICENSE || fail "the wheel's LICENSE is not the repository's"

# pip install from the checkout builds the same way, into a venv.
python3 -m venv "$tmp/direct"
"$tmp/direct/bin/pip" install -q --disable-pip-version-check ./python
(cd "$tmp" && env -u PYTHONPATH -u REDISCLIENT_LIBRARY "$tmp/direct/bin/python" -c \
	'import redisclient; redisclient.resolve({"LOCATION": "redis://127.0.0.1:1/0"})') ||
	fail "pip install ./python: the installed package cannot load its library"

# An sdist carries the Go sources, and builds the same wheel.
(cd python && "$tools/python" -B -c 'import sys; sys.path.insert(0, "build_backend"); import redisclient_build as b; b.build_sdist(sys.argv[1])' "$tmp/sdist") >"$tmp/sdist.log" 2>&1 ||
	fail "build_sdist failed: $(cat "$tmp/sdist.log")"
"$tools/pip" wheel -q --disable-pip-version-check --no-deps -w "$tmp/from-sdist" "$tmp"/sdist/redisclient-"$version".tar.gz
# Not the same bytes: a build outside a git checkout stamps no VCS state.
[ -f "$tmp/from-sdist/$name" ] || fail "the sdist built $(ls "$tmp/from-sdist"), not $name"
python3 -m zipfile -e "$tmp/from-sdist/$name" "$tmp/unpacked-sdist"
diff -u <(cd "$tmp/unpacked" && find . | sort) <(cd "$tmp/unpacked-sdist" && find . | sort) ||
	fail "the wheel built from the sdist holds other files"
diff -u <(nm -D --defined-only lib/libredisclient.so) <(nm -D --defined-only "$tmp/unpacked-sdist/redisclient/libredisclient.so") ||
	fail "the sdist's library exports other symbols"

tree >"$tmp/tree.after"
diff -u "$tmp/tree.before" "$tmp/tree.after" || fail "the builds left files in python/ (above)"

# A new venv outside the checkout: only the wheel, no PYTHONPATH, no
# REDISCLIENT_LIBRARY.
python3 -m venv "$tmp/app-venv"
"$tmp/app-venv/bin/pip" install -q --disable-pip-version-check --no-index "$wheel"
mkdir "$tmp/app"
cp examples/python/example.py "$tmp/app/"
printf '{"LOCATION": "redis://%s/0", "KEY_PREFIX": "install-py-%s"}\n' "$RC_TEST_STANDALONE" "$$" >"$tmp/app/entry.json"
cd "$tmp/app"
env -u PYTHONPATH -u REDISCLIENT_LIBRARY "$tmp/app-venv/bin/python" example.py entry.json | tee example.out
grep -qx 'greeting = hello from Python' example.out || fail "the example did not read its key back"
grep -qx 'visits = 1' example.out || fail "the example did not count"
env -u PYTHONPATH -u REDISCLIENT_LIBRARY "$tmp/app-venv/bin/python" - "$tmp/app-venv" "$version" <<'PY'
import importlib.metadata, sys
import redisclient
from redisclient import _native

venv, version = sys.argv[1], sys.argv[2]
lib = _native.load()
assert lib.path.startswith(venv + "/"), f"library loaded from {lib.path}, not from the venv"
assert lib.version == redisclient.__version__ == importlib.metadata.version("redisclient") == version
print(f"loaded {lib.path} ({lib.version})")
PY
echo "tests/install/python.sh: wheel ($tag), pip install, sdist and the example from a new venv: ok"
