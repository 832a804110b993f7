#!/usr/bin/env bash
# Every benchmark, side by side with its baseline in the same run, against
# the servers testenv/with-redis.sh started: core against go-redis (Go), the
# codecs, from Python the shim against redis-py and Django's cache, and the
# Django backend against Django's own RedisCache and django-redis, and
# the thread scaling of every client (scripts/bench_threads.sh).
# BENCHMARKS.md quotes what this prints.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make bench)}"
py="$(bash testenv/venv.sh)"
export PYTHONPATH="$PWD/python" REDISCLIENT_LIBRARY="$PWD/lib/libredisclient.so" RC_TEST_PYTHON="$py"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3)"
echo "== go test -bench (core against go-redis)"
go test ./core/ -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-5}" -timeout 40m
echo "== the codecs: core/codec's BenchmarkCodec and django-redis's encode/decode, interleaved case by case"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/codec.test" ./core/codec/
"$py" parity/bench_values.py --go "$tmp/codec.test" --rounds "${BENCH_ROUNDS:-3}"
echo "== python/bench.py (shim against redis-py and Django's cache)"
"$py" python/bench.py
echo "== python/bench_memory.py (the peaks of one get of a large value through the shim)"
"$py" python/bench_memory.py
echo "== python/bench_backend.py (the Django backend against Django's RedisCache and django-redis)"
"$py" python/bench_backend.py
echo "== wasm/js/bench.mjs (the WebAssembly module: size, encode/decode under Node against the same Go built natively)"
bash wasm/build.sh
go build -o "$tmp/benchnative" ./wasm/benchnative
node --no-warnings wasm/js/bench.mjs "$tmp/benchnative"
echo "== scripts/bench_threads.sh (GETs from 1 to 64 threads: hiredis, core from Go, the C ABI, the shim, redis-py)"
RC_TEST_PYTHON="$py" bash scripts/bench_threads.sh
