"""redisclient.django.RedisCache beside django-redis on the same entry: a
service that switches its BACKEND shares keys and values with the services
that did not. (Django's own cache test-suite runs on the backend in
tests/django/run.sh.)"""

from __future__ import annotations

import asyncio
import collections
import decimal
import threading
import time
from typing import Any, Dict, Iterator, Tuple

import pytest
from django.conf import settings

from .conftest import KINDS, unique_prefix

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)

from django.utils.safestring import SafeString, mark_safe  # noqa: E402
from django_redis.cache import RedisCache as DjangoRedis  # noqa: E402

from redisclient.django import RedisCache  # noqa: E402

Pair = Tuple[RedisCache, DjangoRedis]

ZLIB = "django_redis.compressors.zlib.ZlibCompressor"
JSON = "django_redis.serializers.json.JSONSerializer"
MSGPACK = "django_redis.serializers.msgpack.MSGPackSerializer"


class Point:
    """An object of a class the library does not represent: pickled."""

    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (other.x, other.y) == (self.x, self.y)


def make(entry: Dict[str, Any]) -> Pair:
    params = {k: v for k, v in entry.items() if k not in ("LOCATION", "BACKEND")}
    return RedisCache(entry["LOCATION"], params), DjangoRedis(entry["LOCATION"], params)


@pytest.fixture(params=["standalone", "cluster", "zlib", "json", "msgpack"])
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    kind = "cluster" if request.param == "cluster" else "standalone"
    entry = KINDS[kind](unique_prefix(request))
    extra = {"zlib": {"COMPRESSOR": ZLIB}, "json": {"SERIALIZER": JSON}, "msgpack": {"SERIALIZER": MSGPACK}}
    entry["OPTIONS"].update(extra.get(request.param, {}))
    ours, theirs = make(entry)
    try:
        yield ours, theirs
    finally:
        ours.clear()


def values(serializer: str) -> Dict[str, Any]:
    common: Dict[str, Any] = {
        "int": 42,
        "negative": -7,
        "big": 2**70,
        "str": "héllo",
        "long": "x" * 1000,  # compressed with zlib
        "list": [1, "a", None, True, 1.5],
        "dict": {"a": {"b": [1, 2]}},
        "none": None,
        "bool": False,
        "float": 2.5,
    }
    if serializer == "pickle":
        common.update(
            {
                "tuple": (1, (2, 3)),
                "set": {1, 2},
                "bytes": b"\x00\xff",
                "decimal": decimal.Decimal("1.10"),
                "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
                "safe": mark_safe("<b>bold</b>"),
                "object": Point(1, 2),
                "nested-object": {"p": [Point(3, 4)]},
            }
        )
    return common


def serializer_of(ours: RedisCache) -> str:
    name = ours._entry["OPTIONS"].get("SERIALIZER", "pickle")
    return {JSON: "json", MSGPACK: "msgpack"}.get(name, "pickle")


def test_values_shared_both_ways(pair: Pair) -> None:
    ours, theirs = pair
    for name, value in values(serializer_of(ours)).items():
        theirs.set(f"t-{name}", value)
        ours.set(f"o-{name}", value)
        for key in (f"t-{name}", f"o-{name}"):
            got_ours, got_theirs = ours.get(key), theirs.get(key)
            assert got_ours == value and got_theirs == value, (name, key, got_ours, got_theirs)
            assert type(got_ours) is type(got_theirs), (name, type(got_ours), type(got_theirs))
    raw = theirs.client.get_client()
    assert raw.get(theirs.make_key("o-int")) == b"42", "ints are digits, as django-redis writes them"
    mine, django = raw.get(theirs.make_key("o-long")), raw.get(theirs.make_key("t-long"))
    if ours._compressed:  # Go's deflate and zlib's differ in the bytes, not in what they hold
        import zlib

        assert zlib.decompress(mine) == zlib.decompress(django) and len(mine) < 1000
    else:
        assert mine == django, "the same bytes as django-redis"
    assert isinstance(ours.get("t-safe", SafeString("")), str)
    vs = values(serializer_of(ours))
    assert ours.get_many([f"t-{n}" for n in vs]) == {f"t-{n}": v for n, v in vs.items()}
    assert theirs.get_many([f"o-{n}" for n in vs]) == {f"o-{n}": v for n, v in vs.items()}


def test_django_api_shared(pair: Pair) -> None:
    ours, theirs = pair
    assert ours.add("a", 1) is True and theirs.add("a", 2) is False
    assert ours.incr("a") == 2 and theirs.incr("a", 10) == 12 and ours.decr("a", 2) == 10
    assert theirs.get("a") == 10
    ours.set("t", "v", timeout=100)
    assert theirs.ttl("t") == ours.ttl("t") == 100
    assert ours.touch("t", 50) is True and theirs.ttl("t") == 50
    assert ours.set_many({"m1": 1, "m2": [2]}) == []
    assert theirs.get_many(["m1", "m2"]) == {"m1": 1, "m2": [2]}
    assert ours.delete_many(["m1", "absent"]) is None and theirs.get("m1") is None
    assert ours.has_key("m2") and "m2" in ours and not ours.has_key("m1")
    assert ours.get_or_set("gos", lambda: {"x": 1}) == {"x": 1} and theirs.get("gos") == {"x": 1}
    assert ours.incr_version("gos") == 2 and theirs.get("gos", version=2) == {"x": 1}
    assert ours.set("nx", 1, nx=True) is True and ours.set("nx", 2, nx=True) is False
    assert ours.set("xx", 1, xx=True) is False and theirs.get("xx") is None
    assert ours.delete("nx") is True and ours.delete("nx") is False
    assert ours.incr("fresh", 3, ignore_key_check=True) == 3


