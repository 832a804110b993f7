"""Side-by-side latency from Python: the redisclient shim vs redis-py vs
Django's cache (django-redis with django-ansible-base's RedisClient), on the
standalone server and the cluster of testenv/redis-env.sh.

    set -a; . testenv/.run/env.sh; set +a
    REDISCLIENT_LIBRARY=$PWD/lib/libredisclient.so python python/bench.py

Prints a Markdown table: the median microseconds per operation of each
client and the shim's ratio to redis-py and to Django's cache (below 1 means
the shim is faster). Values are 100 random bytes; the shim and redis-py
store them raw, Django pickles them (as it does in production).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

import redisclient  # noqa: E402

VALUE = os.urandom(100)
PREFIX = f"pyshim-bench-{uuid.uuid4().hex[:8]}"
ROUNDS = {"get": 3000, "set": 3000, "get_many 100": 400, "get_many 1000": 60}


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: source testenv/.run/env.sh first")
    return value


def caches_entry(kind: str) -> Dict[str, Any]:
    if kind == "standalone":
        location, kwargs = f"redis://{env('RC_TEST_STANDALONE')}/0", {}
    else:
        hosts = env("RC_TEST_CLUSTER")
        location, kwargs = f"redis://{hosts.split(',')[0]}", {"mode": "cluster", "redis_hosts": hosts}
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": PREFIX,
        "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": kwargs},
    }


def setup_django() -> Any:
    import django
    from django.conf import settings

    settings.configure(
        CACHES={"default": caches_entry("standalone"), "cluster": caches_entry("cluster")},
        INSTALLED_APPS=[],
        USE_TZ=True,
    )
    django.setup()
    from django.core.cache import caches

    return caches


def redis_py(kind: str) -> Any:
    import redis
    from redis.cluster import ClusterNode, RedisCluster

    if kind == "standalone":
        host, port = env("RC_TEST_STANDALONE").rsplit(":", 1)
        return redis.Redis(host=host, port=int(port), db=0)
    nodes = [ClusterNode(h, int(p)) for h, p in (a.rsplit(":", 1) for a in env("RC_TEST_CLUSTER").split(","))]
    return RedisCluster(startup_nodes=nodes)


def parser_name() -> str:
    try:
        from redis.utils import HIREDIS_AVAILABLE
    except ImportError:
        return "unknown"
    return "hiredis" if HIREDIS_AVAILABLE else "pure-Python (hiredis not installed)"


def median_us(fn: Callable[[], Any], rounds: int) -> float:
    for _ in range(max(rounds // 10, 5)):
        fn()
    clock = time.perf_counter_ns
    times: List[int] = []
    for _ in range(rounds):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times) / 1000


def ops_for(kind: str, shim: redisclient.Client, rpy: Any, dj: Any) -> Dict[str, Dict[str, Callable[[], Any]]]:
    keys100 = [f"m{i}" for i in range(100)]
    keys1000 = [f"m{i}" for i in range(1000)]
    full = lambda k: f"{PREFIX}:1:{k}"  # noqa: E731 - Django's key, so every client reads the same keys
    full100, full1000 = [full(k) for k in keys100], [full(k) for k in keys1000]
    # Seed: raw bytes for the shim's byte calls and redis-py, pickled by
    # Django under version 2 for Django and the shim's value calls, so the
    # two kinds of value never mix.
    shim.set_many_bytes({k: VALUE for k in keys1000})
    dj.set_many({k: VALUE for k in keys1000}, version=2)
    mget = rpy.mget_nonatomic if kind == "cluster" else rpy.mget
    ops: Dict[str, Dict[str, Callable[[], Any]]] = {
        "get": {
            "shim": lambda: shim.get_bytes("m1"),
            "redis-py": lambda: rpy.get(full("m1")),
            "shim values": lambda: shim.get("m1", version=2),
            "django": lambda: dj.get("m1", version=2),
        },
        "set": {
            "shim": lambda: shim.set_bytes("s", VALUE),
            "redis-py": lambda: rpy.set(full("s"), VALUE, px=300_000),
            "shim values": lambda: shim.set("s", VALUE, version=2),
            "django": lambda: dj.set("s", VALUE, version=2),
        },
        "get_many 100": {
            "shim": lambda: shim.get_many_bytes(keys100),
            "redis-py": lambda: mget(full100),
            "shim values": lambda: shim.get_many(keys100, version=2),
            "django": lambda: dj.get_many(keys100, version=2),
        },
    }
    if kind == "cluster":
        ops["get_many 1000"] = {
            "shim": lambda: shim.get_many_bytes(keys1000),
            "redis-py": lambda: mget(full1000),
            "shim values": lambda: shim.get_many(keys1000, version=2),
            "django": lambda: dj.get_many(keys1000, version=2),
        }
    # Every client must answer the same values before it is timed.
    assert all(fn() == VALUE for fn in ops["get"].values())
    assert all(len(fn()) == 100 for fn in ops["get_many 100"].values())
    return ops


def load_to_first_answer(entry: Dict[str, Any], runs: int = 5) -> Tuple[float, float]:
    """Median ms, in fresh processes, of loading the library alone, and of
    loading it through the first Client up to the first answered get."""
    code = f"""
