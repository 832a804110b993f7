"""Misuse and failures: closed clients, bad entries, unreachable servers,
wrong argument types; messages name the cause and never the password."""

from __future__ import annotations

import builtins
import threading
import time

import pytest

import redisclient
from redisclient import Client

from .conftest import entry, env, standalone

PASSWORD = "pyshim-S3cret!pw"


def test_close_keeps_the_client_usable(prefix: str) -> None:
    # Django closes its caches after every request and keeps using them:
    # close() lets the connections go, and the next call opens them again.
    c = Client(standalone(prefix))
    c.set("k", b"v")
    assert c.closed is False
    calls = [
        lambda: c.get("k") == b"v",
        lambda: c.set("k", b"v") is None,
        lambda: c.add("k", b"v") is False,
        lambda: c.has_key("k"),
        lambda: "k" in c,
        lambda: c.touch("k"),
        lambda: c.expire("k", 100),
        lambda: c.persist("k"),
        lambda: c.ttl("k") is None,
        lambda: c.get_many(["k"]) == {"k": b"v"},
        lambda: c.set_many({"k": b"v"}) == [],
        lambda: c.get_or_set("k", b"other") == b"v",
        lambda: c.health()["status"] == "good",
        lambda: c.add("n", 1) and c.incr("n") == 2,
        lambda: c.delete_many(["n"]) is None,
        lambda: c.delete("k"),
    ]
    for i, call in enumerate(calls):
        c.close()
        assert c.closed is True
        assert call(), f"call {i} after close()"
        assert c.closed is False, "a call opens the client again"
    c.close()
    c.close()  # a second close does nothing
    assert c.closed is True
    with Client(standalone(prefix)) as other:
        other.set("k2", b"v2")
    assert other.closed
    assert other.get("k2") == b"v2", "a client is usable after its with block"
    other.clear()
    other.close()


def test_close_while_other_threads_call(prefix: str) -> None:
    # Closing cancels the calls in flight: they raise ClosedError, never
    # another error nor a hang, and the calls after it connect again.
    c = Client(standalone(prefix))
    c.set("k", b"v")
    errors: list[str] = []
    outcomes = {"value": 0, "closed": 0}
    started = threading.Barrier(5)
    stop = threading.Event()

    def worker() -> None:
        started.wait()
        while not stop.is_set():
            try:
                assert c.get("k") == b"v"
                outcomes["value"] += 1
            except redisclient.ClosedError:
                outcomes["closed"] += 1
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
                return

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    for _ in range(20):
        time.sleep(0.01)
        c.close()
    time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join(timeout=10)
        assert not t.is_alive()
    assert errors == []
    assert outcomes["value"] > 0
    assert c.get("k") == b"v"
    c.clear()
    c.close()


@pytest.mark.parametrize(
    "bad, setting",
    [
        ({"LOCATION": "http://127.0.0.1:1", "OPTIONS": {"PASSWORD": PASSWORD}}, "LOCATION"),
        ({"LOCATION": f"redis://u:{PASSWORD}@127.0.0.1:1/0", "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "BACKEND"),
        (
            {
                "LOCATION": f"redis://:{PASSWORD}@127.0.0.1:1/0",
                "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient", "CLIENT_CLASS_KWARGS": {"mode": "ring"}},
            },
            "mode",
        ),
        ({"LOCATION": "redis://127.0.0.1:1/0", "OPTIONS": {"SERIALIZER": "my.Serializer", "PASSWORD": PASSWORD}}, "SERIALIZER"),
        ({"LOCATION": "redis://127.0.0.1:1/0", "TIMEOUT": "soon"}, "TIMEOUT"),
        ({"LOCATION": f"redis://:{PASSWORD}@127.0.0.1:1/0", "OPTIONS": {"BUSY_POLL": -5}}, "OPTIONS.BUSY_POLL = -5"),
    ],
)
def test_bad_entry(bad: dict, setting: str) -> None:
    for fn in (Client, redisclient.resolve):
        with pytest.raises(redisclient.ConfigurationError) as info:
            fn(bad)
        message = str(info.value)
        assert setting in message, f"the message names the setting: {message}"
        assert PASSWORD not in message
        assert info.value.status == -1


def test_entry_not_json() -> None:
    with pytest.raises(redisclient.ConfigurationError) as info:
        Client({"LOCATION": "redis://127.0.0.1:1", "OPTIONS": {"x": object()}})
    assert "JSON" in str(info.value)
    with pytest.raises(TypeError):
        Client("redis://127.0.0.1:1")  # type: ignore[arg-type]


def test_connection_error(prefix: str) -> None:
    # Port 1 refuses at once; the error is both ours and the builtin one.
    e = entry(f"redis://:{PASSWORD}@127.0.0.1:1/0", prefix, {"socket_connect_timeout": 2})
    with Client(e) as c:
        with pytest.raises(redisclient.ConnectionError) as info:
            c.get("k")
        assert isinstance(info.value, builtins.ConnectionError)
        assert isinstance(info.value, redisclient.RedisClientError)
        assert "127.0.0.1:1" in str(info.value)
        assert PASSWORD not in str(info.value)
        health = c.health()
        assert health["status"] == "failed"
        assert PASSWORD not in repr(health)


def test_wrong_password_is_not_leaked(prefix: str) -> None:
    e = entry(
        f"redis://{env('RC_TEST_ACL')}",
        prefix,
        {"username": env("RC_TEST_ACL_USER"), "password": PASSWORD},
    )
    with Client(e) as c:
        with pytest.raises(redisclient.RedisClientError) as info:
            c.set("k", b"v")
        assert PASSWORD not in str(info.value)
        assert env("RC_TEST_ACL_PASSWORD") not in str(info.value)


def test_resolve_returns_the_settings() -> None:
    acl = env("RC_TEST_ACL")
    got = redisclient.resolve(
        entry(f"redis://{acl}/2", "p", {"username": "u", "password": PASSWORD, "socket_timeout": 1.5})
    )
    host, port = acl.rsplit(":", 1)
    assert (got["host"], got["port"], got["db"]) == (host, int(port), 2)
    assert (got["username"], got["password"], got["socket_timeout"]) == ("u", PASSWORD, 1.5)


def test_bad_arguments(standalone_client: Client) -> None:
    for key in (1, None, 2.5):  # keys are str(key), as in Django
        standalone_client.set(key, key)
        assert standalone_client.get(str(key)) == key
    standalone_client.delete_many([1, None, 2.5])
    for bad_value in (None, True, 1.5, [b"x"]):
        with pytest.raises(TypeError):
            standalone_client.set_bytes("k", bad_value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        standalone_client.incr("k", 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        standalone_client.incr("k", 2**63)
    assert standalone_client.has_key("k") is False
