"""Live parity: Django (django-redis with django-ansible-base's client, or
with its own DefaultClient) and redisclient on the same entry, against the
same server, see one cache. The dc- kinds are DefaultClient entries (no
CLIENT_CLASS): on the standalone server, on the ACL server with the
password percent-encoded in LOCATION, and on the replica pair, where both
sides write to the primary and read from the replica. The sentinel kind is
django-redis's SentinelClient on the Sentinel set, under the Django setting
DJANGO_REDIS_CONNECTION_FACTORY on both sides: both write to the master the
sentinels name and read from its replica. tls-sentinel is the same on the
TLS Sentinel set, where the sentinels, the master and the replica all
require client certificates: TLS to the sentinels in SENTINEL_KWARGS, to
the servers in CONNECTION_POOL_KWARGS."""

from __future__ import annotations

import uuid
from typing import Any, Iterator
from urllib.parse import quote

import pytest
import redis
import redisclient
import reference  # noqa: F401  (configures Django's settings, which override_settings needs)
from cases import WITH_FACTORY
from conftest import env
from django.test import override_settings
from django_redis.cache import RedisCache
from report import RECORD

DAB = "ansible_base.lib.redis.RedisClient"


def certs() -> dict[str, Any]:
    folder = env("RC_TEST_CERTS")
    return {
        "ssl_certfile": f"{folder}/client.crt",
        "ssl_keyfile": f"{folder}/client.key",
        "ssl_ca_certs": f"{folder}/ca.crt",
    }


def entries(prefix: str) -> dict[str, dict[str, Any]]:
    cluster = env("RC_TEST_CLUSTER")
    kinds = {
        "standalone": ("redis://" + env("RC_TEST_STANDALONE") + "/0", {}),
        "cluster": ("redis://" + cluster.split(",")[0], {"mode": "cluster", "redis_hosts": cluster}),
        "tls": ("rediss://" + env("RC_TEST_TLS"), certs()),
        "unix": ("unix://" + env("RC_TEST_UNIX") + "?db=0", {}),
    }
    found = {
        name: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"CLIENT_CLASS": DAB, "CLIENT_CLASS_KWARGS": kwargs},
        }
        for name, (location, kwargs) in kinds.items()
    }
    acl = f"{quote(env('RC_TEST_ACL_USER'), safe='')}:{quote(env('RC_TEST_ACL_PASSWORD'), safe='')}@{env('RC_TEST_ACL')}"
    for name, location in {
        "dc-standalone": "redis://" + env("RC_TEST_STANDALONE") + "/0",
        "dc-acl": "redis://" + acl + "/0",
        "dc-pair": ["redis://" + env("RC_TEST_PAIR_PRIMARY") + "/0", "redis://" + env("RC_TEST_PAIR_REPLICA") + "/0"],
    }.items():
        found[name] = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": prefix, "OPTIONS": {}}
    for name, group in {"sentinel": "RC_TEST_SENTINEL", "tls-sentinel": "RC_TEST_TLS_SENTINEL"}.items():
        found[name] = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://" + env(group + "_SERVICE") + "/0",
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "SENTINELS": [[h, int(p)] for h, p in (a.rsplit(":", 1) for a in env(group + "S").split(","))],
            },
        }
    tls = {"ssl": True, **certs()}
    found["tls-sentinel"]["OPTIONS"] |= {"SENTINEL_KWARGS": tls, "CONNECTION_POOL_KWARGS": tls}
    return found


def connect(address: str, kind: str) -> redis.Redis:
    """A plain redis-py connection to one server of the kind's set."""
    host, port = address.rsplit(":", 1)
    tls: dict[str, Any] = {"ssl": True, **certs()} if kind.startswith("tls") else {}
    return redis.Redis(host=host, port=int(port), **tls)


def sentinel_master(kind: str) -> str:
    """The address the sentinels of the kind's Sentinel set name as the master."""
    group = "RC_TEST_TLS_SENTINEL" if kind == "tls-sentinel" else "RC_TEST_SENTINEL"
    with connect(env(group + "S").split(",")[0], kind) as s:
        host, port = s.sentinel_get_master_addr_by_name(env(group + "_SERVICE"))
    return f"{host.decode() if isinstance(host, bytes) else host}:{port}"


