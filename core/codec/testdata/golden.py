"""Golden vectors made by the real django-redis client.

Modes:
  golden.py gen    -> JSON lines {serializer, compressor, name, hex, decoded}
                      (decoded: client.decode(hex), type-tagged, or
                      decode_error when that raises) or
                      {..., error: "TypeError"} when django-redis refuses.
  golden.py check  <- JSON lines {serializer, compressor, name, hex} on stdin;
                      -> JSON lines {name, serializer, compressor, ok, detail}:
                      ok when client.decode(hex) strictly equals what
                      django-redis decodes from its own encoding of name.
"""
import datetime
import decimal
import json
import sys
import uuid
from pathlib import Path

import django
from django.conf import settings

# The short names of django-redis's classes, shared with the parity suite.
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "parity"))
from django_codecs import COMPRESSORS, SERIALIZERS  # noqa: E402

# Nothing connects: encode/decode never touch the server.
settings.configure(
    CACHES={
        f"{s}-{c}": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SERIALIZER": sp, "COMPRESSOR": cp},
        }
        for s, sp in SERIALIZERS.items()
        for c, cp in COMPRESSORS.items()
    },
    USE_TZ=True,
)
django.setup()
from django.core.cache import caches  # noqa: E402

UTC = datetime.timezone.utc
PLUS2 = datetime.timezone(datetime.timedelta(hours=2))

VALUES = {
    "none": None,
    "true": True,
    "zero": 0,
    "minus5": -5,
    "big": 2**70,
    "float": 1.5,
    "empty_str": "",
    "hello": "héllo",
    "bytes": b"\x00\xff",
    "list": [1, "a"],
    "tuple": (1, 2),
    "dict": {"a": 1, 2: "b"},
    "set": {1, 2},
    "frozenset": frozenset({3}),
    "datetime_naive": datetime.datetime(2024, 1, 2, 3, 4, 5, 6789),
    "datetime_utc": datetime.datetime(2024, 1, 2, 3, 4, 5, 6789, tzinfo=UTC),
    "datetime_plus2": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=PLUS2),
    "date": datetime.date(2024, 2, 29),
    "time": datetime.time(1, 2, 3, 4000),
    "timedelta": datetime.timedelta(days=1, seconds=2, microseconds=3),
    "timedelta_neg": datetime.timedelta(seconds=-1),
    "decimal": decimal.Decimal("1.10"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "large_str": "x" * 100_000,
    "large_list": [str(i) for i in range(10_000)],  # > 64 KiB: several pickle frames
    "nested_json": {"list": [1.25, None, False], "tuple": ("t", 1e20), "neg": -(2**40), "emoji": "\U0001F600"},
    "nested": {"list": [1.25, None, False], "tuple": ("t", b"b"), "neg": -(2**40)},
}


def strict_eq(a, b):
    """== that also requires equal types all the way down (1 != True != 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(strict_eq(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(
            strict_eq(k1, k2) and strict_eq(a[k1], b[k2]) for k1, k2 in zip(a, b)
        )
    if isinstance(a, datetime.datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    if isinstance(a, decimal.Decimal):
        return str(a) == str(b)
    return a == b


def tagged(v):
    """v as JSON the Go test turns back into a codec.Value, types kept."""
    if v is None:
        return {"t": "none"}
    for t in (bool, int, float, str, bytes):
        if type(v) is t:
            conv = {int: str, float: float.hex, bytes: bytes.hex}.get(t, lambda x: x)
            return {"t": t.__name__, "v": conv(v)}
    if type(v) in (list, tuple, set, frozenset):
        return {"t": type(v).__name__, "v": [tagged(x) for x in v]}
    if type(v) is dict:
        return {"t": "dict", "v": [[tagged(k), tagged(x)] for k, x in v.items()]}
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return {"t": type(v).__name__, "v": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"t": "timedelta", "v": [v.days, v.seconds, v.microseconds]}
    if isinstance(v, decimal.Decimal):
        return {"t": "decimal", "v": str(v)}
    if isinstance(v, uuid.UUID):
        return {"t": "uuid", "v": v.hex}
    raise TypeError(f"no tag for {type(v)}")


def client(s, c):
    return caches[f"{s}-{c}"].client


def gen():
    for s in SERIALIZERS:
        for c in COMPRESSORS:
            for name, value in VALUES.items():
                row = {"serializer": s, "compressor": c, "name": name}
                try:
                    enc = client(s, c).encode(value)
                except Exception as e:  # django-redis refuses this value
                    row["error"] = type(e).__name__
                    print(json.dumps(row))
                    continue
                if isinstance(enc, int):  # stored raw: redis-py writes str(int)
                    enc = str(enc).encode()
                row["hex"] = enc.hex()
                try:
                    row["decoded"] = tagged(client(s, c).decode(enc))
                except Exception as e:  # written, but django-redis can't read it back
                    row["decode_error"] = type(e).__name__
                print(json.dumps(row))


def check():
    for line in sys.stdin:
        row = json.loads(line)
        cl = client(row["serializer"], row["compressor"])
        out = {k: row[k] for k in ("serializer", "compressor", "name")}
        try:
            want = cl.decode(cl.encode(VALUES[row["name"]]))
            got = cl.decode(bytes.fromhex(row["hex"]))
            out["ok"] = strict_eq(got, want)
            out["detail"] = f"python decoded {got!r:.200}, expected {want!r:.200}"
        except Exception as e:
            out["ok"] = False
            out["detail"] = f"{type(e).__name__}: {e!s:.200}"
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    {"gen": gen, "check": check}[sys.argv[1]]()
