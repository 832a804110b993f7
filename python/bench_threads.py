"""The Python side of scripts/bench_threads.sh: GETs of 100 bytes from
Python threads sharing one client, the shim's or redis-py's, with the
process's CPU per GET. Prints the line bench/threads.c prints.

    python bench_threads.py shim ENTRY.json PREFIX THREADS SECONDS
    python bench_threads.py redis-py ENTRY.json PREFIX THREADS SECONDS

Thread i reads key "t<i>" (PREFIX:1:t<i> in Redis, Django's key function),
written beforehand by the shim. redis-py gets a standalone client or a
RedisCluster from the entry's address(es), as bench.py does.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, List

sys.path.insert(0, str(Path(__file__).resolve().parent))

import redisclient  # noqa: E402

VALUE = b"v" * 100


def cpu_seconds() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def redis_py(entry: Any) -> Any:
    import redis
    from redis.cluster import ClusterNode, RedisCluster

    kwargs = entry.get("OPTIONS", {}).get("CLIENT_CLASS_KWARGS", {})
    if kwargs.get("mode") == "cluster":
        hosts = [a.rsplit(":", 1) for a in kwargs["redis_hosts"].split(",")]
        return RedisCluster(startup_nodes=[ClusterNode(h, int(p)) for h, p in hosts])
    return redis.Redis.from_url(entry["LOCATION"], max_connections=100)


def main(argv: List[str]) -> None:
    if len(argv) != 5 or argv[0] not in ("shim", "redis-py"):
        sys.exit("usage: bench_threads.py shim|redis-py ENTRY.json PREFIX THREADS SECONDS")
    kind, path, prefix, n, secs = argv[0], argv[1], argv[2], int(argv[3]), float(argv[4])
    entry = json.loads(Path(path).read_text())
    shim = redisclient.Client(entry)
    for i in range(n):
        shim.set_bytes(f"t{i}", VALUE, timeout=None)
    get: Callable[[int], Any]
    if kind == "shim":
        get = lambda i: shim.get_bytes(f"t{i}")  # noqa: E731
    else:
        rpy = redis_py(entry)
        get = lambda i: rpy.get(f"{prefix}:1:t{i}")  # noqa: E731

    stop = threading.Event()
    start = threading.Barrier(n + 1)
    counts = [0] * n
    failures: List[str] = []

    def worker(i: int) -> None:
        start.wait()
        done = 0
        while not stop.is_set():
            v = get(i)
            if v is None or len(v) != len(VALUE):
                failures.append(f"t{i}: {v!r}")
                break
            done += 1
        counts[i] = done

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    start.wait()
    time.sleep(secs)
    stop.set()
    elapsed, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    for t in threads:
        t.join()
    shim.close()
    if failures:
        sys.exit("bench_threads.py: " + failures[0])
    ops = sum(counts)
    print(f"ops_per_s={ops / elapsed:.0f} cpu_us_per_op={cpu * 1e6 / max(ops, 1):.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
