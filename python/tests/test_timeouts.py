"""Timeouts as Django takes them (DEFAULT_TIMEOUT, None, seconds, zero or
negative) and the entry's TIMEOUT and VERSION."""

from __future__ import annotations

import math
import time

import pytest
from django.core.cache.backends.base import DEFAULT_TIMEOUT as DJANGO_DEFAULT_TIMEOUT

import redisclient
from redisclient import DEFAULT_TIMEOUT, Client

from .conftest import standalone


def test_timeout_kinds(client: Client) -> None:
    client.set("default", b"x")
    assert 299 <= client.ttl("default") <= 300, "Django's default TIMEOUT is 300 s"
    client.set("explicit-default", b"x", timeout=DEFAULT_TIMEOUT)
    assert 299 <= client.ttl("explicit-default") <= 300
    client.set("django-default", b"x", timeout=DJANGO_DEFAULT_TIMEOUT)
    assert 299 <= client.ttl("django-default") <= 300, "Django's own sentinel is the default too"
    client.set("never", b"x", timeout=None)
    assert client.ttl("never") is None
    client.set("seconds", b"x", timeout=42)
    assert 41 <= client.ttl("seconds") <= 42
    client.set("float", b"x", timeout=42.5)
    assert 42 <= client.ttl("float") <= 43

    for t in (0, -1, -0.5):
        client.set("gone", b"x", timeout=None)
        client.set("gone", b"y", timeout=t)
        assert client.get("gone") is None, f"set with timeout={t} deletes, as Django"

    assert client.add("add0", b"x", timeout=0) is True, "the key was missing"
    assert client.has_key("add0") is False, "add with timeout 0 writes nothing"

    client.set_many({"a": b"1", "b": b"2"}, timeout=None)
    client.set_many({"a": b"1", "b": b"2"}, timeout=0)
    assert client.get_many(["a", "b"]) == {}

    client.set_many({"c": b"3"}, timeout=7)
    assert 6 <= client.ttl("c") <= 7

    client.set("touched", b"x", timeout=None)
    assert client.touch("touched", 0) is True
    assert client.get("touched") is None, "touch with 0 expires now"
    client.set("touched", b"x")
    assert client.touch("touched", None) is True
    assert client.ttl("touched") is None


def test_values_expire(standalone_client: Client) -> None:
    standalone_client.set("short", b"x", timeout=0.3)
    assert standalone_client.get("short") == b"x"
    deadline = time.monotonic() + 5
    while standalone_client.get("short") is not None:
        assert time.monotonic() < deadline, "a 0.3 s value still there after 5 s"
        time.sleep(0.05)


def test_bad_timeouts(standalone_client: Client) -> None:
    with pytest.raises(redisclient.InvalidArgumentError) as info:
        standalone_client.set("k", b"x", timeout=math.nan)
    assert "timeout" in str(info.value)
    with pytest.raises(redisclient.InvalidArgumentError):
        standalone_client.set("k", b"x", timeout=math.inf)
    with pytest.raises(TypeError):
        standalone_client.set("k", b"x", timeout=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        standalone_client.set("k", b"x", timeout="60")  # type: ignore[arg-type]
    assert standalone_client.get("k") is None, "nothing written by a refused call"


def test_entry_timeout_and_version(prefix: str) -> None:
    with Client(standalone(prefix, TIMEOUT=60, VERSION=3)) as c:
        c.set("k", b"v")
        assert 59 <= c.ttl("k") <= 60, "the entry's TIMEOUT is the default"
        assert c.get("k", version=3) == b"v", "the entry's VERSION is the default version"
        assert c.get("k", version=1) is None
        c.clear()
    with Client(standalone(prefix, TIMEOUT=None)) as c:
        c.set("k", b"v")
        assert c.ttl("k") is None, "TIMEOUT None never expires"
        c.clear()


def test_bad_version(standalone_client: Client) -> None:
    with pytest.raises(ValueError):
        standalone_client.get("k", version=2**31)
    with pytest.raises(TypeError):
        standalone_client.get("k", version="2")  # type: ignore[arg-type]
