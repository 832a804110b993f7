#!/usr/bin/env bash
# GETs of 100 bytes from 1 to 64 threads, every client beside the others in
# one run, on the standalone server and on the cluster: hiredis with a
# connection per thread (bench/threads.c), core from Go goroutines sharing
# one Cache (bench/gothreads), the C ABI from pthreads sharing one rc_client
# (bench/threads.c), the Python shim and redis-py from Python threads
# sharing one client (python/bench_threads.py); core and the C ABI with
# OPTIONS.BUSY_POLL at its default and at 0. Each cell is one process:
# ops/s, and the client's CPU (user+system, getrusage) per GET.
#
# Prints a Markdown table for BENCHMARKS.md, then the ratios the targets
# name. BENCH_THREADS_SECONDS (2) is the length of each cell;
# BENCH_THREADS (1 4 8 16 64) the thread counts; BENCH_THREADS_ROUNDS (1)
# repeats the whole matrix, interleaved, and reports each cell's median.
# BENCH_THREADS_BASELINE_LIB, the path of another libredisclient.so (an
# earlier build), adds its C ABI row beside this build's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${RC_TEST_STANDALONE:?run through testenv/with-redis.sh (make bench)}"
py="${RC_TEST_PYTHON:-$(bash testenv/venv.sh)}"
secs="${BENCH_THREADS_SECONDS:-2}"
counts="${BENCH_THREADS:-1 4 8 16 64}"
rounds="${BENCH_THREADS_ROUNDS:-1}"
export PYTHONPATH="$PWD/python" REDISCLIENT_LIBRARY="$PWD/lib/libredisclient.so"

if [ ! -f /usr/include/hiredis/hiredis.h ]; then
	echo "bench_threads.sh: installing libhiredis-dev with apt-get" >&2
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq >/dev/null
	$sudo apt-get install -y -qq libhiredis-dev >/dev/null
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cc -O2 -Wall -Wextra -Werror -Iinclude bench/threads.c -o "$tmp/threads" \
	-Llib -lredisclient -lhiredis -lpthread -Wl,-rpath,"$PWD/lib"
go build -o "$tmp/gothreads" ./bench/gothreads
base_lib="${BENCH_THREADS_BASELINE_LIB:-}"
if [ -n "$base_lib" ]; then
	cc -O2 -Wall -Wextra -Werror -Iinclude bench/threads.c -o "$tmp/threads-base" \
		-L"$(dirname "$base_lib")" -lredisclient -lhiredis -lpthread -Wl,-rpath,"$(dirname "$base_lib")"
fi

prefix="bench-threads-$$"
first_cluster_node="${RC_TEST_CLUSTER%%,*}"
# entry SERVER BUSY_POLL: a CACHES entry, the way Django services write
# them: django-redis's DefaultClient on the standalone server,
# django-ansible-base's RedisClient on the cluster.
entry() {
	local file="$tmp/$1-$2.json" bp=""
	[ "$2" = default ] || bp="\"BUSY_POLL\": $2,"
	if [ "$1" = standalone ]; then
		printf '{"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://%s/0", "KEY_PREFIX": "%s", "OPTIONS": {%s "CLIENT_CLASS": "django_redis.client.DefaultClient"}}\n' \
			"$RC_TEST_STANDALONE" "$prefix" "$bp" >"$file"
	else
		printf '{"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://%s", "KEY_PREFIX": "%s", "OPTIONS": {%s "CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": {"mode": "cluster", "redis_hosts": "%s"}}}\n' \
			"$first_cluster_node" "$prefix" "$bp" "$RC_TEST_CLUSTER" >"$file"
	fi
	echo "$file"
}

