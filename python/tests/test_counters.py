"""incr and decr at the edges of 64 bits, checked against what another
client (redis-py, GET) reads from Redis."""

from __future__ import annotations

from typing import Callable, Iterator, Tuple

import pytest
import redis
from redis.cluster import ClusterNode, RedisCluster

import redisclient
from redisclient import Client

from .conftest import KINDS, env, unique_prefix

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# The client, and GET of a key of it through redis-py.
Pair = Tuple[Client, Callable[[str], "bytes | None"]]


def _raw(kind: str) -> "redis.Redis | RedisCluster":
    if kind == "standalone":
        host, port = env("RC_TEST_STANDALONE").rsplit(":", 1)
        return redis.Redis(host=host, port=int(port))
    nodes = [ClusterNode(h, int(p)) for h, p in (a.rsplit(":", 1) for a in env("RC_TEST_CLUSTER").split(","))]
    return RedisCluster(startup_nodes=nodes)


@pytest.fixture(params=["standalone", "cluster"])
def pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    prefix = unique_prefix(request)
    raw = _raw(request.param)
    with Client(KINDS[request.param](prefix)) as c:
        try:
            yield c, lambda key: raw.get(f"{prefix}:1:{key}")
        finally:
            c.clear()
            raw.close()


def test_decr_by_int64_min_is_refused(pair: Pair) -> None:
    c, stored = pair
    c.set("n", 5)
    with pytest.raises(redisclient.NotIntegerError) as info:
        c.decr("n", INT64_MIN)
    assert "-9223372036854775808" in str(info.value), "the message names the delta"
    assert isinstance(info.value, ValueError)
    assert stored("n") == b"5", "a refused decr changed the value"


@pytest.mark.parametrize(
    "value, op, delta",
    [
        (INT64_MAX, "incr", 1),
        (INT64_MAX, "decr", -1),
        (1, "incr", INT64_MAX),
        (INT64_MIN, "decr", 1),
        (INT64_MIN, "incr", -1),
        (-1, "incr", INT64_MIN),
        (-2, "decr", INT64_MAX),
    ],
)
def test_overflow_is_refused(pair: Pair, value: int, op: str, delta: int) -> None:
    c, stored = pair
    c.set("n", value)
    with pytest.raises(redisclient.NotIntegerError):
        getattr(c, op)("n", delta)
    assert stored("n") == str(value).encode(), f"a refused {op} changed the value"


@pytest.mark.parametrize(
    "value, op, delta",
    [
        (2**53, "incr", 1),
        (-(2**53), "decr", 1),
        (2**53 + 1, "decr", 2),
        (2**63 - 10, "incr", 1),
        (-(2**63) + 10, "decr", 3),
        (5, "incr", INT64_MIN),
        (0, "incr", INT64_MIN),
        (INT64_MAX - 1, "incr", 1),
        (INT64_MAX, "decr", INT64_MAX),
    ],
)
def test_result_is_what_redis_stores(pair: Pair, value: int, op: str, delta: int) -> None:
    """Past 2**53 a Lua number (a double) would round the result; at
    2**63-10 it wrapped to -2**63."""
    c, stored = pair
    c.set("n", value)
    result = getattr(c, op)("n", delta)
    want = value + delta if op == "incr" else value - delta
    assert stored("n") == str(want).encode(), "Redis stores value + delta"
    assert result == want, f"{op} returned {result}, Redis stores {want}"
    assert c.get("n") == want
