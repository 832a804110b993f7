"""Misuse and failures: closed clients, bad entries, unreachable servers,
wrong argument types; messages name the cause and never the password."""

from __future__ import annotations

import builtins
import threading

import pytest

import redisclient
from redisclient import Client

from .conftest import entry, env, standalone

PASSWORD = "pyshim-S3cret!pw"


def test_use_after_close(prefix: str) -> None:
    c = Client(standalone(prefix))
    c.set("k", b"v")
    assert c.closed is False
    c.close()
    assert c.closed is True
    calls = [
        lambda: c.get("k"),
        lambda: c.set("k", b"v"),
        lambda: c.add("k", b"v"),
        lambda: c.delete("k"),
        lambda: c.has_key("k"),
        lambda: c.incr("k"),
        lambda: c.decr("k"),
        lambda: c.touch("k"),
        lambda: c.expire("k", 1),
        lambda: c.persist("k"),
        lambda: c.ttl("k"),
        lambda: c.get_many(["k"]),
        lambda: c.set_many({"k": b"v"}),
        lambda: c.delete_many(["k"]),
        lambda: c.clear(),
        lambda: c.health(),
    ]
    for call in calls:
        with pytest.raises(redisclient.ClosedError) as info:
            call()
        assert "closed" in str(info.value)
    c.close()  # a second close does nothing
    assert c.closed is True
    with Client(standalone(prefix)) as again:
        assert again.get("k") == b"v", "closing did not lose the data"
        again.clear()


def test_context_manager_closes(prefix: str) -> None:
    with Client(standalone(prefix)) as c:
        c.set("k", b"v")
    assert c.closed
    with pytest.raises(redisclient.ClosedError):
        c.get("k")


def test_close_while_other_threads_call(prefix: str) -> None:
    # Closing cancels calls in flight: every thread ends with values or
    # ClosedError, never another error nor a hang.
    c = Client(standalone(prefix))
    c.set("k", b"v")
    outcomes: list[str] = []
    started = threading.Barrier(5)

    def worker() -> None:
        started.wait()
        try:
            while True:
                assert c.get("k") == b"v"
        except redisclient.ClosedError:
            outcomes.append("closed")
        except BaseException as exc:  # noqa: BLE001 - reported below
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    c.close()
    for t in threads:
        t.join(timeout=10)
        assert not t.is_alive()
    assert outcomes == ["closed"] * 4
    with Client(standalone(prefix)) as cleanup:
        cleanup.clear()


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
    for bad_key in (1, None, 2.5):
        with pytest.raises(TypeError):
            standalone_client.get(bad_key)  # type: ignore[arg-type]
    for bad_value in (None, True, 1.5, [b"x"]):
        with pytest.raises(TypeError):
            standalone_client.set_bytes("k", bad_value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        standalone_client.incr("k", 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        standalone_client.incr("k", 2**63)
    assert standalone_client.has_key("k") is False
