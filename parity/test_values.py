"""Live value parity: for every SERIALIZER x COMPRESSOR on the standalone
server and the cluster, Django (django-redis with django-ansible-base's
client) and redisclient's Python shim read each other's values; and on the
standalone server with django-redis's own DefaultClient (no CLIENT_CLASS);
and on the Sentinel set with its SentinelClient (writes to the master,
reads from the replica, each write waited for on the replica).

- Written by Django, read by the shim: equal (types included) to what
  Django's own cache.get returns.
- Written by the shim, read by Django: equal to what Django reads of its
  own write of the same value (for pickle: the original itself).
- A value Django's serializer refuses is refused by the shim too.
- Pickle: a model-like object (a class of this module) reads as an opaque
  value in the shim and, written back, reads in Django as the same object.
- A pickle that would run os.system stored raw (compressed like the entry's
  values) reads in the shim as the view of that call, never run.
- At every PICKLE_VERSION (0 to 5, -1): what Django writes of the types
  only pickles carry (bytearray, complex, OrderedDict, zoneinfo and pytz
  datetimes) reads in the shim as Django reads it; objects of classes the
  library does not map (HttpResponse, SimpleCookie, exceptions, enums,
  defaultdict, range, slice, a model) read as opaque values with their
  view, which Django reads back as the same objects, written back or
  pickled anew from the view; and the shim stores the exact types with the
  bytes Django's serializer writes.
"""

from __future__ import annotations

import collections
import enum
import http.cookies
import math
import pickle
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import django
import pytest
import pytz
from django.conf import settings

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)
    django.setup()

import redis  # noqa: E402
import redisclient  # noqa: E402
from cases import WITH_FACTORY  # noqa: E402
from conftest import env  # noqa: E402
from django.test import override_settings  # noqa: E402
from django_redis.cache import RedisCache  # noqa: E402
from test_live import Replicated, connect, sentinel_master  # noqa: E402
from test_live import entries as live_entries  # noqa: E402
from report import RECORD  # noqa: E402

DAB = "ansible_base.lib.redis.RedisClient"
from django_codecs import COMPRESSORS, SERIALIZERS  # noqa: E402
SERVERS = ("standalone", "cluster", "dc-standalone", "sentinel")

PLUS2 = timezone(timedelta(hours=2))
LARGE = "lorem ipsum dolor sit amet " * 3800  # ~100 KB: every compressor compresses it

# The common types Django caches. Each serializer takes what it takes: a
# value Django refuses must be refused by the shim as well.
VALUES: dict[str, Any] = {
    "none": None,
    "true": True,
    "false": False,
    "zero": 0,
    "int": -42,
    "int64 max": 2**63 - 1,
    "big int": 2**70,
    "float": 1.5,
    "float whole": 2.0,
    "float inf": math.inf,
    "str": "plain",
    "str non-ascii": "héllo wörld 👋 日本",
    "empty str": "",
    "bytes": bytes(range(256)),
    "list": [1, "a", None, [2.5, True]],
    "tuple": (1, "b", (2, 3)),
    "dict": {"user": "alice", "roles": ["admin", "dev"], "n": 3},
    "dict int keys": {1: "one", 2: "two"},
    "dict tuple keys": {(1, 2): "pair"},
    "set": {1, 2, 3},
    "frozenset": frozenset({"x", "y"}),
    "datetime aware": datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc),
    "datetime aware +2": datetime(2024, 5, 6, 7, 8, 9, tzinfo=PLUS2),
    "datetime naive": datetime(2024, 5, 6, 7, 8, 9, 500000),
    "date": date(2024, 2, 29),
    "time": time(13, 14, 15, 16),
    "time aware": time(13, 14, 15, tzinfo=PLUS2),
    "timedelta": timedelta(days=2, hours=3, microseconds=5),
    "decimal": Decimal("1.10"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "large str": LARGE,
}


# Differences caused by a core bug that this suite may not fix (core/ is
# not the shim's to edit): recorded as such in PARITY.md, and strict — when
# the bug is fixed the entry fails as "fixed" until it is removed here.


class Model:
    """A model-like object: a class redisclient cannot represent."""

    def __init__(self, pk: int, name: str) -> None:
        self.pk, self.name = pk, name

    def __eq__(self, other: object) -> bool:
        return type(other) is Model and (other.pk, other.name) == (self.pk, self.name)


