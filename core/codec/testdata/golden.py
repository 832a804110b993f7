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
  golden.py protocols -> JSON lines {name, protocol, hex, decoded}: the
                      PickleSerializer's bytes of each of VALUES and
                      PROTOCOL_VALUES at each pickle protocol 0..HIGHEST,
                      and what it loads from them (type-tagged; "opaque"
                      with the class name for a type Go has no form of),
                      and whether Go's bytes must be identical.
  golden.py reload <- JSON lines {name, protocol, hex}: Go's pickles of an
                      Object view written anew; -> {name, protocol, ok,
                      detail}: ok when Python reads them as the value.
"""
import collections
import datetime
import decimal
import http
import http.cookies
import json
import pickle
import sys
import uuid
import zoneinfo
from pathlib import Path

import pytz

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
from django_redis.serializers.pickle import PickleSerializer  # noqa: E402

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

SHARED = [1, "shared"]
SHARED_BYTES = b"\x00shared\xff"
SHARED_DT = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=PLUS2)

# Values whose opcodes differ by protocol: text ints, INT/LONG bounds, LONG1
# and LONG4, FLOAT text, raw-unicode-escape text (protocol 0's UNICODE),
# bytes as _codecs.encode(str, "latin1") below protocol 3, sets as
# set(list) below 4, UUID through copy_reg._reconstructor below 2, batched
# APPENDS/SETITEMS/ADDITEMS, and objects shared through the memo.
PROTOCOL_VALUES = {
    "false": False,
    "ints": [255, 256, 65535, 65536, 2**31 - 1, -(2**31), 2**31, -(2**31) - 1,
             2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64, -1, -256],
    "long4": 2**2100,  # more than 255 bytes: LONG4
    "long4_neg": -(2**2100) + 12345,
    "floats": [0.0, -0.0, 0.1, 1e20, 1e-300, 5e-324, 1.7976931348623157e308, -2.5],
    "float_specials": [float("inf"), float("-inf"), float("nan")],
    "latin1": "\x80 \xa0 é ü \xff",
    "escapes": "back\\slash \\u0041 \\\\u0042 \\U0001F600 new\nline \r \x00 \x1a \t end\\",
    "astral": "\U0001F600 \U0010FFFF \u20ac",
    "surrogates": "\ud800 x \udfff \ud83d\ude00",
    "long_str": "é" * 300,
    "bytes_all": bytes(range(256)),
    "bytes_escapes": b"\\u0041 \\ \n \r \x00 \x1a",
    "bytes_empty": b"",
    "bytes_large": bytes(range(256)) * 300,  # > 64 KiB: several frames
    "empties": [[], (), {}, set(), frozenset(), "", b""],
    "tuples": [(1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((),)],
    "big_dict": {i: str(i) for i in range(2500)},  # SETITEMS in batches
    "big_set": set(range(2500)),  # ADDITEMS in batches
    "big_frozenset": frozenset(range(1500)),
    "shared": {"a": SHARED, "b": SHARED, "t": (SHARED, SHARED), "s": ["x" * 20] * 3},
    "shared_many": [[i] for i in range(300)] * 2,  # memo indexes past 255: LONG_BINPUT, LONG_BINGET
    "shared_bytes": [SHARED_BYTES, SHARED_BYTES, (SHARED_BYTES,)],
    "shared_datetime": [SHARED_DT, SHARED_DT, {SHARED_DT: SHARED_DT.date()}],
    "nested_sets": {frozenset({1, 2}), frozenset(), (1, "a")},
    "odd_keys": {(1, "a"): None, b"k": 1, 2.5: 2, None: 3, True: 4, datetime.date(2024, 1, 1): 5},
    "ordered_dict": collections.OrderedDict([("b", 1), ("a", 2)]),
    "datetimes": [
        datetime.datetime.min,
        datetime.datetime.max,
        datetime.datetime(2024, 10, 27, 2, 30, fold=1),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=-3, minutes=-30))),
        datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=45), "NPT")),
    ],
    "dates": [datetime.date.min, datetime.date.max, datetime.date(2000, 12, 31)],
    "times": [
        datetime.time(),
        datetime.time(23, 59, 59, 999999),
        datetime.time(1, 2, 3, 4, tzinfo=PLUS2),
        datetime.time(12, 0, fold=1),
    ],
    "timedeltas": [datetime.timedelta.max, datetime.timedelta.min, datetime.timedelta(microseconds=-1)],
    "decimals": [decimal.Decimal(s) for s in ("NaN", "-Infinity", "-0", "1E+3", "123456789012345678901234567890.5")],
    "uuids": [uuid.UUID(int=5), uuid.UUID(int=2**128 - 1), uuid.UUID(int=2**64, is_safe=uuid.SafeUUID.safe)],
    "bytearray": bytearray(b"\x00\xffz"),
    "bytearray_inside": [1, bytearray(b"x")],
    "bytearray_empty": bytearray(),
    "bytearray_large": bytearray(range(256)) * 300,
    "complex": [complex(1, -0.0), complex(float("inf"), 2.5), -1j],
    "ordered_dicts": [collections.OrderedDict(), collections.OrderedDict([(2, "b"), ("a", [1])])],
    "big_list": list(range(2001)),  # batches of 1000 and a last one of 1
    "big_dict_1001": {i: i for i in range(1001)},
    "set_2000": set(range(2000)),  # full batches: an empty ADDITEMS ends them
    "folds": [datetime.datetime(2024, 10, 27, 2, 30, fold=1), datetime.time(1, fold=1)],
    "zoneinfo": datetime.datetime(2024, 7, 1, 12, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
    "zoneinfo_utc": [datetime.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC")), datetime.datetime(2024, 1, 2, tzinfo=zoneinfo.ZoneInfo("UTC"))],
    "pytz": pytz.timezone("Europe/Paris").localize(datetime.datetime(2024, 7, 1, 12, 30)),
    "pytz_utc": datetime.datetime(2024, 1, 1, tzinfo=pytz.utc),
    # Objects of classes the library does not map: read as Object views.
    "range": range(1, 10, 2),
    "slice": slice(1, None, -1),
    "exception": ValueError("bad", 1),
    "defaultdict": collections.defaultdict(list, {"a": [1, 2]}),
    "int_enum": http.HTTPStatus.NOT_FOUND,
    "cookie": http.cookies.SimpleCookie("a=1; b=2"),
    "objects_inside": {"r": range(3), "n": 1},
}

# Values whose bytes Go cannot repeat: Python shares one object where Go
# has equal copies (a memo GET in Python's pickle), or keeps UUID's is_safe.
NOT_BYTE_IDENTICAL = {"shared", "shared_many", "shared_bytes", "shared_datetime", "uuids"}


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
    if type(v) is str:
        try:
            v.encode()
        except UnicodeEncodeError:  # lone surrogates: JSON would lose them
            return {"t": "str8", "v": v.encode("utf-8", "surrogatepass").hex()}
    for t in (bool, int, float, str, bytes):
        if type(v) is t:
            conv = {int: str, float: float.hex, bytes: bytes.hex}.get(t, lambda x: x)
            return {"t": t.__name__, "v": conv(v)}
    if type(v) is bytearray:
        return {"t": "bytearray", "v": v.hex()}
    if type(v) is complex:
        return {"t": "complex", "v": [v.real.hex(), v.imag.hex()]}
    if type(v) in (list, tuple, set, frozenset):
        return {"t": type(v).__name__, "v": [tagged(x) for x in v]}
    if type(v) in (dict, collections.OrderedDict):
        t = "dict" if type(v) is dict else "ordereddict"
        return {"t": t, "v": [[tagged(k), tagged(x)] for k, x in v.items()]}
    if type(v) is datetime.datetime and v.tzinfo is not None and type(v.tzinfo) is not datetime.timezone:
        out = {"t": "datetime", "v": v.isoformat(), "fold": v.fold}
        if isinstance(v.tzinfo, zoneinfo.ZoneInfo):
            out["zone"] = v.tzinfo.key
            return out
        if isinstance(v.tzinfo, datetime.tzinfo) and type(v.tzinfo).__module__.startswith("pytz"):
            out["zone"] = v.tzinfo.zone
            reduced = v.tzinfo.__reduce__()
            out["pytz"] = [tagged(x) for x in (reduced[1] if reduced[0] is not pytz.utc.__reduce__()[0] else ())]
            return out
        raise NoTag(type(v).__qualname__)
    if type(v) is datetime.time and type(v.tzinfo) is datetime.timezone and v.tzinfo != datetime.timezone(v.utcoffset()):
        raise NoTag("time")  # a named timezone: an Object
    if isinstance(v, (datetime.datetime, datetime.time)):
        out = {"t": type(v).__name__, "v": v.isoformat(), "fold": v.fold}
        if type(v.tzinfo) is datetime.timezone and v.tzinfo.tzname(None) != datetime.timezone(v.utcoffset()).tzname(None):
            out["offset_name"] = v.tzinfo.tzname(None)
        return out
    if isinstance(v, datetime.date):
        return {"t": type(v).__name__, "v": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"t": "timedelta", "v": [v.days, v.seconds, v.microseconds]}
    if isinstance(v, decimal.Decimal):
        return {"t": "decimal", "v": str(v)}
    if isinstance(v, uuid.UUID):
        return {"t": "uuid", "v": v.hex}
    raise NoTag(type(v).__qualname__)


class NoTag(TypeError):
    """A type Go has no form of: the library reads its pickle as Opaque."""


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


def protocols():
    for name, value in {**VALUES, **PROTOCOL_VALUES}.items():
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            ser = PickleSerializer({"PICKLE_VERSION": proto})
            enc = ser.dumps(value)
            try:
                decoded = tagged(ser.loads(enc))
            except NoTag as e:
                decoded = {"t": "opaque", "v": str(e)}
            print(json.dumps({"name": name, "protocol": proto, "hex": enc.hex(), "decoded": decoded,
                              "identical": name not in NOT_BYTE_IDENTICAL}))


def same(a, b):
    """a and b are the same value: equal types all the way down, compared
    by == where the type defines it, else by what they pickle as."""
    if type(a) is not type(b):
        return False
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a).__eq__ is not object.__eq__:
        return a == b or (a != a and b != b)  # nan
    ra, rb = a.__reduce_ex__(2), b.__reduce_ex__(2)
    listed = lambda r: tuple(list(x) if hasattr(x, "__next__") else x for x in r)
    return ra[0] is rb[0] and same(listed(ra[1:]), listed(rb[1:]))


def reload():
    """{name, protocol, hex} lines: ok when Python reads hex as the value
    it pickled as name (same())."""
    values = {**VALUES, **PROTOCOL_VALUES}
    for line in sys.stdin:
        row = json.loads(line)
        out = {k: row[k] for k in ("name", "protocol")}
        try:
            want = pickle.loads(pickle.dumps(values[row["name"]], row["protocol"]))
            got = pickle.loads(bytes.fromhex(row["hex"]))
            out["ok"] = same(got, want)
            out["detail"] = f"python read {pickle.loads(bytes.fromhex(row['hex']))!r:.200}"
        except Exception as e:
            out["ok"] = False
            out["detail"] = f"{type(e).__name__}: {e!s:.200}"
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    {"gen": gen, "check": check, "protocols": protocols, "reload": reload}[sys.argv[1]]()
