"""Live parity with Django's own RedisCache
(django.core.cache.backends.redis.RedisCache): Django and redisclient on the
same entry, on the standalone server and the replica pair (writes to the
primary, reads from the replica), share keys, TTLs (whole seconds), counters
(stored raw) and values (pickle at protocol 5) both ways. The values are
made by the real backend during the run: Django's writes are read here and
compared with what Django's own get returns."""

from __future__ import annotations

import uuid
from typing import Any, Iterator

import pytest
import redis
import redisclient
from conftest import env
from django.core.cache.backends.redis import RedisCache
from report import RECORD
from test_live import Replicated, assert_gets_on_replica
from test_values import VALUES, Model, outcome, same

BACKEND = "django.core.cache.backends.redis.RedisCache"


def entry(kind: str, prefix: str) -> dict[str, Any]:
    location = {
        "dj-standalone": "redis://" + env("RC_TEST_STANDALONE") + "/0",
        "dj-pair": "redis://" + env("RC_TEST_PAIR_PRIMARY") + "/0;redis://" + env("RC_TEST_PAIR_REPLICA") + "/0",
    }[kind]
    return {"BACKEND": BACKEND, "LOCATION": location, "KEY_PREFIX": prefix, "TIMEOUT": 300, "OPTIONS": {"socket_timeout": 5}}


@pytest.fixture(params=["dj-standalone", "dj-pair"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any, Any, redis.Redis]]:
    e = entry(request.param, f"parity-dj-{uuid.uuid4().hex[:8]}")
    django_cache = RedisCache(e["LOCATION"], {k: v for k, v in e.items() if k != "LOCATION"})
    primary = redis.Redis.from_url(e["LOCATION"].split(";")[0])
    with redisclient.Client(e) as ours:
        assert redisclient.resolve(e)["backend"] == BACKEND
        if request.param == "dj-pair":
            yield request.param, Replicated(django_cache, primary), Replicated(ours, primary), primary
        else:
            yield request.param, django_cache, ours, primary
        ours.clear()
    primary.close()


def check(server: str, name: str, ok: bool) -> None:
    RECORD.live.append((server, name, "same" if ok else "DIFFERENT"))
    assert ok, f"{server}: {name}"


def pttl(raw: redis.Redis, django_cache: Any, key: str) -> int:
    return int(raw.pttl(django_cache.make_key(key)))


def test_keys_and_counters(pair: tuple[str, Any, Any, redis.Redis]) -> None:
    server, django_cache, ours, raw = pair
    django_cache.set("from-django", 41, timeout=100)
    ours.set("from-us", 7, timeout=100)
    prefix = django_cache.key_prefix
    scan = sorted(k.decode() for k in raw.scan_iter(match=f"{prefix}:*"))
    check(server, "SCAN shows KEY_PREFIX:VERSION:key for both sides' keys", scan == [f"{prefix}:1:from-django", f"{prefix}:1:from-us"])
    check(server, "a counter Django wrote (raw digits) is read here",
          ours.get("from-django") == 41 and ours.get_bytes("from-django") == b"41")
    check(server, "a counter written here is read by Django", django_cache.get("from-us") == 7)
    ours.incr("from-django", 5)
    django_cache.decr("from-django", 2)
    check(server, "incr here and decr in Django on one counter", ours.get("from-django") == 44 and django_cache.get("from-django") == 44)
    with pytest.raises(ValueError):
        django_cache.incr("missing")
    with pytest.raises(ValueError):
        ours.incr("missing")
    big = 2**63 - 10
    django_cache.set("big", big)
    here, theirs = ours.incr("big"), django_cache.incr("big")
    stored = int(raw.get(django_cache.make_key("big")))
    check(server, "incr near 2**63: both return what Redis stores (Django's INCRBY is exact)",
          (here, theirs, stored) == (big + 1, big + 2, big + 2))
    django_cache.set_many({f"d{i}": i for i in range(20)})
    ours.set_many({f"o{i}": i for i in range(20)})
    check(server, "get_many both ways", ours.get_many([f"d{i}" for i in range(20)]) == {f"d{i}": i for i in range(20)}
          and django_cache.get_many([f"o{i}" for i in range(20)]) == {f"o{i}": i for i in range(20)})
    ours.delete_many([f"d{i}" for i in range(10)])
    django_cache.delete_many([f"o{i}" for i in range(10)])
    check(server, "delete_many both ways", len(django_cache.get_many([f"d{i}" for i in range(20)])) == 10
          and len(ours.get_many([f"o{i}" for i in range(20)])) == 10)
    django_cache.set("v", 2, version=2)
    check(server, "version=2 written by Django, read here", ours.get("v", version=2) == 2 and ours.get("v") is None)
    check(server, "has_key agrees", ours.has_key("v", version=2) and django_cache.has_key("v", version=2))