class Color(enum.IntEnum):
    RED = 1


def http_response() -> Any:
    from django.http import HttpResponse

    r = HttpResponse(b"<p>page</p>", headers={"X-A": "1"})
    r.set_cookie("c", "v")
    return r


# What Django caches that JSON lacks: each reads in the shim as Django reads it.
PICKLE_ONLY: dict[str, Any] = {
    "bytearray": bytearray(b"\x00\xffab"),
    "complex": [complex(1, -2.5), -1j],
    "ordered dict": collections.OrderedDict([("b", 1), ("a", [2])]),
    "datetime zoneinfo": datetime(2024, 7, 1, 12, 30, tzinfo=ZoneInfo("Europe/Paris")),
    "datetime pytz": pytz.timezone("Europe/Paris").localize(datetime(2024, 1, 1, 12)),
    "datetime pytz utc": datetime(2024, 1, 1, tzinfo=pytz.utc),
    "datetime named offset": datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=5, minutes=45), "NPT")),
    "datetime fold": datetime(2024, 10, 27, 2, 30, fold=1),
}

# Objects of classes the library does not map (Django's cache middleware
# stores the HttpResponse): opaque values with their view.
PICKLED_OBJECTS: dict[str, Any] = {
    "model": Model(7, "séven"),
    "http response": http_response(),
    "cookie": http.cookies.SimpleCookie("a=1; b=2"),
    "exception": ValueError("bad", 1),
    "defaultdict": collections.defaultdict(list, {"a": [1]}),
    "int enum": Color.RED,
    "range": range(1, 9, 2),
    "slice": slice(1, None),
}

# The exact types the shim hands to the library, which pickles them.
PICKLED_BY_GO = ["dict", "list", "tuple", "dict tuple keys", "set", "frozenset", "datetime aware", "datetime aware +2",
                 "datetime naive", "date", "time aware", "timedelta", "decimal", "uuid", "str non-ascii", "bytes", "large str"]


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (datetime, time)) and a.tzinfo is not None:
        return a == b and a.utcoffset() == b.utcoffset()
    return bool(a == b)


def same_object(a: Any, b: Any) -> bool:
    """The same object of a class without ==: its type and what Python
    pickles of its parts."""
    if type(a) is not type(b):
        return False
    if type(a).__eq__ is not object.__eq__:
        return bool(a == b)
    ra, rb = a.__reduce_ex__(2), b.__reduce_ex__(2)
    listed = lambda r: tuple(list(x) if hasattr(x, "__next__") else x for x in r)  # noqa: E731
    return ra[0] is rb[0] and repr(listed(ra[1:])) == repr(listed(rb[1:]))


def outcome(fn: Any) -> tuple[str, Any]:
    """("ok", value) or ("refused", exception type): a refusal on both
    sides agrees."""
    try:
        return "ok", fn()
    except (TypeError, ValueError, OverflowError) as exc:
        return "refused", type(exc).__name__


def agree(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    return a[0] == b[0] and (a[0] == "refused" or same(a[1], b[1]))


def entry(server: str, prefix: str, serializer: str, compressor: str) -> dict[str, Any]:
    cluster = env("RC_TEST_CLUSTER")
    location, kwargs = {
        "standalone": ("redis://" + env("RC_TEST_STANDALONE") + "/0", {}),
        "cluster": ("redis://" + cluster.split(",")[0], {"mode": "cluster", "redis_hosts": cluster}),
        "dc-standalone": ("redis://" + env("RC_TEST_STANDALONE") + "/0", None),
        "sentinel": (live_entries(prefix)["sentinel"]["LOCATION"], None),
    }[server]
    options: dict[str, Any] = {"SERIALIZER": SERIALIZERS[serializer], "COMPRESSOR": COMPRESSORS[compressor]}
    if server == "sentinel":  # SentinelClient: writes to the master, reads from the replica
        options.update(live_entries(prefix)["sentinel"]["OPTIONS"])
    if kwargs is not None:  # django-ansible-base's client; else DefaultClient
        options.update({"CLIENT_CLASS": DAB, "CLIENT_CLASS_KWARGS": kwargs})
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
        "OPTIONS": options,
    }


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def pair(server: str, serializer: str, compressor: str) -> Iterator[tuple[RedisCache, redisclient.Client]]:
    prefix = f"values-{uuid.uuid4().hex[:8]}"
    e = entry(server, prefix, serializer, compressor)
    settings = WITH_FACTORY if server == "sentinel" else {}
    with override_settings(**settings), redisclient.Client(e, settings=settings) as ours:
        django_cache = RedisCache(e["LOCATION"], {k: v for k, v in e.items() if k != "LOCATION"})
        if server == "sentinel":
            # Each write waits for the replica, which both sides read from.
            with connect(sentinel_master("sentinel"), "sentinel") as primary:
                yield Replicated(django_cache, primary), Replicated(ours, primary)  # type: ignore[misc]
        else:
            yield django_cache, ours
        ours.clear()


