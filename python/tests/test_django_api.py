"""Django's cache API (BaseCache) against Django itself: each verb done by
Django and by the shim on the same keys of one cache, the answers and what
Redis then holds compared. "Django" is django-redis with
django-ansible-base's client, the services' backend, on the standalone
server and the cluster; where the answer is Django's own (set_many's
failed keys, delete_many's None, the key warnings) Django's own RedisCache
on the standalone server answers too."""

from __future__ import annotations

import time
import warnings
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from django.conf import settings

import redisclient
from redisclient import Client

from .conftest import KINDS, env, unique_prefix

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)

from django.core.cache.backends.base import CacheKeyWarning, memcache_key_warnings  # noqa: E402
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache  # noqa: E402
from django_redis.cache import RedisCache  # noqa: E402  (needs the settings)

Pair = Tuple[RedisCache, Client]


def django_cache(entry: Dict[str, Any]) -> RedisCache:
    return RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})


@pytest.fixture(params=["standalone", "cluster"])
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    entry = KINDS[request.param](unique_prefix(request))
    with Client(entry) as ours:
        try:
            yield django_cache(entry), ours
        finally:
            ours.clear()


@pytest.fixture
def own_django(request: pytest.FixtureRequest) -> Iterator[Tuple[DjangoRedisCache, Client]]:
    """Django's own RedisCache (standalone only: it has no cluster mode)."""
    entry = KINDS["standalone"](unique_prefix(request))
    theirs = DjangoRedisCache(entry["LOCATION"], {"KEY_PREFIX": entry["KEY_PREFIX"]})
    with Client(entry) as ours:
        try:
            yield theirs, ours
        finally:
            ours.clear()


def raw_keys(dj: RedisCache) -> List[str]:
    """Every key of the cache's prefix, as Redis names them."""
    raw = dj.client.get_client()
    pattern = f"{dj.key_prefix}:*"
    return sorted(k.decode() for k in raw.scan_iter(match=pattern))


KEYS: List[Any] = ["plain", 1, -2, 2.5, b"bk", b"\x00\xff", None, True, ("t", 1), "clé"]


def test_keys_are_formatted_as_django_formats_them(pair: Pair) -> None:
    dj, ours = pair
    for i, key in enumerate(KEYS):
        dj.set(key, f"django {i}")
        assert ours.get(key) == f"django {i}", f"Django's write of {key!r} is read here"
        ours.set(key, f"ours {i}")
        assert dj.get(key) == f"ours {i}", f"our write of {key!r} is read by Django"
    assert raw_keys(dj) == sorted(dj.make_key(k) for k in KEYS), "one Redis key per key, Django's name"
    assert ours.get_many(KEYS) == dj.get_many(KEYS)
    assert ours.get_many([1, "1"]) == {1: "ours 1", "1": "ours 1"}, "1 and '1' are one key, as in Django"


def test_get_or_set(pair: Pair) -> None:
    dj, ours = pair
    calls: List[str] = []

    def make(v: Any) -> Any:
        def f() -> Any:
            calls.append(v)
            return v

        return f

    for cache, name in ((dj, "d"), (ours, "o")):
        assert cache.get_or_set(f"{name}-projector", 42) == 42
        assert cache.get_or_set(f"{name}-projector", 43) == 42, "a hit returns the stored value"
        assert cache.get_or_set(f"{name}-null", None) is None
        assert cache.get(f"{name}-null", "default") is None, "None is stored"
        assert cache.get_or_set(f"{name}-call", make(name)) == name
        assert cache.get_or_set(f"{name}-call", make("again")) == name
        assert cache.get_or_set(f"{name}-zero", "dflt", timeout=0) == "dflt"
        assert cache.get(f"{name}-zero") is None, "timeout 0 stores nothing"
        assert cache.get_or_set(f"{name}-v2", "two", version=2) == "two"
    assert calls == ["d", "o"], "the callable runs only on a miss"
    # Each side reads the other's values, with the same lifetimes.
    for name in ("d", "o"):
        for cache in (dj, ours):
            assert cache.get(f"{name}-projector") == 42
            assert cache.get(f"{name}-call") == name
            assert cache.get(f"{name}-v2", version=2) == "two"
        assert ours.ttl(f"{name}-projector") == dj.ttl(f"{name}-projector")
    # A value Django stored is not replaced.
    dj.set("theirs", [1, 2])
    assert ours.get_or_set("theirs", "mine") == [1, 2]


def test_incr_version(pair: Pair) -> None:
    dj, ours = pair
    for writer, mover in ((dj, ours), (ours, dj)):
        writer.set("v", {"a": 1}, timeout=100)
        writer.set("forever", "f", timeout=None)
        assert mover.incr_version("v") == 2
        assert mover.incr_version("forever", 3) == 4
        for cache in (dj, ours):
            assert cache.get("v") is None and cache.get("v", version=2) == {"a": 1}
            assert cache.get("forever", version=4) == "f"
        assert 95 <= ours.ttl("v", version=2) <= 100 and 95 <= dj.ttl("v", version=2) <= 100, "the TTL is kept"
        assert ours.ttl("forever", version=4) is None and dj.ttl("forever", version=4) is None
        assert mover.decr_version("v", version=2) == 1
        assert writer.get("v") == {"a": 1} and writer.get("v", version=2) is None
        ours.delete("v")
        ours.delete("forever", version=4)
    for cache in (dj, ours):
        with pytest.raises(ValueError):
            cache.incr_version("missing")
        with pytest.raises(ValueError):
            cache.decr_version("missing")
    with pytest.raises(redisclient.NotFoundError):
        ours.incr_version("missing")