# What writes, on either side: on the replica pair and the Sentinel set each
# is followed by a barrier, so that the reads after it, which both sides send
# to the replica, see it. WAIT counts only the writes of its own connection:
# the barrier is a write on the connection that waits, after the other
# side's write in the one replication stream.
WRITES = {"set", "set_many", "add", "incr", "decr", "delete", "delete_many", "touch", "expire", "persist", "set_bytes"}
BARRIER = "parity-replication-barrier"


class Replicated:
    def __init__(self, target: Any, primary: redis.Redis) -> None:
        self._target, self._primary = target, primary

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if name not in WRITES:
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            finally:
                self._primary.set(BARRIER, 1, ex=60)
                assert self._primary.wait(1, 5000) == 1, "the replica did not acknowledge the write"

        return write


@pytest.fixture(params=["standalone", "cluster", "tls", "unix", "dc-standalone", "dc-acl", "dc-pair", "sentinel", "tls-sentinel"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[str, RedisCache, redisclient.Client]]:
    prefix = f"parity-{uuid.uuid4().hex[:8]}"
    entry = entries(prefix)[request.param]
    sentinel = request.param in ("sentinel", "tls-sentinel")
    settings = WITH_FACTORY if sentinel else {}
    with override_settings(**settings), redisclient.Client(entry, settings=settings) as ours:
        django_cache = RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})
        backend = redisclient.resolve(entry, settings=settings)["backend"]
        want = DAB
        if request.param.startswith("dc-"):
            want = "django_redis.client.DefaultClient"
        elif sentinel:
            want = "django_redis.client.SentinelClient"
        assert backend == want
        if request.param == "dc-pair" or sentinel:
            primary = connect(sentinel_master(request.param), request.param) if sentinel else redis.Redis.from_url(entry["LOCATION"][0])
            yield request.param, Replicated(django_cache, primary), Replicated(ours, primary)  # type: ignore[misc]
            primary.close()
        else:
            yield request.param, django_cache, ours
        ours.clear()


def check(server: str, name: str, ok: bool) -> None:
    RECORD.live.append((server, name, "same" if ok else "DIFFERENT"))
    assert ok, f"{server}: {name}"


def test_one_namespace(pair: tuple[str, RedisCache, redisclient.Client]) -> None:
    server, django_cache, ours = pair
    django_cache.set("from-django", 41, timeout=100)
    ours.set("from-us", 7, timeout=100)
    raw = django_cache.client.get_client()
    scan = sorted(k.decode() for k in raw.scan_iter(match=f"{django_cache.key_prefix}:*"))
    check(server, "SCAN shows KEY_PREFIX:VERSION:key for both sides' keys",
          scan == [f"{django_cache.key_prefix}:1:from-django", f"{django_cache.key_prefix}:1:from-us"])
    check(server, "a counter Django wrote is read here", ours.get("from-django") == 41 and ours.get_bytes("from-django") == b"41")
    check(server, "a counter written here is read by Django", django_cache.get("from-us") == 7)


def test_timeouts(pair: tuple[str, RedisCache, redisclient.Client]) -> None:
    server, django_cache, ours = pair
    django_cache.set("t1", 1, timeout=100)
    ours.set("t2", 1, timeout=100)
    ours.set("t3", 1)  # the entry's TIMEOUT: 300 s
    django_cache.set("t4", 1, timeout=None)
    check(server, "TTL of Django's write, seen here", abs(ours.ttl("t1") - 100) <= 1)
    check(server, "TTL of our write, seen by Django", abs(django_cache.ttl("t2") - 100) <= 1)
    check(server, "default TIMEOUT", abs(django_cache.ttl("t3") - django_cache.default_timeout) <= 1)
    check(server, "timeout None", ours.ttl("t4") is None and django_cache.ttl("t4") is None)
    ours.touch("t1", 50)
    check(server, "touch here, TTL in Django", abs(django_cache.ttl("t1") - 50) <= 1)
    django_cache.set("t5", 1, timeout=0)
    ours.set("t6", 1, timeout=0)
    check(server, "timeout 0 stores nothing", not ours.has_key("t5") and not django_cache.has_key("t6"))


