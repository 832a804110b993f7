"""Python values through get/set/add/get_many/set_many: each type comes back
as itself (type and value), stored as django-redis stores it. Django itself
reads and writes these values in parity/test_values.py."""

from __future__ import annotations

import collections
import enum
import http.cookies
import math
import pickle
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any, Dict, Iterator
from zoneinfo import ZoneInfo

import pytest
import pytz

import redisclient
from redisclient import Client, OpaqueValue, ValueDecodeError, ValueEncodeError

from .conftest import Entry, _open, standalone

PLUS2 = timezone(timedelta(hours=2))
MINUS_0530 = timezone(-timedelta(hours=5, minutes=30))
JSON_SERIALIZER = "django_redis.serializers.json.JSONSerializer"

VALUES: Dict[str, Any] = {
    "none": None,
    "true": True,
    "false": False,
    "int": -42,
    "int64 max": 2**63 - 1,
    "big int": 2**70,
    "negative big int": -(2**100),
    "float": 1.5,
    "float whole": 2.0,
    "float tiny": 5e-324,
    "inf": math.inf,
    "str": "héllo 👋 \x00",
    "empty str": "",
    "bytes": bytes(range(256)),
    "empty bytes": b"",
    "list": [1, "a", None, [2.5]],
    "tuple": (1, (2, 3), ()),
    "dict": {"z": 1, "a": [1, 2], "nested": {"k": "v"}},
    "dict int keys": {1: "one", 2: "two"},
    "dict dollar and mixed keys": {"$int": 1, (1, 2): "pair", None: 0, 1.5: "f"},
    "set": {1, 2, "x"},
    "frozenset": frozenset({(1, 2), "y"}),
    "naive datetime": datetime(2024, 1, 2, 3, 4, 5, 6),
    "aware datetime utc": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    "aware datetime +2": datetime(1, 12, 31, 23, 59, 59, 999999, tzinfo=PLUS2),
    "date": date(2024, 2, 29),
    "time": time(13, 14, 15),
    "aware time": time(23, 0, 1, 120000, tzinfo=MINUS_0530),
    "timedelta": timedelta(days=-1, seconds=5, microseconds=7),
    "decimal": Decimal("1.10"),
    "decimal nan": Decimal("NaN"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "large str": "lorem ipsum " * 9000,
}


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1 == 1.0 == True is not
    enough: Django gives back the exact types)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, Decimal) and a.is_nan():
        return b.is_nan()
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (datetime, time)):
        return a == b and a.utcoffset() == b.utcoffset() if a.tzinfo else a == b and b.tzinfo is None
    return bool(a == b)


@pytest.mark.parametrize("name", list(VALUES))
def test_each_type_round_trips(client: Client, name: str) -> None:
    value = VALUES[name]
    client.set(name, value)
    got = client.get(name)
    assert same(got, value), f"{name}: {got!r} != {value!r}"


def test_many_and_add(client: Client) -> None:
    client.set_many(VALUES, timeout=60)
    got = client.get_many(list(VALUES) + ["absent"])
    assert list(got) == list(VALUES), "found keys in the order asked, missing left out"
    for name, value in VALUES.items():
        assert same(got[name], value), name
    assert client.get_many(["none"]) == {"none": None}, "a stored None is found, not a miss"
    assert client.add("added", (1, "x")) is True
    assert client.add("added", (2, "y")) is False
    assert client.get("added") == (1, "x")
    assert client.get("absent", default=set()) == set()


def test_stored_as_django_stores(standalone_client: Client) -> None:
    c = standalone_client
    c.set("n", 41)
    assert c.get_bytes("n") == b"41", "ints are digits, so incr works"
    assert c.incr("n") == 42 and c.get("n") == 42
    c.set("d", {"a": (1, 2)})
    raw = c.get_bytes("d")
    assert raw is not None and raw[:2] == b"\x80\x04" and raw.endswith(b".")
    assert pickle.loads(raw) == {"a": (1, 2)}, "a protocol 4 pickle of the same value"
    # And what Python pickles (as Django would) reads back as the value.
    c.set_bytes("p", pickle.dumps({"when": date(2020, 1, 1), 3: {4}}, 5))
    assert c.get("p") == {"when": date(2020, 1, 1), 3: {4}}


class Model:
    """A class redisclient does not know, as a Django model is."""

    def __init__(self, pk: int) -> None:
        self.pk = pk

    def __eq__(self, other: object) -> bool:
        return type(other) is Model and other.pk == self.pk


