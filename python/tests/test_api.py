"""Every Client function on every server kind, checked against Redis through
the same client (the Go tests check the key layout against Django itself)."""

from __future__ import annotations

import pytest

import redisclient
from redisclient import Client


def test_bytes_get_set_add_delete(client: Client) -> None:
    assert client.get_bytes("missing") is None
    assert client.get_bytes("missing", default=b"dflt") == b"dflt"

    client.set_bytes("k", b"v1")
    assert client.get_bytes("k") == b"v1"
    assert client.has_key("k")

    assert client.add_bytes("k", b"v2") is False, "add must not overwrite"
    assert client.get_bytes("k") == b"v1"
    assert client.add_bytes("fresh", b"v3") is True
    assert client.get_bytes("fresh") == b"v3"

    assert client.delete("k") is True
    assert client.delete("k") is False
    assert client.get_bytes("k") is None
    assert not client.has_key("k")


def test_bytes_values_and_keys_types(client: Client) -> None:
    binary = bytes(range(256)) + b"\x00tail\x00"
    with pytest.warns(redisclient.CacheKeyWarning):
        client.set_bytes("bin\x00key\xff", binary)
        assert client.get_bytes("bin\x00key\xff") == binary
        assert client.get_bytes("bin\x00key") is None, "a NUL in a key must not truncate it"

    client.set_bytes("empty", b"")
    assert client.get_bytes("empty") == b"", "an empty value is a hit, not a miss"

    client.set_bytes("text", "héllo")
    assert client.get_bytes("text") == "héllo".encode()
    client.set_bytes("clé", bytearray(b"ba"))
    assert client.get_bytes("clé") == b"ba"
    # Keys are str(key), as Django's default key function writes them.
    client.set_bytes(b"bk", b"bytes key")
    assert client.get_bytes("b'bk'") == b"bytes key"
    client.set_bytes(7, b"int key")
    assert client.get_bytes("7") == b"int key"

    client.set_bytes("int", 42)
    assert client.get_bytes("int") == b"42"
    assert client.incr("int") == 43, "ints are written as digits, as django-redis does"


def test_bytes_many(client: Client) -> None:
    values = {f"m{i}": f"value-{i}".encode() * (i + 1) for i in range(50)}
    values["nul"] = b"\x00\x00"
    client.set_many_bytes(values)
    keys = list(values) + ["absent1", "absent2"]
    got = client.get_many_bytes(keys)
    assert got == values, "missing keys are left out and every value is its key's"
    assert client.get_many_bytes([]) == {}

    # Missing keys first, an empty value between found ones, a repeated key
    # and an empty key: each value is read back at its own key.
    assert client.set_many_bytes({"": b"empty key", "e": b"", b"raw\xff": b"\xff" * 3000}) == []
    got = client.get_many_bytes(["absent0", "m3", "e", "", "m3", b"raw\xff", "absent3"])
    assert got == {"m3": values["m3"], "e": b"", "": b"empty key", b"raw\xff": b"\xff" * 3000}
    assert client.get_bytes("b'raw\\xff'") == b"\xff" * 3000, "a bytes key is its str()"

    assert client.delete_many(["m0", "m1", "absent1"]) is None, "Django's delete_many answers None"
    assert client.get_many_bytes(["m0", "m1", "m2"]) == {"m2": values["m2"]}
    assert client.delete_many([]) is None


def test_incr_decr(client: Client) -> None:
    client.set("n", 10)
    assert client.incr("n") == 11
    assert client.incr("n", 5) == 16
    assert client.decr("n") == 15
    assert client.decr("n", 20) == -5
    assert client.get("n") == -5
    assert client.get_bytes("n") == b"-5", "counters are digits, as django-redis stores them"

    try:
        client.incr("nope")
    except ValueError as exc:
        assert isinstance(exc, redisclient.NotFoundError)
        assert "nope" in str(exc)
    else:
        raise AssertionError("incr of a missing key must raise")
    assert client.get("nope") is None, "incr must not create the key"

    client.set("text", "abc")
    try:
        client.incr("text")
    except ValueError as exc:
        assert isinstance(exc, redisclient.NotIntegerError)
    else:
        raise AssertionError("incr of a non-integer must raise")


def test_expiry_functions(client: Client) -> None:
    client.set("forever", b"x", timeout=None)
    assert client.ttl("forever") is None
    assert client.ttl("absent") == 0

    assert client.expire("forever", 100) is True
    assert 99 <= client.ttl("forever") <= 100
    assert client.touch("forever", 200) is True
    assert 199 <= client.ttl("forever") <= 200
    assert client.persist("forever") is True
    assert client.ttl("forever") is None
    assert client.persist("forever") is False, "no expiry left to remove"

    assert client.touch("absent", 10) is False
    assert client.expire("absent", 10) is False
    assert client.persist("absent") is False

    client.set("t", b"x", timeout=50)
    assert client.touch("t") is True, "touch with the default timeout"
    assert 299 <= client.ttl("t") <= 300


def test_clear_only_this_prefix(client: Client, kind_entry: dict) -> None:
    other_entry = dict(kind_entry, KEY_PREFIX=kind_entry["KEY_PREFIX"] + "-other")
    with Client(other_entry) as other:
        other.set("k", b"other")
        client.set("k", b"mine")
        client.set("k", b"mine v2", version=2)
        assert client.clear() == 2, "both versions of this prefix"
        assert client.get("k") is None
        assert client.get("k", version=2) is None
        assert other.get("k") == b"other", "clear never touches another prefix"
        other.clear()


def test_health(client: Client) -> None:
    h = client.health()
    assert h["status"] == "good"
    assert h["mode"] in ("standalone", "cluster", "sentinel")


def test_version_argument(client: Client) -> None:
    client.set("v", b"one")
    client.set("v", b"two", version=2)
    assert client.get("v") == b"one"
    assert client.get("v", version=1) == b"one"
    assert client.get("v", version=2) == b"two"
    assert client.get("v", version=3) is None
    assert client.get_many(["v"], version=2) == {"v": b"two"}
    assert client.delete("v", version=2) is True
    assert client.get("v") == b"one", "deleting version 2 left version 1"
    assert client.add("n", 1, version=5) is True
    assert client.incr("n", version=5) == 2
    assert client.has_key("n") is False, "version 5's key is not the default's"
    assert client.ttl("n", version=5) == 300