def test_timeouts_whole_seconds(pair: tuple[str, Any, Any, redis.Redis]) -> None:
    server, django_cache, ours, raw = pair
    django_cache.set("t1", 1, timeout=2.9)
    ours.set("t2", 1, timeout=2.9)
    check(server, "timeout 2.9 is int(2.9) = 2 s on both sides (EX)",
          1000 < pttl(raw, django_cache, "t1") <= 2000 and 1000 < pttl(raw, django_cache, "t2") <= 2000)
    django_cache.set("t3", 1, timeout=0.5)
    ours.set("t4", 1, timeout=0.5)
    check(server, "timeout 0.5 is 0: nothing stored on either side", not ours.has_key("t3") and not django_cache.has_key("t4"))
    ours.set("t5", 1)
    check(server, "default TIMEOUT", 299_000 < pttl(raw, django_cache, "t5") <= 300_000)
    django_cache.set("t6", 1, timeout=None)
    check(server, "timeout None", ours.ttl("t6") is None)
    ours.touch("t5", 50.9)
    check(server, "touch here (50.9 s is 50), TTL as Django sets it", 49_000 < pttl(raw, django_cache, "t5") <= 50_000)
    django_cache.touch("t6", 40)
    check(server, "touch in Django, TTL here", 39 < ours.ttl("t6") <= 40)
    added = ours.add("a", 1, timeout=0), django_cache.add("b", 1, timeout=0)
    check(server, "add with timeout 0: True, nothing kept, on both sides",
          added == (True, True) and not django_cache.has_key("a") and not ours.has_key("b"))


def test_values_both_ways(pair: tuple[str, Any, Any, redis.Redis]) -> None:
    """Every common value: Django's write read here equals Django's own get
    (types included); our write read by Django is the original; what either
    side stores is raw digits for an int and pickle protocol 5 otherwise."""
    server, django_cache, ours, raw = pair
    failures = []
    checked = 0
    for label, value in VALUES.items():
        name = label.replace(" ", "-")  # Django warns of spaces in keys (memcached's rule)
        wrote = outcome(lambda: django_cache.set(f"dj:{name}", value))
        mine = outcome(lambda: ours.set(f"rc:{name}", value))
        if wrote[0] != mine[0]:
            failures.append(f"{name}: Django's write {wrote[0]}, ours {mine[0]}")
            continue
        if wrote[0] == "refused":
            continue
        checked += 1
        theirs = django_cache.get(f"dj:{name}")
        if not same(ours.get(f"dj:{name}"), theirs):
            failures.append(f"{name}: Django wrote it, the shim reads another value")
        if not same(django_cache.get(f"rc:{name}"), theirs):
            failures.append(f"{name}: the shim wrote it, Django reads another value than its own write")
        for side in ("dj", "rc"):
            stored = raw.get(django_cache.make_key(f"{side}:{name}"))
            raw_int = type(value) is int
            if raw_int and stored != str(value).encode() or not raw_int and stored[:2] != b"\x80\x05":
                failures.append(f"{name}: {side} stored {stored[:8]!r}")
    model = Model(7, "séven")
    django_cache.set("dj:model", model)
    opaque = ours.get("dj:model")
    ours.set("rc:model", opaque)
    if not (isinstance(opaque, redisclient.OpaqueValue) and django_cache.get("rc:model") == model):
        failures.append("model: not read as an opaque value that Django reads back as itself")
    direct = Model(8, "eight")  # pickled by the shim itself, as Django pickles it
    ours.set("rc:model-direct", direct)
    if raw.get(django_cache.make_key("rc:model-direct"))[:2] != b"\x80\x05" or django_cache.get("rc:model-direct") != direct:
        failures.append("model written by the shim: not pickle protocol 5, or Django reads another object")
    checked += 2
    RECORD.values.append(("Django RedisSerializer", "none", server, checked, "same" if not failures else f"DIFFERENT ({len(failures)})"))
    assert not failures, "\n".join(failures)


def test_reads_on_the_replica() -> None:
    """On the replica pair, Django's get and ours both go to the replica."""
    e = entry("dj-pair", f"parity-dj-{uuid.uuid4().hex[:8]}")
    primary, replica = env("RC_TEST_PAIR_PRIMARY"), env("RC_TEST_PAIR_REPLICA")
    django_cache = RedisCache(e["LOCATION"], {k: v for k, v in e.items() if k != "LOCATION"})
    with redisclient.Client(e) as ours, redis.Redis.from_url("redis://" + primary) as raw:
        django_cache.set("k", "v")
        raw.wait(1, 5000)
        assert_gets_on_replica("dj-pair", primary, replica,
                               (("Django", lambda: django_cache.get("k")), ("redisclient", lambda: ours.get("k"))))
        ours.clear()