class Marked(str):
    """A str subclass, as Django's SafeString."""


def test_objects_of_other_classes(standalone_client: Client) -> None:
    c = standalone_client
    for name, obj in {"model": [Model(7)], "str subclass": Marked("x")}.items():
        c.set(name, obj)  # not exact types: pickled here as Django would
        got = c.get(name)
        assert isinstance(got, OpaqueValue), f"{name}: an unknown class is opaque, never unpickled"
        back = pickle.loads(got.raw)  # our own pickle: safe to load in the test
        assert back == obj and type(back) is type(obj)
    c.set("copy", got)
    assert c.get_bytes("copy") == got.raw, "an opaque value is written back unchanged"
    with pytest.raises(TypeError):
        c.set("nested", [got])


def test_undecodable_values_raise(standalone_client: Client) -> None:
    c = standalone_client
    c.set_bytes("junk", b"\x80\x04not a pickle")
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(b"\x80\x04not a pickle")  # what Django's get raises
    with pytest.raises(ValueDecodeError) as info:
        c.get("junk")
    assert isinstance(info.value, pickle.UnpicklingError) and isinstance(info.value, ValueError)
    with pytest.raises(pickle.UnpicklingError):
        c.get_many(["junk", "absent"])
    assert c.get_bytes("junk") == b"\x80\x04not a pickle", "the raw bytes are still there"


def test_pickles_that_would_run_code_read_as_data(standalone_client: Client, tmp_path: Any) -> None:
    c = standalone_client
    marker = tmp_path / "pwned"
    evil = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    c.set_bytes("evil", evil)
    got = c.get("evil")
    assert isinstance(got, OpaqueValue) and got.raw == evil
    assert got.value == redisclient.PickledObject(redisclient.PickledGlobal("os", "system"), (f"touch {marker}",))
    assert c.get_many(["evil", "absent"]) == {"evil": got}
    # A call whose result is dropped before a plain 1 is pickled: the value
    # is 1, and get_many must still not hand these bytes to pickle.loads.
    dropped = b"\x80\x04cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR0K\x01."
    c.set_bytes("dropped", dropped)
    assert c.get("dropped") == 1 and c.get_many(["dropped"]) == {"dropped": 1}
    assert not marker.exists(), "nothing is run"


class Color(enum.IntEnum):
    RED = 1


def _http_response() -> Any:
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from django.http import HttpResponse

    r = HttpResponse(b"<p>page</p>", headers={"X-A": "1"})
    r.set_cookie("c", "v")
    return r


# What Django's caches hold that JSON lacks, read as their own types.
NATIVE: Dict[str, Any] = {
    "bytearray": bytearray(b"\x00\xffab"),
    "complex": [complex(1, -2.5), -1j],
    "ordered dict": collections.OrderedDict([("b", 1), ("a", [2])]),
    "zoneinfo datetime": datetime(2024, 7, 1, 12, 30, tzinfo=ZoneInfo("Europe/Paris")),
    "pytz datetime": pytz.timezone("Europe/Paris").localize(datetime(2024, 1, 1, 12)),
    "pytz utc": datetime(2024, 1, 1, tzinfo=pytz.utc),
    "named timezone": datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=5, minutes=45), "NPT")),
    "fold": datetime(2024, 10, 27, 2, 30, fold=1),
}

# Objects of classes the library does not map: OpaqueValue with the view.
OBJECTS: Dict[str, Any] = {
    "http response": _http_response(),
    "cookie": http.cookies.SimpleCookie("a=1"),
    "range": range(1, 9, 2),
    "slice": slice(1, None),
    "exception": ValueError("bad", 1),
    "defaultdict": collections.defaultdict(list, {"a": [1]}),
    "int enum": Color.RED,
    "model": Model(7),
}


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_pickle_reads(standalone_client: Client, protocol: int) -> None:
    c = standalone_client
    for name, v in NATIVE.items():
        raw = pickle.dumps(v, protocol)
        c.set_bytes(name, raw)
        v = pickle.loads(raw)  # what Django reads (no fold below protocol 4)
        got = c.get(name)
        assert got == v and type(got) is type(v), f"{name}/{protocol}: {got!r}"
        if isinstance(v, datetime):
            assert got.utcoffset() == v.utcoffset() and got.tzname() == v.tzname() and got.fold == v.fold, name
            assert type(got.tzinfo) is type(v.tzinfo), name
    for name, v in OBJECTS.items():
        raw = pickle.dumps(v, protocol)
        c.set_bytes(name, raw)
        got = c.get(name)
        assert isinstance(got, OpaqueValue) and got.raw == raw, name
        assert isinstance(got.value, redisclient.PickledObject), f"{name}: {got.value!r}"
        want = type(v).__module__ + "." + type(v).__qualname__
        if name == "model":
            want = __name__ + ".Model"
        assert got.value.class_name.endswith(type(v).__qualname__), f"{name}: {got.value.class_name} for {want}"
        c.set("copy", got)
        assert c.get_bytes("copy") == raw, f"{name}: written back unchanged"
    many = c.get_many(list(OBJECTS))
    assert set(many) == set(OBJECTS), "one object does not fail get_many"


