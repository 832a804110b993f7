"""django-redis's own encode/decode per SERIALIZER x COMPRESSOR, for the
values core/codec/bench_test.go (BenchmarkCodec) measures in Go: a ~100 B
dict and a ~100 KB one. No server is needed: encode/decode never connect.

    testenv/.venv/bin/python parity/bench_values.py [--repeat 5]

prints one JSON line per case: {"name": "pickle/zlib/small/encode",
"ns_per_op": ..., "bytes": ...}, the median of --repeat timeit runs.

    go test -c -o /tmp/codec.test ./core/codec
    testenv/.venv/bin/python parity/bench_values.py --go /tmp/codec.test [--rounds 3]

runs both sides interleaved instead, case by case (Go's benchmark binary
for one case, then django-redis's timeit of it, then the next case), and
prints a Markdown table of the medians over the rounds and their ratio
(above 1: Go is faster). Both sides are timed in process CPU time (Go's
cpu-ns/op, its garbage collector included; time.process_time here): on
a machine other work loads, wall time measures the load as much as the
code.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import time
import timeit
from typing import Callable, Dict, List, Tuple

import django
from django.conf import settings

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()

from django_redis.cache import RedisCache  # noqa: E402

from django_codecs import COMPRESSORS, SERIALIZERS  # noqa: E402

# The same values as BenchmarkCodec.
VALUES = {
    "small": {"user": "alice", "roles": ["admin", "dev"], "ok": True, "score": 1.5, "id": 123456},
    "large": {"blob": "lorem ipsum dolor sit amet " * 3800, "n": 1},
}

Case = Tuple[str, Callable[[], object], int]


def cases() -> List[Case]:
    out: List[Case] = []
    for s_name, ser in SERIALIZERS.items():
        for c_name, comp in COMPRESSORS.items():
            cache = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"SERIALIZER": ser, "COMPRESSOR": comp}})
            client = cache.client
            for v_name, value in VALUES.items():
                enc = client.encode(value)
                assert client.decode(enc) == value
                prefix = f"{s_name}/{c_name}/{v_name}"
                out.append((prefix + "/encode", lambda c=client, v=value: c.encode(v), len(enc)))
                # Go's cell of what its set does (the bytes in a reused
                # buffer) against the same django-redis encode.
                out.append((prefix + "/encode-set", lambda c=client, v=value: c.encode(v), len(enc)))
                out.append((prefix + "/decode", lambda c=client, e=enc: c.decode(e), len(enc)))
                # Go's cell of what its get does (text sharing the reply).
                out.append((prefix + "/decode-get", lambda c=client, e=enc: c.decode(e), len(enc)))
    return out


def per_op(fn: Callable[[], object], repeat: int, timer_fn: Callable[[], float] = time.perf_counter) -> float:
    timer = timeit.Timer(fn, timer=timer_fn)
    number, _ = timer.autorange()  # enough calls for >= 0.2 s
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number)) * 1e9


_NS = re.compile(r"^BenchmarkCodec/(\S+?)(?:-\d+)?\s+\d+\s.*?([\d.]+) cpu-ns/op")


def go_per_op(binary: str, name: str) -> float:
    pattern = "^BenchmarkCodec$/" + "/".join(f"^{part}$" for part in name.split("/"))
    out = subprocess.run(
        [binary, "-test.run", "^$", "-test.bench", pattern, "-test.benchtime", "200ms", "-test.count", "1"],
        check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        m = _NS.match(line)
        if m and m.group(1) == name:
            return float(m.group(2))
    raise RuntimeError(f"no figure for {name} in:\n{out}")


def fmt(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.2f} µs"


def side_by_side(binary: str, rounds: int, only: str) -> None:
    all_cases = [c for c in cases() if re.search(only, c[0])]
    go: Dict[str, List[float]] = {name: [] for name, _, _ in all_cases}
    py: Dict[str, List[float]] = {name: [] for name, _, _ in all_cases}
    for _ in range(rounds):
        for name, fn, _ in all_cases:
            go[name].append(go_per_op(binary, name))
            py[name].append(per_op(fn, 1, time.process_time))
    print("| serializer/compressor | value | op | Go | django-redis | django-redis / Go |")
    print("|---|---|---|---:|---:|---:|")
    for name, _, _ in all_cases:
        s, c, v, op = name.split("/")
        g, p = statistics.median(go[name]), statistics.median(py[name])
        print(f"| {s}/{c} | {v} | {op} | {fmt(g)} | {fmt(p)} | {p / g:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--go", metavar="BINARY", help="core/codec's test binary (go test -c): run side by side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", metavar="REGEX", help="the cases whose name matches")
    args = parser.parse_args()
    if args.go:
        side_by_side(args.go, args.rounds, args.only)
        return
    for name, fn, size in cases():
        print(json.dumps({"name": name, "ns_per_op": per_op(fn, args.repeat), "bytes": size}), flush=True)


if __name__ == "__main__":
    main()
