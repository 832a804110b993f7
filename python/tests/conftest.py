"""Entries for the test servers of testenv/redis-env.sh (the same kinds as
core/helpers_test.go). A test that needs a server FAILS when its variable is
missing: a skipped server test would pass CI with nothing tested."""

from __future__ import annotations

import os
import uuid
from typing import Any, Callable, Dict, Iterator, Optional

import pytest

import redisclient

Entry = Dict[str, Any]


def pytest_configure(config: pytest.Config) -> None:
    # Many test keys hold spaces, which Django's (and so our) memcached
    # warning names; the tests of the warning catch it with pytest.warns.
    config.addinivalue_line("filterwarnings", "ignore::redisclient.CacheKeyWarning")


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.fail(f"{name} is not set: source testenv/.run/env.sh (or run through testenv/with-redis.sh)")
    return value


def cert(name: str) -> str:
    return os.path.join(env("RC_TEST_CERTS"), name)


def first_host(name: str) -> str:
    return env(name).split(",")[0]


def tls_kwargs() -> Dict[str, Any]:
    return {
        "ssl": True,
        "ssl_certfile": cert("client.crt"),
        "ssl_keyfile": cert("client.key"),
        "ssl_ca_certs": cert("ca.crt"),
    }


def entry(location: str, prefix: str, kwargs: Optional[Dict[str, Any]] = None, **top: Any) -> Entry:
    e: Entry = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": prefix,
        "OPTIONS": {
            "CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
            "CLIENT_CLASS_KWARGS": kwargs or {},
        },
    }
    e.update(top)
    return e


def standalone(prefix: str, **top: Any) -> Entry:
    return entry(f"redis://{env('RC_TEST_STANDALONE')}/0", prefix, **top)


def _acl(prefix: str) -> Entry:
    return entry(
        f"redis://{env('RC_TEST_ACL')}",
        prefix,
        {"username": env("RC_TEST_ACL_USER"), "password": env("RC_TEST_ACL_PASSWORD")},
    )


def _tls(prefix: str) -> Entry:
    return entry(f"rediss://{env('RC_TEST_TLS')}", prefix, tls_kwargs())


def _cluster(prefix: str) -> Entry:
    return entry(
        f"redis://{first_host('RC_TEST_CLUSTER')}",
        prefix,
        {"mode": "cluster", "redis_hosts": env("RC_TEST_CLUSTER")},
    )


def _tls_cluster(prefix: str) -> Entry:
    kw = tls_kwargs()
    kw.update(clustered=True, clustered_hosts=env("RC_TEST_TLS_CLUSTER"))
    return entry(f"rediss://{first_host('RC_TEST_TLS_CLUSTER')}", prefix, kw)


def sentinels() -> list:
    return [[h, int(p)] for h, p in (a.rsplit(":", 1) for a in env("RC_TEST_SENTINELS").split(","))]


def sentinel_entry(prefix: str, client_class: Optional[str] = None) -> Entry:
    """An entry of the shared Sentinel set; without client_class,
    DefaultClient through SentinelConnectionFactory (every call to the
    master, so read-after-write holds)."""
    options: Dict[str, Any] = {"SENTINELS": sentinels()}
    if client_class:
        options["CLIENT_CLASS"] = client_class
    else:
        options["CONNECTION_FACTORY"] = "django_redis.pool.SentinelConnectionFactory"
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://{env('RC_TEST_SENTINEL_SERVICE')}/0",
        "KEY_PREFIX": prefix,
        "OPTIONS": options,
    }


KINDS: Dict[str, Callable[[str], Entry]] = {
    "standalone": standalone,
    "sentinel": sentinel_entry,
    "acl": _acl,
    "tls": _tls,
    "cluster": _cluster,
    "tls-cluster": _tls_cluster,
}


def unique_prefix(request: pytest.FixtureRequest) -> str:
    # Tests share servers: each gets its own KEY_PREFIX, and clear() at the
    # end deletes only that prefix's keys.
    name = "".join(ch if ch.isalnum() else "-" for ch in request.node.name)[:60]
    return f"pyshim-{name}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def prefix(request: pytest.FixtureRequest) -> str:
    return unique_prefix(request)


@pytest.fixture(params=list(KINDS))
def kind_entry(request: pytest.FixtureRequest) -> Entry:
    return KINDS[request.param](unique_prefix(request))


def _open(e: Entry) -> Iterator[redisclient.Client]:
    c = redisclient.Client(e)
    try:
        yield c
    finally:
        if not c.closed:
            c.clear()
            c.close()


@pytest.fixture
def client(kind_entry: Entry) -> Iterator[redisclient.Client]:
    """A client of every server kind, emptied of its prefix at the end."""
    yield from _open(kind_entry)


@pytest.fixture
def standalone_client(prefix: str) -> Iterator[redisclient.Client]:
    yield from _open(standalone(prefix))
