#!/usr/bin/env bash
# Builds libredisclient.so if needed, compiles the C test and the example,
# and runs the test under valgrind against the servers in the environment
# (source testenv/.run/env.sh first). Exits non-zero on a failed check, a
# valgrind error, or a definite leak.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

if ! command -v valgrind >/dev/null; then
    [ "$(id -u)" = 0 ] || sudo=sudo
    ${sudo:-} apt-get update -q
    ${sudo:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends valgrind
fi

if [ ! -e lib/libredisclient.so ] || [ -n "$(find capi include core go.mod -newer lib/libredisclient.so -print -quit)" ]; then
    bash capi/build.sh
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cflags=(-std=c11 -Wall -Wextra -Werror -g -Iinclude)
cc "${cflags[@]}" tests/c/test_redisclient.c -o "$out/test_redisclient" \
    -Llib -lredisclient -Wl,-rpath,"$root/lib" -lpthread -lm
cc "${cflags[@]}" examples/c/example.c -o "$out/example" \
    -Llib -lredisclient -Wl,-rpath,"$root/lib"
# The header must also compile as C++.
printf '#include "redisclient.h"\nint main() { rc_timeout t = rc_timeout_never(); return t.kind == RC_TIMEOUT_NEVER ? 0 : 1; }\n' >"$out/h.cpp"
c++ -Wall -Wextra -Werror -Iinclude -c "$out/h.cpp" -o "$out/h.o"

# The example against the standalone server.
printf '{"LOCATION": "redis://%s/0", "KEY_PREFIX": "c-example-%s"}\n' "${RC_TEST_STANDALONE:?source testenv/.run/env.sh}" "$$" >"$out/entry.json"
"$out/example" "$out/entry.json" | tee "$out/example.out"
grep -qx 'greeting = hello from C' "$out/example.out"

status=0
# Once without valgrind on a GOEXPERIMENT=cgocheck2 build, which panics if a
# Go pointer is ever stored in C memory.
mkdir -p "$out/cgocheck2"
GOEXPERIMENT=cgocheck2 CGO_ENABLED=1 go build -buildmode=c-shared -trimpath \
    -ldflags "-extldflags=-Wl,-soname,libredisclient.so.0,--version-script=$root/capi/exports.map" \
    -o "$out/cgocheck2/libredisclient.so.0" ./capi
echo "-- test on the cgocheck2 build"
LD_LIBRARY_PATH="$out/cgocheck2" "$out/test_redisclient" || status=$?

# Then under valgrind. Only definite leaks are errors: the Go runtime keeps
# its threads and arenas until exit ("possibly lost" / "still reachable"),
# which is not a leak of anything the API hands out. The test frees every
# buffer it gets, so a "definitely lost" block would be the library's.
# valgrind.supp explains each suppression.
echo "-- test under valgrind"
valgrind --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --error-exitcode=1 \
    --suppressions=tests/c/valgrind.supp --log-file="$out/valgrind.log" \
    "$out/test_redisclient" >"$out/test.out" || status=$?
grep -E "LEAK SUMMARY|definitely|ERROR SUMMARY|lost in loss record" -A3 "$out/valgrind.log" | grep -v '^--$' || true
# Unsuppressed errors: show them, so that a failure in CI can be read.
if grep -qE "ERROR SUMMARY: [1-9]" "$out/valgrind.log"; then
    grep -vE "^==[0-9]+== *$" "$out/valgrind.log" | grep -B2 -A25 -E "Invalid|uninitialised|Mismatched|overlap|Syscall param" | head -150 || true
fi
if grep -qE "definitely lost: [1-9]|are definitely lost" "$out/valgrind.log"; then
    echo "tests/c/run.sh: valgrind reports definitely lost memory" >&2
    status=1
fi
cat "$out/test.out"
exit "$status"
