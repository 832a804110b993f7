"""django-redis's own API against django-redis itself: each verb done by
django-redis (with django-ansible-base's client) and by the shim on the
same keys, on the standalone server and the cluster, the answers and what
Redis then holds compared."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, Tuple

import pytest
from django.conf import settings

import redisclient
from redisclient import Client

from .conftest import KINDS, unique_prefix

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)

from django_redis.cache import RedisCache  # noqa: E402  (needs the settings)
from redis.exceptions import LockError, LockNotOwnedError  # noqa: E402

Pair = Tuple[RedisCache, Client]


@pytest.fixture(params=["standalone", "cluster"])
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    # Glob characters in the prefix: both sides must escape them (no "\",
    # which django-redis's bracketing does not escape; the Go tests have it).
    entry = KINDS[request.param](unique_prefix(request) + "*?[x]")
    dj = RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})
    with Client(entry) as ours:
        try:
            yield dj, ours
        finally:
            ours.clear()


def test_ttl_pttl_expire(pair: Pair) -> None:
    dj, ours = pair
    dj.set("d", 1, timeout=None)
    ours.set("o", 1, timeout=None)
    assert ours.pttl("d") is dj.pttl("o") is None and ours.pttl("absent") == dj.pttl("absent") == 0
    assert ours.expire("d", 100) is dj.expire("o", 100) is True
    assert 99_000 < ours.pttl("o") <= 100_000 and 99_000 < dj.pttl("d") <= 100_000
    assert ours.ttl("d") == dj.ttl("d") == 100
    assert ours.pexpire("d", 50_500) is dj.pexpire("o", 50_500) is True
    assert 49_000 < ours.pttl("d") <= 50_500 and 49_000 < dj.pttl("o") <= 50_500
    assert ours.expire("d", timedelta(seconds=70)) is True and dj.ttl("d") == 70
    assert ours.pexpire("d", timedelta(seconds=80)) is True and dj.ttl("d") == 80
    when = datetime.now(timezone.utc) + timedelta(seconds=60)
    assert ours.expire_at("d", when) is dj.expire_at("o", when) is True
    assert abs(ours.ttl("o") - 60) <= 1 and abs(dj.ttl("d") - 60) <= 1
    unix_ms = int(time.time() * 1000) + 40_000
    assert ours.pexpire_at("d", unix_ms) is dj.pexpire_at("o", unix_ms) is True
    assert 38_000 < dj.pttl("d") <= 40_000 and 38_000 < ours.pttl("o") <= 40_000
    assert ours.expire_at("d", int(time.time()) + 30) is True and abs(dj.ttl("d") - 30) <= 1
    assert ours.expire_at("absent", when) is dj.expire_at("absent", when) is False
    assert ours.pexpire("absent", 1000) is dj.pexpire("absent", 1000) is False
    assert ours.persist("d") is dj.persist("o") is True
    assert dj.ttl("d") is ours.ttl("o") is None
    assert ours.pexpire_at("d", unix_ms - 100_000) is True and dj.get("d") is None, "a time in the past expires it now"


def test_set_nx_xx(pair: Pair) -> None:
    dj, ours = pair
    for cache, side in ((dj, "d"), (ours, "o")):
        assert cache.set(f"{side}-xx", 1, xx=True) is False
        assert cache.set(f"{side}-nx", 1, nx=True) is True
        assert cache.set(f"{side}-nx", 2, nx=True) is False
        assert cache.set(f"{side}-nx", 3, xx=True, timeout=60) is True
        assert cache.set(f"{side}-gone", 1) in (None, True)
        assert cache.set(f"{side}-gone", 2, xx=True, timeout=0) is True, "timeout 0 deletes, and says it existed"
        assert cache.set(f"{side}-nx0", 2, nx=True, timeout=0) is True, "nx with timeout 0: the key was missing"
    for key in ("d-xx", "o-xx", "d-gone", "o-gone", "d-nx0", "o-nx0"):
        assert ours.get(key) is dj.get(key) is None, key
    for key in ("d-nx", "o-nx"):
        assert ours.get(key) == dj.get(key) == 3 and ours.ttl(key) == dj.ttl(key) == 60
    with pytest.raises(ValueError):
        ours.set("k", 1, nx=True, xx=True)


def test_incr_ignore_key_check(pair: Pair) -> None:
    dj, ours = pair
    assert ours.incr("o", 5, ignore_key_check=True) == dj.incr("d", 5, ignore_key_check=True) == 5
    assert ours.incr("d", 2, ignore_key_check=True) == dj.incr("o", 2, ignore_key_check=True) == 7
    assert ours.get("o") == dj.get("d") == 7 and ours.ttl("o") is dj.ttl("d") is None
    for cache in (dj, ours):
        with pytest.raises(ValueError):
            cache.incr("missing")


def test_keys_iter_keys_delete_pattern(pair: Pair) -> None:
    dj, ours = pair
    for i in range(30):  # over every primary of a cluster
        (dj if i % 2 else ours).set(f"user:{i:02d}", i)
    dj.set("session:1", 1)
    ours.set("user:99", 2, version=2)
    expected = sorted(f"user:{i:02d}" for i in range(30))
    assert ours.keys("user:*") == expected
    assert sorted(ours.keys("*")) == sorted(expected + ["session:1"])
    assert ours.keys("user:*", version=2) == ["user:99"]
    assert ours.keys("user:0?") == expected[:10]
    assert ours.keys("nothing*") == dj.keys("nothing*") == []
    if ours.health()["mode"] == "cluster":
        # django-redis sends KEYS, which redis-py's cluster client sends to
        # one node: it misses the keys of the others, SCAN here does not.
        assert set(dj.keys("user:*")) < set(expected)
    else:
        assert sorted(dj.keys("user:*")) == expected, "the same keys on both sides"
        assert sorted(dj.keys("*")) == sorted(expected + ["session:1"])
        assert dj.keys("user:*", version=2) == ["user:99"]
        assert sorted(dj.keys("user:0?")) == expected[:10]

    it = ours.iter_keys("user:*", itersize=4)
    assert iter(it) is it, "a generator: nothing is read before it is iterated"
    assert sorted(set(it)) == sorted(set(dj.iter_keys("user:*"))) == expected
    assert sorted(set(ours.iter_keys("*"))) == sorted(expected + ["session:1"])

    assert ours.delete_pattern("user:1*") == dj.delete_pattern("user:2*") == 10
    left = sorted(expected[:10])
    assert ours.keys("user:*") == sorted(set(dj.iter_keys("user:*"))) == left
    assert dj.delete_pattern("user:*", itersize=3) == 10
    assert ours.delete_pattern("*") == 1 and list(dj.iter_keys("*")) == []
    assert ours.keys("*", version=2) == ["user:99"], "another version stays"


def test_lock_excludes_across_sides(pair: Pair) -> None:
    dj, ours = pair
    theirs = dj.lock("job", timeout=30)
    assert theirs.acquire(blocking=False)
    mine = ours.lock("job", timeout=30)
    assert mine.acquire(blocking=False) is False, "Django's holder excludes ours"
    t0 = time.monotonic()
    assert mine.acquire(blocking_timeout=0.3, sleep=0.05) is False
    assert 0.2 <= time.monotonic() - t0 < 3
    assert mine.locked() is True and mine.owned() is False
    with pytest.raises(redisclient.LockError):
        mine.release()
    # Only the holder releases: our lock with another token changes nothing.
    mine.local.token = b"not-the-token"
    with pytest.raises(redisclient.LockNotOwnedError):
        mine.release()
    assert theirs.owned() is True and 25 <= ours.ttl("job") <= 30
    theirs.release()
    assert mine.acquire(blocking=False) is True
    assert dj.client.get_client().get(dj.make_key("job")) == mine.local.token, "one key, the token in it"

    other = dj.lock("job", timeout=30)
    assert other.acquire(blocking=False) is False, "our holder excludes Django's"
    with pytest.raises(LockError):
        other.release()
    other.local.token = b"not-the-token"
    with pytest.raises(LockNotOwnedError):
        other.release()
    assert mine.owned()
    # The token is what holds it: Django's Lock with our token acts as holder.
    other.local.token = mine.local.token
    assert other.extend(60) and 85 <= ours.ttl("job") <= 90
    assert mine.extend(10, replace_ttl=True) and dj.ttl("job") == 10
    assert mine.reacquire() and dj.ttl("job") == 30
    other.release()
    with pytest.raises(redisclient.LockNotOwnedError):
        mine.release()
    assert mine.locked() is False


def test_lock_blocking_and_context(pair: Pair) -> None:
    dj, ours = pair
    theirs = dj.lock("w", timeout=30, thread_local=False)  # released by a timer's thread
    assert theirs.acquire()
    threading.Timer(0.2, theirs.release).start()
    mine = ours.lock("w", timeout=5, sleep=0.02)
    t0 = time.monotonic()
    assert mine.acquire(), "a blocking acquire waits for Django's holder"
    assert 0.15 <= time.monotonic() - t0 < 5, "and takes the lock once it is released"
    mine.release()
    with ours.lock("ctx", timeout=10) as held:
        assert held.owned() and not dj.lock("ctx").acquire(blocking=False)
    assert dj.lock("ctx").acquire(blocking=False), "released at the end of the with block"
    with pytest.raises(redisclient.LockError):
        with ours.lock("ctx", blocking_timeout=0.1):
            pass
    forever = ours.lock("forever")
    assert forever.acquire() and ours.ttl("forever") is None
    with pytest.raises(redisclient.LockError):
        forever.extend(1)
    forever.release()
    # The token is per thread, as in redis-py: another thread holds nothing.
    shared = ours.lock("t", timeout=10)
    assert shared.acquire()
    seen: Dict[str, Any] = {}
    t = threading.Thread(target=lambda: seen.update(owned=shared.owned()))
    t.start()
    t.join()
    assert seen["owned"] is False and shared.owned() is True
    shared.release()
    expiring = ours.lock("short", timeout=0.1)
    assert expiring.acquire()
    time.sleep(0.25)
    with pytest.raises(redisclient.LockNotOwnedError):
        expiring.release()


def test_hashes(pair: Pair) -> None:
    dj, ours = pair
    assert ours.hset("o", "a", 1) == dj.hset("d", "a", 1) == 1
    assert ours.hset("o", mapping={"b": [1], "c": "x"}) == dj.hset("d", mapping={"b": [1], "c": "x"}) == 2
    assert ours.hset("o", "a", 2, mapping={2: None}) == dj.hset("d", "a", 2, mapping={2: None}) == 1
    raw = dj.client.get_client()
    stored_o, stored_d = raw.hgetall(dj.make_key("o")), raw.hgetall(dj.make_key("d"))
    assert {f: dj.client.decode(v) for f, v in stored_o.items()} == {f: dj.client.decode(v) for f, v in stored_d.items()}
    assert stored_o[b"a"] == b"2", "an int is stored as its digits, as django-redis stores it"
    for key in ("o", "d"):
        assert ours.hlen(key) == dj.hlen(key) == 4
        assert sorted(ours.hkeys(key)) == sorted(dj.hkeys(key)) == ["2", "a", "b", "c"]
        assert ours.hexists(key, "a") is dj.hexists(key, "a") is True
        assert ours.hexists(key, 2) is dj.hexists(key, 2) is True
        assert ours.hexists(key, "zz") is dj.hexists(key, "zz") is False
    assert ours.hdel("d", "a") == dj.hdel("o", "a") == 1
    assert ours.hdel("d", "a") == dj.hdel("o", "a") == 0
    assert ours.hexists("o", "a") is dj.hexists("d", "a") is False
    assert ours.hlen("absent") == dj.hlen("absent") == 0 and ours.hkeys("absent") == dj.hkeys("absent") == []
    with pytest.raises(ValueError):
        ours.hset("o")
    ours.set("s", "string")
    with pytest.raises(redisclient.CacheError):
        ours.hlen("s")


def test_sorted_sets(pair: Pair) -> None:
    dj, ours = pair
    members = {"a": 1, 2: 2.5, ("t", 1): 3, "d": 4}
    assert ours.zadd("o", members) == dj.zadd("d", members) == 4
    raw = dj.client.get_client()
    assert sorted(raw.zrange(dj.make_key("o"), 0, -1)) == sorted(raw.zrange(dj.make_key("d"), 0, -1)), "members stored alike"
    for key in ("o", "d"):
        other = "d" if key == "o" else "o"
        assert ours.zrange(key, 0, -1) == dj.zrange(other, 0, -1) == ["a", 2, ("t", 1), "d"]
        assert ours.zrange(key, 0, -1, withscores=True) == dj.zrange(other, 0, -1, withscores=True)
        assert ours.zrevrange(key, 0, 1, withscores=True) == dj.zrevrange(other, 0, 1, withscores=True) == [("d", 4.0), (("t", 1), 3.0)]
        assert ours.zrange(key, 0, 0, desc=True) == dj.zrange(other, 0, 0, desc=True) == ["d"]
        assert ours.zcard(key) == dj.zcard(other) == 4
        assert ours.zcount(key, 2, "(4") == dj.zcount(other, 2, "(4") == 2
        assert ours.zcount(key, "-inf", "+inf") == 4
        assert ours.zrangebyscore(key, 1, 3) == dj.zrangebyscore(other, 1, 3) == ["a", 2, ("t", 1)]
        assert ours.zrangebyscore(key, 1, 3, start=1, num=1, withscores=True) == dj.zrangebyscore(other, 1, 3, start=1, num=1, withscores=True)
        assert ours.zrevrangebyscore(key, 4, 2.5) == dj.zrevrangebyscore(other, 4, 2.5) == ["d", ("t", 1), 2]
        assert ours.zrank(key, 2) == dj.zrank(other, 2) == 1
        assert ours.zrank(key, "zz") is dj.zrank(other, "zz") is None
        assert ours.zscore(key, ("t", 1)) == dj.zscore(other, ("t", 1)) == 3.0
        assert ours.zscore(key, "zz") is dj.zscore(other, "zz") is None
        assert ours.zrange(key, 0, 0, withscores=True, score_cast_func=int) == [("a", 1)]
    assert ours.zadd("o", {"a": 10}, nx=True) == dj.zadd("d", {"a": 10}, nx=True) == 0
    assert ours.zadd("o", {"a": 0.5}, xx=True, ch=True) == dj.zadd("d", {"a": 0.5}, xx=True, ch=True) == 1
    assert ours.zadd("o", {"a": 1}, incr=True) == dj.zadd("d", {"a": 1}, incr=True) == 1.5
    assert ours.zadd("o", {"new": 1}, incr=True, xx=True) is dj.zadd("d", {"new": 1}, incr=True, xx=True) is None
    assert ours.zincrby("o", 2, "a") == dj.zincrby("d", 2, "a") == 3.5
    assert ours.zpopmax("o") == dj.zpopmax("d") == ("d", 4.0)
    assert ours.zpopmin("o", 2) == dj.zpopmin("d", 2) == [(2, 2.5), (("t", 1), 3.0)]
    assert ours.zrem("o", "a", "zz") == dj.zrem("d", "a", "zz") == 1
    assert ours.zpopmax("o") is dj.zpopmax("d") is None
    assert ours.zpopmin("o", 3) == dj.zpopmin("d", 3) == []
    assert ours.zadd("o", {1: 1, 2: 2, 3: 3}) == dj.zadd("d", {1: 1, 2: 2, 3: 3}) == 3
    assert ours.zremrangebyscore("o", "(1", 3) == dj.zremrangebyscore("d", "(1", 3) == 2
    assert ours.zrange("d", 0, -1) == dj.zrange("o", 0, -1) == [1]