# cell SERVER CLIENT THREADS: one process, its result line.
cell() {
	local server=$1 client=$2 n=$3 addr=$RC_TEST_STANDALONE
	[ "$server" = standalone ] || addr=$first_cluster_node
	case $client in
	hiredis) "$tmp/threads" hiredis "$addr" "$prefix" "$n" "$secs" ;;
	go) "$tmp/gothreads" "$(entry "$server" default)" "$n" "$secs" ;;
	go-bp0) "$tmp/gothreads" "$(entry "$server" 0)" "$n" "$secs" ;;
	capi) "$tmp/threads" rc "$(entry "$server" default)" "$prefix" "$n" "$secs" ;;
	capi-bp0) "$tmp/threads" rc "$(entry "$server" 0)" "$prefix" "$n" "$secs" ;;
	capi-base) "$tmp/threads-base" rc "$(entry "$server" default)" "$prefix" "$n" "$secs" ;;
	shim) "$py" python/bench_threads.py shim "$(entry "$server" default)" "$prefix" "$n" "$secs" ;;
	redis-py) "$py" python/bench_threads.py redis-py "$(entry "$server" default)" "$prefix" "$n" "$secs" ;;
	esac
}

clients="hiredis go go-bp0 capi capi-bp0 shim redis-py"
[ -z "$base_lib" ] || clients="$clients capi-base"
# The keys first: hiredis reads what the others write.
for server in standalone cluster; do
	cell "$server" go 64 0.1 >/dev/null
done
echo "load before: $(uptime)"
for _ in $(seq "$rounds"); do
	for server in standalone cluster; do
		for n in $counts; do
			for client in $clients; do
				line="$(cell "$server" "$client" "$n")"
				printf '%s\t%s\t%s\t%s\n' "$server" "$client" "$n" "$line" >>"$tmp/results"
			done
		done
	done
done
echo "load after: $(uptime)"
"$py" - "$tmp/results" "$counts" "$clients" <<'PY'
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    server, client, n, result = line.rstrip("\n").split("\t")
    fields = dict(f.split("=") for f in result.split())
    rows[server, client, int(n)].append((float(fields["ops_per_s"]), float(fields["cpu_us_per_op"])))
counts = [int(c) for c in sys.argv[2].split()]
clients = sys.argv[3].split()

def cell(server, client, n):
    runs = rows[server, client, n]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

names = {
    "hiredis": "hiredis, a connection per thread",
    "go": "core from Go goroutines",
    "go-bp0": "core from Go, BUSY_POLL 0",
    "capi": "C ABI from pthreads",
    "capi-bp0": "C ABI, BUSY_POLL 0",
    "shim": "Python shim from threads",
    "redis-py": "redis-py from threads",
    "capi-base": "C ABI, the baseline library",
}
names = {c: names[c] for c in clients}
print()
print("| server | client | " + " | ".join(f"{n} thr." for n in counts) + " |")
print("|---|---|" + "---:|" * len(counts))
for server in ("standalone", "cluster"):
    for client in names:
        cells = []
        for n in counts:
            ops, cpu = cell(server, client, n)
            cells.append(f"{ops / 1000:.1f}k, {cpu:.0f} µs")
        print(f"| {server} | {names[client]} | " + " | ".join(cells) + " |")
print()
print("Each cell: GETs per second, and the client's CPU per GET.")
print()
print("Ratios:")
for server in ("standalone", "cluster"):
    ops = {c: [cell(server, c, n)[0] for n in counts] for c in names}
    cpu = {c: [cell(server, c, n)[1] for n in counts] for c in names}
    def ratios(a, b, what=ops):
        return ", ".join(f"{n}: {x / y:.2f}" for n, x, y in zip(counts, what[a], what[b]))
    print(f"- {server}: C ABI / core from Go, ops/s: {ratios('capi', 'go')}")
    print(f"- {server}: C ABI / hiredis, ops/s: {ratios('capi', 'hiredis')}")
    print(f"- {server}: C ABI / hiredis, CPU per GET: {ratios('capi', 'hiredis', cpu)}")
    print(f"- {server}: shim / redis-py, ops/s: {ratios('shim', 'redis-py')}")
    print(f"- {server}: BUSY_POLL default / 0, C ABI ops/s: {ratios('capi', 'capi-bp0')}; CPU per GET: {ratios('capi', 'capi-bp0', cpu)}")
    print(f"- {server}: BUSY_POLL default / 0, Go ops/s: {ratios('go', 'go-bp0')}; CPU per GET: {ratios('go', 'go-bp0', cpu)}")
    if "capi-base" in names:
        print(f"- {server}: C ABI / the baseline library, ops/s: {ratios('capi', 'capi-base')}; CPU per GET: {ratios('capi', 'capi-base', cpu)}")
PY