def test_object_views_hold_the_data(standalone_client: Client) -> None:
    c = standalone_client
    c.set_bytes("model", pickle.dumps(Model(7), 4))
    view = c.get("model").value
    assert view.state == {"pk": 7}, "a model's fields are its state"
    c.set_bytes("dd", pickle.dumps(collections.defaultdict(list, {"a": [1]}), 5))
    view = c.get("dd").value
    assert view.args == (redisclient.PickledGlobal("builtins", "list"),) and view.dictitems == {"a": [1]}
    c.set_bytes("err", pickle.dumps(ValueError("bad", 1), 2))
    view = c.get("err").value
    assert view.cls == redisclient.PickledGlobal("builtins", "ValueError") and view.args == ("bad", 1)
    # A view stored anew is pickled from its parts: Python reads the object.
    c.set("again", view)
    back = pickle.loads(c.get_bytes("again"))
    assert type(back) is ValueError and back.args == ("bad", 1)


@pytest.fixture
def json_client(prefix: str) -> Iterator[Client]:
    e: Entry = standalone(prefix)
    e["OPTIONS"]["SERIALIZER"] = JSON_SERIALIZER
    yield from _open(e)


def test_json_serializer_gives_json_types(json_client: Client) -> None:
    c = json_client
    c.set("t", {"a": (1, 2), "b": [1.0]})
    assert c.get("t") == {"a": [1, 2], "b": [1.0]}, "JSON returns lists for tuples, as Django"
    assert c.get_bytes("t") == b'{"a": [1, 2], "b": [1.0]}', "json.dumps's form"
    with pytest.raises(ValueEncodeError):
        c.set("s", {1, 2})
    with pytest.raises(TypeError):
        c.set("o", object())
    c.set("od", collections.OrderedDict([("k", 1)]))
    assert c.get("od") == {"k": 1}, "a dict subclass is written as a dict"


def test_value_json_forms() -> None:
    codec = redisclient._values.ValueCodec({})
    cases = [
        (1.0, b"1.0"),
        (2**64, b'{"$int":"0x10000000000000000"}'),
        (-(2**64), b'{"$int":"-0x10000000000000000"}'),
        (math.nan, b'{"$float":"nan"}'),
        ({"$x": 1}, b'{"$dict":[["$x",1]]}'),
        ((b"\x00",), b'{"$tuple":[{"$bytes":"AA=="}]}'),
        (datetime(2024, 1, 2, tzinfo=PLUS2), b'{"$datetime":"2024-01-02T00:00:00+02:00"}'),
        (timedelta(seconds=-1), b'{"$timedelta":[-1,86399,0]}'),
        ("é", '"é"'.encode()),
    ]
    for value, text in cases:
        assert codec.dumps(value) == text, value
        assert same(codec.loads(text), value) or (isinstance(value, float) and math.isnan(codec.loads(text)))


def test_buffer_fast_paths_read_as_the_json_parse() -> None:
    """A whole str or bytes value is read from the library's buffer without
    the JSON parse; every other text goes through it, with the same result."""
    import json

    from redisclient._values import ValueCodec

    texts = [
        json.dumps(s, ensure_ascii=False).encode()
        for s in ["", "plain", 'quote " inside', "back\\slash", "é😀\u2028", "\x00\x1f"]
    ]
    texts += [b'{"$bytes":""}', b'{"$bytes":"AAEC/w=="}', b'{"$tuple":["x"]}', b'"a"', b"[1]", b'{"a":"b"}']
    for text in texts:
        assert ValueCodec.loads_buffer(memoryview(text)) == ValueCodec.loads(text), text
    with pytest.raises(ValueError):
        ValueCodec.loads_buffer(memoryview(b'{"$bytes":"A"}'))
