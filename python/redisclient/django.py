"""A Django cache backend on the Go core:

    CACHES = {"default": {
        "BACKEND": "redisclient.django.RedisCache",
        "LOCATION": ...,   # as the django-redis entry it replaces
        "OPTIONS": {...},  # the same OPTIONS (CLIENT_CLASS_KWARGS, SERIALIZER, ...)
    }}

Keys, values and timeouts are django-redis's, so services that keep
django-redis share the cache with it. Values are serialized here, in Python,
as django-redis's serializers do (pickle, JSON with DjangoJSONEncoder,
msgpack): any object Django caches (model instances, responses, SafeString)
comes back as itself. The COMPRESSOR, the connection and every command run
in the library. The async methods are Django's BaseCache ones.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import threading
from enum import Enum
from typing import Any, Callable, Dict, List, Optional, Tuple

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT, MEMCACHE_MAX_KEY_LENGTH, BaseCache, default_key_func
from django.core.exceptions import ImproperlyConfigured

from ._client import Client

__all__ = ["RedisCache"]

IDENTITY = "django_redis.compressors.identity.IdentityCompressor"
PICKLE = "django_redis.serializers.pickle.PickleSerializer"
JSON = "django_redis.serializers.json.JSONSerializer"
MSGPACK = "django_redis.serializers.msgpack.MSGPackSerializer"
DEFAULT_KEY_FUNCTIONS = (None, "", "django.core.cache.backends.base.default_key_func", default_key_func)

_MISSING = object()
# What int(bytes) may start with: django-redis's decode tries int() first.
_INT_START = frozenset([b"0", b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"8", b"9", b"+", b"-", b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c"])
_MEMCACHE_BAD = re.compile(r"[\x00-\x20\x7f]").search

# One client per entry and process, shared by the backend instances of
# every thread (Django makes one per thread): a Client is thread-safe, and
# its pool serves them all, as django-redis shares its connection pools.
_clients: Dict[Tuple[int, str], Client] = {}
_clients_lock = threading.Lock()


def _ver(version: Any) -> Optional[int]:
    """Django's version= may be anything its key function formats with
    %s; the library takes ints, so "2" is 2 (the same key)."""
    if version is None or (isinstance(version, int) and not isinstance(version, bool)):
        return version
    text = "%s" % (version,)
    if text.lstrip("-").isdigit() and str(int(text)) == text:
        return int(text)
    raise ValueError(f"version {version!r}: redisclient.django.RedisCache takes int versions")


def _serializer(options: Dict[str, Any]) -> Tuple[Callable[[Any], bytes], Callable[[bytes], Any]]:
    """django-redis's serializer of OPTIONS.SERIALIZER, as dumps and loads."""
    name = options.get("SERIALIZER") or PICKLE
    if name == PICKLE:
        protocol = int(options.get("PICKLE_VERSION", pickle.DEFAULT_PROTOCOL))
        return (lambda v: pickle.dumps(v, protocol)), pickle.loads
    if name == JSON:
        from django.core.serializers.json import DjangoJSONEncoder

        return (lambda v: json.dumps(v, cls=DjangoJSONEncoder).encode()), (lambda b: json.loads(b.decode()))
    if name == MSGPACK:
        import msgpack

        return msgpack.dumps, (lambda b: msgpack.loads(b, raw=False))
    raise ImproperlyConfigured(f"OPTIONS.SERIALIZER = {name!r}: not one of django-redis's serializers")


