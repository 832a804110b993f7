"""Ints beyond Python's 4300-digit str() limit: set and get through the
shim, and shared with real Django (django-redis on the standalone server).

str() and int() of such an int raise ValueError unless the process-wide
sys.set_int_max_str_digits is raised; the value JSON carries them as hex,
which has no limit. Redis holds them as the entry's serializer writes them
(a pickle), the form Django's decode reads where int() of the digits would
fail."""

from __future__ import annotations

from typing import Any, Iterator, Tuple

import pytest
from django.conf import settings

import redisclient
from redisclient import Client, ValueEncodeError

from .conftest import _open, standalone, unique_prefix

JSON_SERIALIZER = "django_redis.serializers.json.JSONSerializer"

if not settings.configured:
    settings.configure(CACHES={}, INSTALLED_APPS=[], USE_TZ=True)

from django_redis.cache import RedisCache  # noqa: E402  (needs the settings)

BIG = {
    "5000 digits": 10**4999 + 7,
    "-5000 digits": -(10**4999) - 7,
    "100000 digits": 10**99999 + 12345,
    "-100000 digits": -(10**99999) - 12345,
}


@pytest.mark.parametrize("name", list(BIG))
def test_set_get(client: Client, name: str) -> None:
    n = BIG[name]
    client.set("n", n)
    assert client.get("n") == n
    client.set_many({"in a list": [n, 1], "in a dict": {"k": (n,)}})
    assert client.get_many(["in a list", "in a dict"]) == {"in a list": [n, 1], "in a dict": {"k": (n,)}}


@pytest.fixture
def json_client(prefix: str) -> Iterator[Client]:
    yield from _open(standalone(prefix, OPTIONS={"SERIALIZER": JSON_SERIALIZER}))


def test_json_serializer_refuses(json_client: Client) -> None:
    """Python's json.dumps raises ValueError for these; the JSON entry
    refuses them too rather than store digits Django cannot load."""
    for n in (BIG["5000 digits"], [BIG["-5000 digits"]], {BIG["5000 digits"]: 1}):
        with pytest.raises(ValueEncodeError):
            json_client.set("n", n)
        assert json_client.get("n") is None


Pair = Tuple[RedisCache, Client]


@pytest.fixture
def django_pair(request: pytest.FixtureRequest) -> Iterator[Pair]:
    entry = standalone(unique_prefix(request))
    django_cache = RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})
    for ours in _open(entry):  # one client, cleared and closed at the end
        yield django_cache, ours


@pytest.mark.parametrize("name", list(BIG))
def test_shared_with_django(django_pair: Pair, name: str) -> None:
    django_cache, ours = django_pair
    n = BIG[name]
    ours.set("from-us", n)
    assert django_cache.get("from-us") == n, "Django reads the shim's write"
    # Django's cache.set(n) of such an int cannot store it (django-redis
    # hands ints to redis-py as they are; its int-to-bytes conversion hits
    # the digit limit, and with hiredis the interpreter crashes), so Django
    # writes here what its serializer makes of it, as its decode reads it.
    raw = django_cache.client.get_client()
    data: Any = django_cache.client.encode(n, allow_int=False)
    raw.set(django_cache.make_key("from-django"), data)
    assert ours.get("from-django") == n, "the shim reads Django's serialized int"
    assert django_cache.get("from-django") == n


def test_hex_value_json() -> None:
    codec = redisclient._values.ValueCodec({})
    n = BIG["-100000 digits"]
    text = codec.dumps(n)
    assert text == b'{"$int":"' + format(n, "#x").encode() + b'"}'
    assert codec.loads(text) == n
    assert codec.loads(b'{"$int":"-18446744073709551616"}') == -(2**64), "decimal is still read"