import ctypes, json, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
t0 = time.perf_counter()
import redisclient
c = redisclient.Client(json.loads({json.dumps(json.dumps(entry))}))
c.get("first")
t1 = time.perf_counter()
lib = redisclient._native.loaded().path
c.close()
print(json.dumps([t1 - t0, lib]))
"""
    dlopen_code = """
import ctypes, sys, time
t0 = time.perf_counter(); ctypes.CDLL(sys.argv[1]); print(time.perf_counter() - t0)
"""
    first, load = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
        seconds, path = json.loads(out.stdout)
        first.append(seconds * 1000)
        out = subprocess.run([sys.executable, "-c", dlopen_code, path], capture_output=True, text=True, check=True, timeout=60)
        load.append(float(out.stdout) * 1000)
    return statistics.median(load), statistics.median(first)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    caches = setup_django()
    rows: List[Tuple[str, str, Dict[str, float]]] = []
    lib_path: Optional[str] = None
    for kind, alias in (("standalone", "default"), ("cluster", "cluster")):
        shim = redisclient.Client(caches_entry(kind))
        lib_path = redisclient._native.loaded().path  # type: ignore[union-attr]
        rpy = redis_py(kind)
        dj = caches[alias]
        try:
            for op, clients in ops_for(kind, shim, rpy, dj).items():
                rounds = ROUNDS[op]
                t = {name: median_us(fn, rounds) for name, fn in clients.items()}
                rows.append((kind, op, t))
        finally:
            shim.clear()
            shim.close()
            rpy.close()

    load_ms, first_ms = load_to_first_answer(caches_entry("standalone"))
    import django
    import django_redis
    import redis

    # Two pairs: the shim's byte calls against redis-py (both raw bytes), and
    # its value calls against Django's cache (both pickle, as Django does).
    print("| server | operation | shim bytes µs | redis-py µs | shim values µs | Django cache µs | bytes / redis-py | values / Django |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind, op, t in rows:
        print(f"| {kind} | {op} | {t['shim']:.1f} | {t['redis-py']:.1f} | {t['shim values']:.1f} | {t['django']:.1f} "
              f"| {t['shim'] / t['redis-py']:.2f} | {t['shim values'] / t['django']:.2f} |")
    print()
    size = os.path.getsize(lib_path) if lib_path else 0
    print(f"- library: {lib_path}, {size / 1e6:.1f} MB")
    print(f"- dlopen of the library: {load_ms:.1f} ms; import + first Client + first answered get: {first_ms:.1f} ms (median of 5 fresh processes)")
    print(f"- redis-py {redis.__version__} with the {parser_name()} parser; Django {django.get_version()}, django-redis {django_redis.__version__}")
    print(f"- machine: {len(os.sched_getaffinity(0))} CPUs ({os.cpu_count()} online), {cpu_model()}; Python {platform.python_version()} ({platform.python_implementation()})")
    print("- medians of sequential calls from one thread; the machine may be shared, so figures are indicative")


if __name__ == "__main__":
    main()