def test_versions_delete_has_key(pair: tuple[str, RedisCache, redisclient.Client]) -> None:
    server, django_cache, ours = pair
    django_cache.set("v", 2, version=2)
    check(server, "version=2 written by Django, read here", ours.get("v", version=2) == 2 and ours.get("v") is None)
    ours.set("w", 3, version=3)
    check(server, "version=3 written here, read by Django", django_cache.get("w", version=3) == 3)
    check(server, "has_key agrees", django_cache.has_key("w", version=3) and ours.has_key("w", version=3))
    ours.delete("v", version=2)
    check(server, "delete here, gone in Django", django_cache.get("v", version=2) is None)


def test_incr_decr(pair: tuple[str, RedisCache, redisclient.Client]) -> None:
    server, django_cache, ours = pair
    django_cache.set("n", 10)
    ours.incr("n", 5)
    django_cache.decr("n", 2)
    check(server, "incr here and decr in Django on one counter", ours.get("n") == 13 and django_cache.get("n") == 13)
    with pytest.raises(ValueError):
        django_cache.incr("missing")
    with pytest.raises(ValueError):
        ours.incr("missing")
    check(server, "incr of a missing key is a ValueError on both sides", True)


def test_incr_exact_differs_on_purpose(pair: tuple[str, RedisCache, redisclient.Client]) -> None:
    """Past 2**53 django-redis's incr returns its Lua script's number, a
    double, rounded; ours returns what Redis stores. Both store the same."""
    server, django_cache, ours = pair
    raw = django_cache.client.get_client()
    start = 2**63 - 10
    django_cache.set("big", start)
    here = ours.incr("big")
    stored = int(raw.get(django_cache.make_key("big")))
    check(server, "incr near 2**63 here returns what Redis stores", here == stored == start + 1)
    theirs = django_cache.incr("big")
    stored = int(raw.get(django_cache.make_key("big")))
    rounded = stored == start + 2 and theirs != stored
    RECORD.live.append((server, "Django's incr near 2**63 returns a rounded value (deliberate difference)",
                        "yes" if rounded else "no"))
    assert rounded, f"{server}: Django's incr returned {theirs}, Redis stores {stored}"


def test_many_across_slots(pair: tuple[str, RedisCache, redisclient.Client]) -> None:
    server, django_cache, ours = pair
    django_cache.set_many({f"d{i}": i for i in range(50)})
    ours.set_many({f"o{i}": i for i in range(50)})
    got_here = ours.get_many([f"d{i}" for i in range(50)] + ["absent"])
    got_django = django_cache.get_many([f"o{i}" for i in range(50)] + ["absent"])
    check(server, "get_many here of Django's set_many (keys across slots)",
          got_here == {f"d{i}": i for i in range(50)})
    check(server, "get_many in Django of our set_many", got_django == {f"o{i}": i for i in range(50)})
    ours.delete_many([f"d{i}" for i in range(25)])
    check(server, "delete_many here, gone in Django",
          django_cache.get_many([f"d{i}" for i in range(50)]) == {f"d{i}": i for i in range(25, 50)})


def test_clear_differs_on_purpose() -> None:
    """clear(): we remove our prefix only; the reference deletes every key of
    the database. Shown on a database of its own so nothing else is lost."""
    location = "redis://" + env("RC_TEST_STANDALONE") + "/9"
    mine = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "KEY_PREFIX": "mine",
            "OPTIONS": {"CLIENT_CLASS": DAB, "CLIENT_CLASS_KWARGS": {}}}
    other = dict(mine, KEY_PREFIX="other")
    django_mine = RedisCache(location, {k: v for k, v in mine.items() if k != "LOCATION"})
    django_other = RedisCache(location, {k: v for k, v in other.items() if k != "LOCATION"})
    with redisclient.Client(mine) as ours:
        django_mine.set("a", 1)
        django_other.set("b", 2)
        ours.clear()
        kept = django_other.get("b") == 2 and django_mine.get("a") is None
        RECORD.live.append(("standalone", "clear() here removes this prefix only", "yes" if kept else "NO"))
        assert kept
        django_mine.set("a", 1)
        django_mine.clear()
        flushed = django_other.get("b") is None
        RECORD.live.append(("standalone", "Django's clear() removes other prefixes too (deliberate difference)",
                            "yes" if flushed else "no"))
        assert flushed


