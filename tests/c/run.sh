#!/usr/bin/env bash
# Builds libredisclient.so if needed, compiles the C test and the example,
# and runs the test under valgrind against the servers in the environment
# (source testenv/.run/env.sh first). Exits non-zero on a failed check, a
# valgrind error outside the Go runtime (valgrind_judge.py), or a definite
# leak.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

missing=()
command -v valgrind >/dev/null || missing+=(valgrind)
command -v python3 >/dev/null || missing+=(python3) # for valgrind_judge.py
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || sudo=sudo
    ${sudo:-} apt-get update -q
    ${sudo:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
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

# Then under valgrind, which writes one XML file per process (the forked
# child's too), judged by valgrind_judge.py: the Go runtime's noise is told
# from real errors by where it happened, which no suppression can do for a
# family of kinds and syscall parameter names without end (the script says
# how). Only definite leaks are errors: the Go runtime keeps its threads
# and arenas until exit ("possibly lost" / "still reachable"), which is not
# a leak of anything the API hands out. The test frees every buffer it
# gets, so a "definitely lost" block would be the library's. No
# --error-exitcode: the forked child's exit status must be the test's own.
# No --log-file with %p either: valgrind 3.19 then leaves the child's XML
# in the parent's file (measured), which the judge refuses to read.
# --track-origins: the judge tells an uninitialised value that Go memory
# handed to the test from one the test made itself by where it came from.
vg=(valgrind --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --error-limit=no --track-origins=yes --xml=yes)

# The judge must be able to fail: a deliberately buggy program (compiled
# without warnings, which point at its bugs) must have exactly its seven
# errors reported, the forked child's included, next to Go's noise.
echo "-- valgrind judge self-check"
cc -std=c11 -w -g -Iinclude tests/c/valgrind_bad.c -o "$out/valgrind_bad" \
    -Llib -lredisclient -Wl,-rpath,"$root/lib"
mkdir -p "$out/bad"
"${vg[@]}" --xml-file="$out/bad/vg.%p.xml" "$out/valgrind_bad" || status=$?
bad=0
python3 tests/c/valgrind_judge.py "$out"/bad/vg.*.xml >"$out/bad.out" || bad=$?
got="$(sed -nE 's/^ERROR pid [0-9]+: ([A-Za-z_]+) in ([^ :]+).*/\1 \2/p' "$out/bad.out" | LC_ALL=C sort | paste -sd, -)"
want="InvalidRead bad_child_read,InvalidRead bad_memcpy,InvalidRead bad_read,Leak_DefinitelyLost bad_leak,SyscallParam bad_syscall,UninitCondition bad_uninit_heap,UninitCondition bad_uninit_stack"
if [ "$bad" != 1 ] || [ "$got" != "$want" ]; then
    cat "$out/bad.out"
    echo "tests/c/run.sh: the valgrind judge exited $bad on valgrind_bad.c and reported: $got; want: $want" >&2
    status=1
else
    echo "reported, as it should: $got"
fi

echo "-- test under valgrind"
mkdir -p "$out/vg"
"${vg[@]}" --xml-file="$out/vg/vg.%p.xml" "$out/test_redisclient" >"$out/test.out" || status=$?
python3 tests/c/valgrind_judge.py "$out"/vg/vg.*.xml || status=1
cat "$out/test.out"
exit "$status"