def test_has_key_and_in(pair: Pair) -> None:
    dj, ours = pair
    dj.set("there", None)
    ours.set(5, 0)
    for key in ("there", 5, "5", "absent"):
        assert ours.has_key(key) == dj.has_key(key) == (key in ours) == (key in dj), key
    assert "there" in ours and 5 in ours and "absent" not in ours


def test_touch(pair: Pair) -> None:
    dj, ours = pair
    dj.set("t", 1, timeout=10)
    ours.set("u", 1, timeout=10)
    assert ours.touch("t", 100) is True and dj.touch("u", 100) is True
    assert ours.ttl("t") == dj.ttl("t") == 100 and ours.ttl("u") == dj.ttl("u") == 100
    assert ours.touch("t", None) is True and dj.ttl("t") is None
    assert ours.touch("absent", 10) is dj.touch("absent", 10) is False
    assert ours.touch("u", 0) is True and dj.get("u") is None, "timeout 0 expires it now"


def test_delete_results(own_django: Tuple[DjangoRedisCache, Client]) -> None:
    theirs, ours = own_django
    theirs.set_many({"a": 1, "b": 2, "c": 3})
    assert ours.delete("a") is True and theirs.delete("a") is False
    assert ours.delete("a") is theirs.delete("a") is False
    assert ours.delete_many(["b", "absent"]) is None and theirs.delete_many(["c", "absent"]) is None
    assert ours.delete_many([]) is theirs.delete_many([]) is None
    assert theirs.get_many(["a", "b", "c"]) == {} == ours.get_many(["a", "b", "c"])


def test_set_many_answer(own_django: Tuple[DjangoRedisCache, Client]) -> None:
    theirs, ours = own_django
    assert ours.set_many({"a": 1, "b": 2}) == theirs.set_many({"c": 3}) == []
    assert ours.set_many({}) == theirs.set_many({}) == []
    assert theirs.get_many(["a", "b"]) == {"a": 1, "b": 2} and ours.get("c") == 3


@pytest.fixture
def restricted(request: pytest.FixtureRequest) -> Iterator[Tuple[Client, Client]]:
    """A client whose ACL user may write only keys starting with
    KEY_PREFIX:1:ok, and an unrestricted one of the same prefix."""
    import redis

    entry = KINDS["standalone"](unique_prefix(request))
    host, port = env("RC_TEST_STANDALONE").rsplit(":", 1)
    admin = redis.Redis(host=host, port=int(port))
    user = f"pyshim-{unique_prefix(request)[-8:]}"
    admin.acl_setuser(user, enabled=True, passwords=["+pw"], keys=[f"{entry['KEY_PREFIX']}:1:ok*"], commands=["+@all"], channels=["*"])
    limited = dict(entry, OPTIONS={**entry["OPTIONS"], "CLIENT_CLASS_KWARGS": {"username": user, "password": "pw"}})
    try:
        with Client(limited) as c, Client(entry) as full:
            yield c, full
            full.clear()
    finally:
        admin.acl_deluser(user)
        admin.close()


def test_set_many_returns_the_failed_keys(restricted: Tuple[Client, Client]) -> None:
    c, full = restricted
    data: Dict[Any, Any] = {"ok1": 1, "no1": 2, "ok2": [3], b"no2": 4, 7: "x"}
    assert sorted(map(str, c.set_many(data))) == ["7", "b'no2'", "no1"], "the keys as given, Redis refused them"
    assert full.get_many(list(data)) == {"ok1": 1, "ok2": [3]}, "the others are stored"
    assert sorted(c.set_many_bytes({"ok3": b"x", "no3": b"y"})) == ["no3"]
    assert c.set_many({"ok4": 1}) == []


def test_key_warnings_are_djangos(own_django: Tuple[DjangoRedisCache, Client]) -> None:
    theirs, ours = own_django
    for key in ("a" * 300, "with space", "tab\there", "nul\x00", "fine", "x" * 230, 1, b"b\x01"):
        with warnings.catch_warnings(record=True) as mine:
            warnings.simplefilter("always")
            ours.set(key, 1)
            ours.get(key, version=12345)
        with warnings.catch_warnings(record=True) as django_said:
            warnings.simplefilter("always")
            theirs.set(key, 1)
            theirs.get(key, version=12345)
        assert [str(w.message) for w in mine] == [str(w.message) for w in django_said], key
        assert all(issubclass(w.category, CacheKeyWarning) for w in mine)
        assert all(issubclass(w.category, redisclient.CacheKeyWarning) for w in mine)
    assert list(memcache_key_warnings(theirs.make_key("fine"))) == []


def test_close_as_django_closes(pair: Pair) -> None:
    dj, ours = pair
    for cache in (dj, ours):
        cache.set("k", "v")
        cache.close()
        assert cache.get("k") == "v", "a cache is usable after close(), as Django uses it"
        cache.close()
        cache.close()
        assert cache.get_or_set("k2", "w") == "w"
    assert dj.get("k2") == "w"


def test_close_lets_the_connections_go(request: pytest.FixtureRequest) -> None:
    import redis

    name = unique_prefix(request)[-20:]
    entry = KINDS["standalone"](unique_prefix(request))
    entry["OPTIONS"]["CLIENT_CLASS_KWARGS"] = {"client_name": name}
    host, port = env("RC_TEST_STANDALONE").rsplit(":", 1)
    admin = redis.Redis(host=host, port=int(port))

    def ours_open() -> int:
        return sum(1 for c in admin.client_list() if c["name"] == name)

    try:
        with Client(entry) as c:
            c.set("k", "v")
            assert ours_open() >= 1
            c.close()
            deadline = time.monotonic() + 5
            while ours_open() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert ours_open() == 0, "close() lets the connections go"
            assert c.get("k") == "v"
            assert ours_open() >= 1, "the next call connects again"
            c.clear()
    finally:
        admin.close()
