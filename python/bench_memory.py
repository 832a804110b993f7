"""Peak memory of one get of a large value through the shim, against the
decoded value's size. Per case, a fresh process reads a value the parent
stored and reports two peaks beyond what it held before the get: Python's
own allocations (tracemalloc) and the process's resident set (the
library's Go heap and C buffers included; VmHWM, so an upper bound that
also counts garbage Go has not yet collected).

    set -a; . testenv/.run/env.sh; set +a
    REDISCLIENT_LIBRARY=$PWD/lib/libredisclient.so python python/bench_memory.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
import uuid
from pathlib import Path
from typing import Any, Dict

sys.path.insert(0, str(Path(__file__).resolve().parent))

import redisclient  # noqa: E402

SIZE = 8 << 20
COMPRESSORS = {
    "identity": "django_redis.compressors.identity.IdentityCompressor",
    "zlib": "django_redis.compressors.zlib.ZlibCompressor",
    "zstd": "django_redis.compressors.zstd.ZStdCompressor",
}
VALUES = {
    "str": lambda: "lorem ipsum dolor sit amet " * (SIZE // 27),
    "bytes": lambda: os.urandom(SIZE // 2) * 2,
}


def entry(compressor: str, serializer: str) -> Dict[str, Any]:
    addr = os.environ.get("RC_TEST_STANDALONE")
    if not addr:
        sys.exit("RC_TEST_STANDALONE is not set: source testenv/.run/env.sh first")
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://{addr}/0",
        "KEY_PREFIX": "bench-memory",
        "OPTIONS": {"COMPRESSOR": compressor, "SERIALIZER": serializer},
    }


def peak_rss() -> int:
    """VmHWM: the peak resident set of this process image (ru_maxrss is
    carried over from the parent across fork and exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(spec: Dict[str, Any]) -> None:
    client = redisclient.Client(spec["entry"])
    client.get("warm-up")  # the library and its connection, before the peak
    before = peak_rss()
    tracemalloc.start()
    value = client.get(spec["key"])
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = peak_rss()
    size = len(value.encode()) if isinstance(value, str) else len(value)
    print(json.dumps({"python": py_peak / size, "rss": (after - before) / size}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(json.loads(sys.argv[2]))
        return
    print("| serializer | compressor | value | Python peak / size | RSS peak / size |")
    print("|---|---|---|---:|---:|")
    serializers = {
        "pickle": "django_redis.serializers.pickle.PickleSerializer",
        "json": "django_redis.serializers.json.JSONSerializer",
    }
    for s_name, ser in serializers.items():
        for c_name, comp in COMPRESSORS.items():
            for v_name, make in VALUES.items():
                if s_name == "json" and v_name == "bytes":
                    continue  # JSON has no bytes
                e = entry(comp, ser)
                key = f"v-{uuid.uuid4().hex[:8]}"
                with redisclient.Client(e) as c:
                    c.set(key, make(), timeout=120)
                out = subprocess.run(
                    [sys.executable, __file__, "--child", json.dumps({"entry": e, "key": key})],
                    check=True, capture_output=True, text=True,
                ).stdout
                r = json.loads(out)
                print(f"| {s_name} | {c_name} | {v_name} {SIZE >> 20} MiB | {r['python']:.2f} | {r['rss']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