def describe(original: Any, back: tuple[str, Any]) -> str:
    if back[0] == "refused":
        return f"refused ({back[1]})"
    got = back[1]
    if type(got) is not type(original):
        return f"{type(original).__name__} -> {type(got).__name__}"
    if isinstance(original, dict) and list(original) != list(got):
        return f"keys {list(original)[:2]} -> {list(got)[:2]}"
    return "differs"


@pytest.mark.parametrize("compressor", list(COMPRESSORS))
@pytest.mark.parametrize("serializer", list(SERIALIZERS))
def test_values_cross(
    server: str, serializer: str, compressor: str, pair: tuple[RedisCache, redisclient.Client]
) -> None:
    django_cache, ours = pair
    failures: list[str] = []
    django_reads: dict[str, tuple[str, Any]] = {}
    accepted: dict[str, Any] = {}
    shim_reads: dict[str, tuple[str, Any]] = {}

    # Django writes; the shim reads each key, then all at once.
    for name, value in VALUES.items():
        wrote = outcome(lambda: django_cache.set(f"dj:{name}", value, timeout=300))
        if wrote[0] == "refused":
            django_reads[name] = ("refused", f"on write, {wrote[1]}")
            mine = outcome(lambda: ours.set(f"rc:{name}", value))
            if mine[0] != "refused":
                failures.append(f"{name}: Django refuses to write it ({wrote[1]}), the shim wrote it")
            continue
        accepted[name] = value
        read = outcome(lambda: django_cache.get(f"dj:{name}"))
        django_reads[name] = read if read[0] == "ok" else ("refused", f"on read, {read[1]}")
        mine = shim_reads[name] = outcome(lambda: ours.get(f"dj:{name}"))
        if not agree(django_reads[name], mine):
            failures.append(f"{name}: Django wrote it; Django reads {django_reads[name]!r:.80}, shim {mine!r:.80}")
    readable = [n for n in accepted if django_reads[n][0] == "ok" and shim_reads[n][0] == "ok"]
    many = ours.get_many([f"dj:{n}" for n in readable])
    for n in readable:
        if not same(many.get(f"dj:{n}"), django_reads[n][1]):
            failures.append(f"{n}: shim get_many differs from Django's get")

    # The shim writes (set_many, and add); Django reads.
    ours.set_many({f"rc:{n}": v for n, v in accepted.items()})
    for name, value in accepted.items():
        theirs = outcome(lambda: django_cache.get(f"rc:{name}"))
        if not agree(django_reads[name], theirs):
            failures.append(f"{name}: shim wrote it; Django reads {theirs!r:.80}, own write {django_reads[name]!r:.80}")
        if serializer == "pickle" and not (theirs[0] == "ok" and same(theirs[1], value)):
            failures.append(f"{name}: pickle must give back the original, got {theirs!r:.80}")
    assert ours.add("rc:added", accepted["dict"]) is True and ours.add("rc:added", 1) is False
    if not agree(outcome(lambda: django_cache.get("rc:added")), django_reads["dict"]):
        failures.append("add: Django reads a different value")
    stored = ours.get_bytes("rc:large str")
    if compressor != "identity" and not (stored and len(stored) < len(LARGE) // 4):
        failures.append(f"large str: stored {len(stored or b'')} bytes, not compressed")

    checked = len(VALUES) + 1
    if serializer == "pickle":
        checked += 1
        model = Model(7, "séven")
        django_cache.set("dj:model", model)
        opaque = ours.get("dj:model")
        if not isinstance(opaque, redisclient.OpaqueValue):
            failures.append(f"model: the shim reads {type(opaque).__name__}, not an opaque value")
        else:
            ours.set("rc:model", opaque)
            back = django_cache.get("rc:model")
            if not (type(back) is Model and back == model):
                failures.append(f"model: written back, Django reads {back!r}")

    # A pickle that would run os.system, compressed like this entry's
    # values, stored raw: read by the shim as data, nothing run.
    checked += 1
    evil = django_cache.client._compressor.compress(b"cos\nsystem\n(S'echo pwned >&2'\ntR.")
    ours.set_bytes("evil", evil)
    view = outcome(lambda: ours.get("evil"))
    system = redisclient.PickledObject(redisclient.PickledGlobal("os", "system"), ("echo pwned >&2",))
    if serializer == "pickle" and not (view[0] == "ok" and isinstance(view[1], redisclient.OpaqueValue) and view[1].value == system):
        failures.append(f"hostile pickle: read as {view!r:.80}, not the view of os.system")

    result = "same" if not failures else f"DIFFERENT ({len(failures)})"
    RECORD.values.append((serializer, compressor, server, checked, result))
    if server == "standalone" and compressor == "identity":
        RECORD.value_notes[serializer] = sorted(
            f"{n}: {describe(VALUES[n], django_reads[n])}"
            for n in VALUES
            if not (django_reads[n][0] == "ok" and same(django_reads[n][1], VALUES[n]))
        )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("version", [0, 1, 2, 3, 4, 5, -1])
def test_pickle_versions(version: int) -> None:
    prefix = f"pickle-v{version}-{uuid.uuid4().hex[:8]}"
    e = entry("standalone", prefix, "pickle", "identity")
    e["OPTIONS"]["PICKLE_VERSION"] = version
    django_cache = RedisCache(e["LOCATION"], {k: v for k, v in e.items() if k != "LOCATION"})
    failures: list[str] = []
    with redisclient.Client(e) as ours:
        for name, value in PICKLE_ONLY.items():
            django_cache.set(f"dj:{name}", value)
            want, got = django_cache.get(f"dj:{name}"), outcome(lambda: ours.get(f"dj:{name}"))
            if not (got[0] == "ok" and same(got[1], want) and type(getattr(got[1], "tzinfo", None)) is type(getattr(want, "tzinfo", None))):
                failures.append(f"{name}: Django reads {want!r:.80}, the shim {got!r:.80}")
        for name, value in PICKLED_OBJECTS.items():
            django_cache.set(f"dj:{name}", value)
            got = outcome(lambda: ours.get(f"dj:{name}"))
            if not (got[0] == "ok" and isinstance(got[1], redisclient.OpaqueValue) and isinstance(got[1].value, redisclient.PickledObject)):
                failures.append(f"{name}: the shim reads {got!r:.80}, not an opaque value with its view")
                continue
            if not got[1].value.class_name.endswith(type(value).__qualname__):
                failures.append(f"{name}: the view's class is {got[1].value.class_name}")
            ours.set(f"rc:{name}", got[1])
            if ours.get_bytes(f"rc:{name}") != ours.get_bytes(f"dj:{name}"):
                failures.append(f"{name}: not written back unchanged")
            ours.set(f"rc:view:{name}", got[1].value)
            back = outcome(lambda: django_cache.get(f"rc:view:{name}"))
            if not (back[0] == "ok" and same_object(back[1], django_cache.get(f"dj:{name}"))):
                failures.append(f"{name}: its view pickled anew, Django reads {back!r:.80}")
        if len(ours.get_many([f"dj:{n}" for n in PICKLED_OBJECTS])) != len(PICKLED_OBJECTS):
            failures.append("get_many of the objects does not give each")
        serializer = django_cache.client._serializer
        for name in PICKLED_BY_GO:
            ours.set(f"rc:{name}", VALUES[name])
            if ours.get_bytes(f"rc:{name}") != serializer.dumps(VALUES[name]):
                failures.append(f"{name}: the shim stores other bytes than Django's serializer writes")
        ours.clear()
    checked = len(PICKLE_ONLY) + len(PICKLED_OBJECTS) + len(PICKLED_BY_GO)
    result = "same" if not failures else f"DIFFERENT ({len(failures)})"
    RECORD.values.append((f"pickle, PICKLE_VERSION {version}", "identity", "standalone", checked, result))
    assert not failures, "\n".join(failures)