def test_django_redis_verbs(pair: Pair) -> None:
    ours, theirs = pair
    for i in range(12):
        theirs.set(f"user:{i}", i)
    assert sorted(ours.keys("user:*")) == sorted(f"user:{i}" for i in range(12))
    assert sorted(set(ours.iter_keys("user:1*"))) == ["user:1", "user:10", "user:11"]
    assert ours.delete_pattern("user:1*") == 3 and theirs.get("user:10") is None
    assert ours.expire("user:2", 30) and theirs.ttl("user:2") == 30
    assert ours.persist("user:2") and theirs.ttl("user:2") is None
    assert ours.pttl("absent") == 0
    lock = ours.lock("job", timeout=10)
    assert lock.acquire(blocking=False)
    assert not theirs.lock("job").acquire(blocking=False), "a holder through the backend excludes django-redis's"
    lock.release()
    assert ours.hset("h", "f", 1) == 1 and theirs.hlen("h") == 1 and ours.hkeys("h") == ["f"]
    assert ours.zadd("z", {"m": 1}) == 1 and ours.zscore("z", "m") == 1.0
    if not ours._compressed:
        # A member is its stored bytes; compressed, Go's deflate and zlib's
        # write different bytes for one value (README: sorted sets).
        assert theirs.zscore("z", "m") == 1.0


def test_threads_share_one_client(request: pytest.FixtureRequest) -> None:
    entry = KINDS["standalone"](unique_prefix(request))
    a, _ = make(entry)
    b, _ = make(entry)
    seen = []
    t = threading.Thread(target=lambda: seen.append(b.client))
    t.start()
    t.join()
    assert a.client is seen[0], "one library client per entry and process"
    a.clear()


def test_async_methods(request: pytest.FixtureRequest) -> None:
    entry = KINDS["standalone"](unique_prefix(request))
    ours, theirs = make(entry)

    async def run() -> None:
        await ours.aset("k", {"v": 1})
        assert await ours.aget("k") == {"v": 1}
        assert await ours.aadd("k", 2) is False
        assert await ours.aget_or_set("g", 5) == 5
        assert await ours.aincr("g") == 6
        assert await ours.ahas_key("g")
        await ours.aset_many({"m": 1})
        assert await ours.aget_many(["m", "k"]) == {"m": 1, "k": {"v": 1}}
        assert await ours.adelete("m") is True
        await ours.aclose()

    asyncio.run(run())
    assert theirs.get("g") == 6
    ours.clear()


def test_close_keeps_connections_unless_asked(request: pytest.FixtureRequest) -> None:
    entry = KINDS["standalone"](unique_prefix(request))
    ours, _ = make(entry)
    ours.set("k", 1)
    ours.close()
    assert not ours.client.closed, "as django-redis: close() keeps the pool without CLOSE_CONNECTION"
    entry["OPTIONS"]["CLOSE_CONNECTION"] = True
    closing, _ = make(entry)
    closing.get("k")
    closing.close()
    assert closing.client.closed, "CLOSE_CONNECTION: the connections went"
    assert closing.get("k") == 1 and not closing.client.closed, "and the next call reconnects"
    ours.clear()


def test_custom_key_function_is_refused(request: pytest.FixtureRequest) -> None:
    from django.core.exceptions import ImproperlyConfigured

    entry = KINDS["standalone"](unique_prefix(request))
    entry["KEY_FUNCTION"] = lambda key, prefix, version: key
    with pytest.raises(ImproperlyConfigured) as info:
        make(entry)
    assert "KEY_FUNCTION" in str(info.value)
    entry["KEY_FUNCTION"] = "django.core.cache.backends.base.default_key_func"
    make(entry)


def test_sentinel_client_reads_the_factory_setting(prefix: str) -> None:
    """The backend reads DJANGO_REDIS_CONNECTION_FACTORY from Django's
    settings, as django-redis does: a SentinelClient entry works under it
    and is refused without it."""
    from django.test import override_settings

    from redisclient import ConfigurationError

    from .conftest import sentinel_entry

    entry = sentinel_entry(prefix, "django_redis.client.SentinelClient")
    with pytest.raises(ConfigurationError, match="DJANGO_REDIS_CONNECTION_FACTORY"):
        make(entry)[0].set("k", 1)
    with override_settings(DJANGO_REDIS_CONNECTION_FACTORY="django_redis.pool.SentinelConnectionFactory"):
        ours, theirs = make(dict(entry, KEY_PREFIX=prefix + "-set"))
        ours.set("k", {"a": 1}, timeout=60)
        assert ours.client.incr("missing", ignore_key_check=True) == 1  # a write: the master's answer
        deadline = time.monotonic() + 2
        while (got := theirs.get("k")) is None and time.monotonic() < deadline:  # Django reads the replica
            time.sleep(0.01)
        assert got == {"a": 1}
        ours.clear()
