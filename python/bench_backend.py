"""The Django backend (redisclient.django.RedisCache) beside Django's own
RedisCache and django-redis (with django-ansible-base's RedisClient), on
the standalone server and the cluster of testenv/redis-env.sh: get, set,
get_many of 100 and 1000 keys. All three pickle 100-byte values, as Django
does. Django's own RedisCache has no cluster mode: its cluster cells are
empty.

    set -a; . testenv/.run/env.sh; set +a
    PYTHONPATH=python REDISCLIENT_LIBRARY=$PWD/lib/libredisclient.so python python/bench_backend.py

Prints a Markdown table of median microseconds per call from one thread
(the clients take turns call by call),
and each one's ratio to the backend (above 1: the backend is faster).
BENCH_QUICK=1 takes a tenth of the rounds (a smoke run, not figures).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))

VALUE = os.urandom(100)
PREFIX = f"pyshim-bench-backend-{uuid.uuid4().hex[:8]}"
SCALE = 10 if os.environ.get("BENCH_QUICK") else 1
ROUNDS = {"get": 3000, "set": 3000, "get_many 100": 400, "get_many 1000": 60}
CLIENTS = ("backend", "Django RedisCache", "django-redis")


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: source testenv/.run/env.sh first")
    return value


def entry(kind: str, backend: str) -> Dict[str, Any]:
    if kind == "standalone":
        location, kwargs = f"redis://{env('RC_TEST_STANDALONE')}/0", {}
    else:
        hosts = env("RC_TEST_CLUSTER")
        location, kwargs = f"redis://{hosts.split(',')[0]}", {"mode": "cluster", "redis_hosts": hosts}
    e: Dict[str, Any] = {"BACKEND": backend, "LOCATION": location, "KEY_PREFIX": PREFIX}
    if backend != "django.core.cache.backends.redis.RedisCache":
        e["OPTIONS"] = {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": kwargs}
    return e


def setup() -> Any:
    import django
    from django.conf import settings

    caches = {}
    for kind in ("standalone", "cluster"):
        caches[f"backend {kind}"] = entry(kind, "redisclient.django.RedisCache")
        caches[f"django-redis {kind}"] = entry(kind, "django_redis.cache.RedisCache")
    caches["Django RedisCache standalone"] = entry("standalone", "django.core.cache.backends.redis.RedisCache")
    caches["default"] = caches["backend standalone"]
    settings.configure(CACHES=caches, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()
    from django.core.cache import caches as handler

    return handler


def medians_us(fns: Dict[str, Callable[[], Any]], rounds: int) -> Dict[str, float]:
    """Each client's median, the clients taking turns call by call, so that
    a change of load on the machine falls on all of them alike."""
    for _ in range(max(rounds // 10, 5)):
        for fn in fns.values():
            fn()
    clock = time.perf_counter_ns
    times: Dict[str, List[int]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = clock()
            fn()
            times[name].append(clock() - t0)
    return {name: statistics.median(t) / 1000 for name, t in times.items()}


def ops(cache: Any) -> Dict[str, Callable[[], Any]]:
    keys100 = [f"m{i}" for i in range(100)]
    keys1000 = [f"m{i}" for i in range(1000)]
    return {
        "get": lambda: cache.get("m1"),
        "set": lambda: cache.set("s", VALUE),
        "get_many 100": lambda: cache.get_many(keys100),
        "get_many 1000": lambda: cache.get_many(keys1000),
    }


def main() -> None:
    handler = setup()
    rows = []
    for kind in ("standalone", "cluster"):
        caches = {name: handler[f"{name} {kind}"] for name in CLIENTS if f"{name} {kind}" in handler.settings}
        # One writer seeds the keys every client then reads: the same pickles.
        caches["backend"].set_many({f"m{i}": VALUE for i in range(1000)})
        for name, cache in caches.items():
            assert cache.get("m1") == VALUE and len(cache.get_many([f"m{i}" for i in range(100)])) == 100, name
        for op in ROUNDS:
            t: Dict[str, Optional[float]] = {name: None for name in CLIENTS}
            t.update(medians_us({name: ops(cache)[op] for name, cache in caches.items()}, max(ROUNDS[op] // SCALE, 5)))
            rows.append((kind, op, t))
        caches["backend"].clear()

    def cell(v: Optional[float]) -> str:
        return "" if v is None else f"{v:.1f}"

    def ratio(v: Optional[float], base: Optional[float]) -> str:
        return "" if v is None or not base else f"{v / base:.2f}"

    print("| server | operation | backend µs | Django RedisCache µs | django-redis µs | Django RedisCache / backend | django-redis / backend |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for kind, op, t in rows:
        b = t["backend"]
        print(f"| {kind} | {op} | {cell(b)} | {cell(t['Django RedisCache'])} | {cell(t['django-redis'])} "
              f"| {ratio(t['Django RedisCache'], b)} | {ratio(t['django-redis'], b)} |")
    print()
    print(f"- load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
          + (" (BENCH_QUICK: a smoke run, not figures)" if SCALE > 1 else ""))


if __name__ == "__main__":
    main()
