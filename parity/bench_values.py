"""django-redis's own encode/decode per SERIALIZER x COMPRESSOR, for the
values core/codec/bench_test.go (BenchmarkCodec) measures in Go: a ~100 B
dict and a ~100 KB one. Prints one JSON line per case:
{"name": "pickle/zlib/small/encode", "ns_per_op": ..., "bytes": ...}, the
median of --repeat timeit runs. No server is needed: encode/decode never
connect.

    testenv/.venv/bin/python parity/bench_values.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit

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


def per_op(fn, repeat: int) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()  # enough calls for >= 0.2 s
    return statistics.median(t / number for t in timer.repeat(repeat=repeat, number=number)) * 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for s_name, ser in SERIALIZERS.items():
        for c_name, comp in COMPRESSORS.items():
            cache = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"SERIALIZER": ser, "COMPRESSOR": comp}})
            client = cache.client
            for v_name, value in VALUES.items():
                enc = client.encode(value)
                assert client.decode(enc) == value
                for op, fn in (("encode", lambda: client.encode(value)), ("decode", lambda: client.decode(enc))):
                    name = f"{s_name}/{c_name}/{v_name}/{op}"
                    print(json.dumps({"name": name, "ns_per_op": per_op(fn, args.repeat), "bytes": len(enc)}), flush=True)


if __name__ == "__main__":
    main()