@pytest.mark.parametrize("server", ["standalone", "cluster"])
def test_our_options_left_to_us(server: str) -> None:
    """OPTIONS keys of ours alone (BUSY_POLL, MAX_DECODED_SIZE) can sit in the
    entry that settings.py gives Django: Django ignores them."""
    entry = entries(f"parity-{uuid.uuid4().hex[:8]}")[server]
    entry["OPTIONS"].update({"BUSY_POLL": 20, "MAX_DECODED_SIZE": 1 << 20})
    django_cache = RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})
    with redisclient.Client(entry) as ours:
        django_cache.set("from-django", {"a": 1}, timeout=100)
        ours.set("from-us", [1, "two"], timeout=100)
        check(server, "an entry with BUSY_POLL and MAX_DECODED_SIZE works on both sides",
              ours.get("from-django") == {"a": 1} and django_cache.get("from-us") == [1, "two"])
        ours.clear()


def get_calls(address: str, group: str) -> int:
    """How many GETs a server has run (INFO commandstats)."""
    with connect(address, group) as r:
        return int(r.info("commandstats").get("cmdstat_get", {}).get("calls", 0))


def assert_gets_on_replica(group: str, primary: str, replica: str, gets: Any) -> None:
    """Five gets by each side reach the replica, and none the primary."""
    for side, get in gets:
        before = get_calls(primary, group), get_calls(replica, group)
        for _ in range(5):
            assert get() == "v"
        after = get_calls(primary, group), get_calls(replica, group)
        ok = after[0] == before[0] and after[1] - before[1] == 5
        RECORD.live.append((group, f"5 gets by {side}: on the replica, none on the primary", "yes" if ok else "NO"))
        assert ok, f"{side}: primary {before[0]}->{after[0]}, replica {before[1]}->{after[1]}"


def test_reads_where_django_sends_them() -> None:
    """DefaultClient on the replica pair: Django's get and ours both go to
    the replica, and neither to the primary."""
    entry = entries(f"parity-{uuid.uuid4().hex[:8]}")["dc-pair"]
    primary, replica = env("RC_TEST_PAIR_PRIMARY"), env("RC_TEST_PAIR_REPLICA")
    django_cache = RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})
    with redisclient.Client(entry) as ours, redis.Redis.from_url("redis://" + primary) as raw:
        django_cache.set("k", "v")
        raw.set(BARRIER, 1, ex=60)
        raw.wait(1, 5000)
        assert_gets_on_replica("dc-pair", primary, replica,
                               (("Django", lambda: django_cache.get("k")), ("redisclient", lambda: ours.get("k"))))
        ours.clear()


@pytest.mark.parametrize("kind", ["sentinel", "tls-sentinel"])
def test_sentinel_reads_where_django_sends_them(kind: str) -> None:
    """SentinelClient on a Sentinel set: Django's writes and ours reach the
    master the sentinels name, and both sides' gets the replica only."""
    entry = entries(f"parity-{uuid.uuid4().hex[:8]}")[kind]
    servers = "RC_TEST_TLS_SENTINEL_" if kind == "tls-sentinel" else "RC_TEST_SENTINEL_"
    primary, replica = sentinel_master(kind), env(servers + "REPLICA")
    assert primary == env(servers + "PRIMARY"), f"the shared {kind} set has failed over"
    with override_settings(**WITH_FACTORY), redisclient.Client(entry, settings=WITH_FACTORY) as ours, \
            connect(primary, kind) as raw:
        django_cache = RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})
        django_cache.set("k", "v")
        ours.set("o", "w")
        raw.set(BARRIER, 1, ex=60)
        raw.wait(1, 5000)
        written = raw.get(django_cache.make_key("k")) is not None and raw.get(django_cache.make_key("o")) is not None
        RECORD.live.append((kind, "Django's set and ours reach the master", "yes" if written else "NO"))
        assert written
        assert_gets_on_replica(kind, primary, replica,
                               (("Django", lambda: django_cache.get("k")), ("redisclient", lambda: ours.get("k"))))
        ours.clear()