class RedisCache(BaseCache):
    """Django's cache API, django-redis's own verbs (ttl, lock, keys,
    iter_keys, delete_pattern, hset, zadd, ...), on the library."""

    def __init__(self, server: Any, params: Dict[str, Any]) -> None:
        super().__init__(params)
        key_function = params.get("KEY_FUNCTION")
        if key_function not in DEFAULT_KEY_FUNCTIONS:
            raise ImproperlyConfigured(
                f"KEY_FUNCTION = {key_function!r}: redisclient.django.RedisCache makes keys as "
                "Django's default key function does, in the library"
            )
        options = dict(params.get("OPTIONS") or {})
        self._entry: Dict[str, Any] = {
            "LOCATION": server,
            "KEY_PREFIX": self.key_prefix,
            "VERSION": self.version,
            "TIMEOUT": self.default_timeout,
            "OPTIONS": options,
        }
        self._entry_key = json.dumps(self._entry, sort_keys=True, default=repr)
        self._dumps, self._loads = _serializer(options)
        self._compressed = (options.get("COMPRESSOR") or IDENTITY) != IDENTITY
        self._close_connection = options.get("CLOSE_CONNECTION", getattr(settings, "DJANGO_REDIS_CLOSE_CONNECTION", False))
        self._local: Optional[Client] = None
        self._pid = -1
        self._room = MEMCACHE_MAX_KEY_LENGTH - len(f"{self.key_prefix}:{self.version}:")
        self._plain_validation = type(self).validate_key is BaseCache.validate_key and not _MEMCACHE_BAD(
            "%s:%s:" % (self.key_prefix, self.version)
        )

    @property
    def client(self) -> Client:
        """The library's client of this entry (made at the first use, in
        the process that uses it: the library does not survive fork())."""
        c = self._local
        if c is not None and self._pid == os.getpid():
            return c
        key = (os.getpid(), self._entry_key)
        with _clients_lock:
            c = _clients.get(key)
            if c is None:
                c = Client(self._entry, settings=settings)
                c._check_keys = False  # validate_key warns, as Django's backends do
                _clients[key] = c
        self._local, self._pid = c, key[0]
        return c

    # -- values, as django-redis encodes them --------------------------------

    def _encode(self, value: Any) -> bytes:
        if isinstance(value, int) and not isinstance(value, (bool, Enum)):
            try:
                return repr(value).encode()  # as redis-py sends the int django-redis hands it
            except ValueError:  # past Python's 4300 digits: serialized, as the library does
                pass
        data = self._dumps(value)
        return self.client._codec_call("rc_compress_values", [data])[0] if self._compressed else data

    def _decode(self, data: bytes) -> Any:
        if data[:1] in _INT_START:
            try:
                return int(data)
            except ValueError:
                pass
        if self._compressed:
            data = self.client._codec_call("rc_decompress_values", [data])[0]
        return self._loads(data)

    def _decode_many(self, found: Dict[Any, bytes]) -> Dict[Any, Any]:
        out: Dict[Any, Any] = {}
        packed: List[Tuple[Any, bytes]] = []
        for k, data in found.items():
            if data[:1] in _INT_START:
                try:
                    out[k] = int(data)
                    continue
                except ValueError:
                    pass
            packed.append((k, data))
        raw = [d for _, d in packed]
        if self._compressed and raw:
            raw = self.client._codec_call("rc_decompress_values", raw)
        for (k, _), data in zip(packed, raw):
            out[k] = self._loads(data)
        return {k: out[k] for k in found}

    def _valid(self, key: Any, version: Any) -> Any:
        """Warns as Django's backends warn (validate_key), and returns the
        key, which the library formats as Django's default key function."""
        # The common case without Django's lazy regex: a str key that fits,
        # with nothing memcached refuses, under the default key function.
        if (
            type(key) is str
            and version is None
            and len(key) <= self._room
            and self.key_func is default_key_func
            and self._plain_validation
            and not _MEMCACHE_BAD(key)
        ):
            return key
        self.make_and_validate_key(key, version=version)
        return key

    # -- Django's cache API ----------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Optional[int] = None) -> bool:
        return self.client.add_bytes(self._valid(key, version), self._encode(value), timeout, _ver(version))

    def get(self, key: Any, default: Any = None, version: Optional[int] = None) -> Any:
        data = self.client.get_bytes(self._valid(key, version), _MISSING, _ver(version))
        return default if data is _MISSING else self._decode(data)

    def set(
        self,
        key: Any,
        value: Any,
        timeout: Any = DEFAULT_TIMEOUT,
        version: Optional[int] = None,
        nx: bool = False,
        xx: bool = False,
    ) -> Optional[bool]:
        """Django's set; django-redis's nx and xx answer whether it stored."""
        return self.client.set_bytes(self._valid(key, version), self._encode(value), timeout, _ver(version), nx=nx, xx=xx)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Optional[int] = None) -> bool:
        return self.client.touch(self._valid(key, version), timeout, _ver(version))

    def delete(self, key: Any, version: Optional[int] = None) -> bool:
        return self.client.delete(self._valid(key, version), _ver(version))

    def get_many(self, keys: Any, version: Optional[int] = None) -> Dict[Any, Any]:
        keys = [self._valid(k, version) for k in keys]
        return self._decode_many(self.client.get_many_bytes(keys, _ver(version)))

    def has_key(self, key: Any, version: Optional[int] = None) -> bool:
        return self.client.has_key(self._valid(key, version), _ver(version))

    def incr(self, key: Any, delta: int = 1, version: Optional[int] = None, ignore_key_check: bool = False) -> int:
        return self.client.incr(self._valid(key, version), delta, _ver(version), ignore_key_check=ignore_key_check)

    def decr(self, key: Any, delta: int = 1, version: Optional[int] = None) -> int:
        return self.client.decr(self._valid(key, version), delta, _ver(version))

    def set_many(self, data: Dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Optional[int] = None) -> List[Any]:
        encoded = {self._valid(k, version): self._encode(v) for k, v in data.items()}
        return self.client.set_many_bytes(encoded, timeout, _ver(version))

    def delete_many(self, keys: Any, version: Optional[int] = None) -> None:
        self.client.delete_many([self._valid(k, version) for k in keys], _ver(version))

    def clear(self) -> int:
        """Deletes this KEY_PREFIX's keys (never FLUSHDB: other services'
        keys stay); returns how many."""
        return self.client.clear()

    def incr_version(self, key: Any, delta: int = 1, version: Optional[int] = None) -> int:
        """Moves the value to version + delta with its TTL kept, as
        django-redis does."""
        return self.client.incr_version(self._valid(key, version), delta, _ver(version))

    def decr_version(self, key: Any, delta: int = 1, version: Optional[int] = None) -> int:
        return self.client.decr_version(self._valid(key, version), delta, _ver(version))

    def close(self, **kwargs: Any) -> None:
        """Django closes its caches after each request: as django-redis,
        the connections go only with OPTIONS.CLOSE_CONNECTION (or
        settings.DJANGO_REDIS_CLOSE_CONNECTION); the client reconnects."""
        if self._close_connection and self._local is not None:
            self._local.close()

    # -- django-redis's own verbs ------------------------------------------------

    def ttl(self, key: Any, version: Optional[int] = None) -> Optional[int]:
        return self.client.ttl(key, _ver(version))

    def pttl(self, key: Any, version: Optional[int] = None) -> Optional[int]:
        return self.client.pttl(key, _ver(version))

    def expire(self, key: Any, timeout: Any, version: Optional[int] = None) -> bool:
        return self.client.expire(key, timeout, _ver(version))

    def pexpire(self, key: Any, timeout: Any, version: Optional[int] = None) -> bool:
        return self.client.pexpire(key, timeout, _ver(version))

    def expire_at(self, key: Any, when: Any, version: Optional[int] = None) -> bool:
        return self.client.expire_at(key, when, _ver(version))

    def pexpire_at(self, key: Any, when: Any, version: Optional[int] = None) -> bool:
        return self.client.pexpire_at(key, when, _ver(version))

    def persist(self, key: Any, version: Optional[int] = None) -> bool:
        return self.client.persist(key, _ver(version))

    def lock(self, key: Any, version: Optional[int] = None, **kwargs: Any) -> Any:
        return self.client.lock(key, _ver(version), **kwargs)

    def keys(self, search: str, version: Optional[int] = None) -> List[str]:
        return self.client.keys(search, _ver(version))

    def iter_keys(self, search: str, itersize: Optional[int] = None, version: Optional[int] = None) -> Any:
        return self.client.iter_keys(search, itersize, _ver(version))

    def delete_pattern(self, pattern: str, version: Optional[int] = None, itersize: Optional[int] = None) -> int:
        return self.client.delete_pattern(pattern, _ver(version), itersize)

    def __getattr__(self, name: str) -> Any:
        # The hash and sorted-set verbs, as the library's client has them.
        if name.startswith(("h", "z")) and name[1:] and hasattr(Client, name):
            return getattr(self.client, name)
        raise AttributeError(name)
