"""The typed facade: Client and resolve()."""

from __future__ import annotations

import ctypes
import json
import os
import pickle
import re
import struct
import sys
import threading
import warnings
import weakref
from array import array
from ctypes import byref, c_char_p, c_int64, c_size_t, c_uint64, c_void_p
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, Dict, Final, Iterable, Iterator, List, Mapping, Optional, Union

from . import _native
from ._native import (
    RC_DEFAULT_VERSION,
    RC_ERR_CONNECTION,
    RC_ERR_SERVER,
    RC_MISS,
    RC_OK,
    RC_TIMEOUT_DEFAULT,
    RC_TIMEOUT_NEVER,
    RC_TIMEOUT_SECONDS,
    RC_TTL_NEVER,
    Buf,
    Library,
    Timeout,
)
from ._entry import entry_data, settings_data
from ._lock import Lock
from ._settings import Settings
from ._values import OpaqueValue, ValueCodec
from ._zset import SortedSetMixin
from .errors import CacheKeyWarning, ConfigurationError, ValueDecodeError

__all__ = ["Client", "resolve", "DEFAULT_TIMEOUT", "Key", "Value", "RawValue", "TimeoutT", "OpaqueValue", "CacheKeyWarning", "Lock"]


class _DefaultTimeout:
    """The type of DEFAULT_TIMEOUT."""

    _instance: Optional["_DefaultTimeout"] = None

    def __new__(cls) -> "_DefaultTimeout":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT_TIMEOUT"


#: Django's DEFAULT_TIMEOUT: the entry's TIMEOUT (300 s when unset).
#: django.core.cache.backends.base.DEFAULT_TIMEOUT is accepted too.
DEFAULT_TIMEOUT: Final = _DefaultTimeout()

#: A key is formatted as Django's default key function formats it: str(key),
#: so 1 is the key "1" and b"k" the key "b'k'", as in Django.
Key = Any
#: Any value Django's cache takes: None, bool, int, float, str, bytes, list,
#: tuple, dict, set, frozenset, datetime, date, time, timedelta, Decimal,
#: UUID, OpaqueValue, and (pickle serializer) any picklable object.
Value = Any
#: What the *_bytes methods store as it is (str as UTF-8, int as digits).
RawValue = Union[bytes, bytearray, memoryview, str, int]
#: DEFAULT_TIMEOUT, None (never expires) or seconds (zero or less: expires at once).
TimeoutT = Union[float, None, _DefaultTimeout]

_T_DEFAULT: Final = Timeout(RC_TIMEOUT_DEFAULT, 0.0)
_T_NEVER: Final = Timeout(RC_TIMEOUT_NEVER, 0.0)
_getpid = os.getpid


# Memcached's limits, which Django's validate_key warns about.
MEMCACHE_MAX_KEY_LENGTH = 250
_MEMCACHE_BAD = re.compile(r"[\x00-\x20\x7f]").search
_MISSING: Final = object()


def _warning_class() -> type:
    """CacheKeyWarning, also Django's when Django is installed, so that
    either class catches it (looked up at the first warning, so that
    importing this package never imports Django)."""
    global _KEY_WARNING
    if _KEY_WARNING is None:
        try:
            from django.core.cache.backends.base import CacheKeyWarning as Django
        except ImportError:
            _KEY_WARNING = CacheKeyWarning
        else:
            _KEY_WARNING = type("CacheKeyWarning", (CacheKeyWarning, Django), {"__module__": __name__})
    return _KEY_WARNING


_KEY_WARNING: Optional[type] = None


def _key_warnings(full: str) -> List[str]:
    """Django's memcache_key_warnings, word for word."""
    found = []
    if len(full) > MEMCACHE_MAX_KEY_LENGTH:
        found.append(
            "Cache key will cause errors if used with memcached: %r "
            "(longer than %s)" % (full, MEMCACHE_MAX_KEY_LENGTH)
        )
    if _MEMCACHE_BAD(full):
        found.append(f"Cache key contains characters that will cause errors if used with memcached: {full!r}")
    return found


def _value(value: RawValue) -> bytes:
    t = type(value)
    if t is bytes:
        return value  # type: ignore[return-value]
    if t is str:
        return value.encode("utf-8")  # type: ignore[union-attr]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return str.encode(value, "utf-8")
    # As django-redis: an int (not a bool) is stored as its decimal digits,
    # so incr works on it and Django reads it back as an int.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value)).encode("ascii")
    raise TypeError(f"a value is bytes, str or int for now, not {type(value).__name__}")


def _loads(form: memoryview) -> Any:
    """What rc_get_loadable answers, read from the library's buffer."""
    try:
        return ValueCodec.loads_loadable_buffer(form)
    except (ValueError, TypeError, EOFError, pickle.UnpicklingError) as exc:  # e.g. a set of unhashable items
        raise ValueDecodeError(f"the value has no Python form: {exc}") from None


def _int(name: str, value: Any, bits: int) -> int:
    """value, checked to be an int (not a bool) that fits the C ABI's
    signed ``bits``-bit argument."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is an int, not {type(value).__name__}")
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise ValueError(f"{name} {value} is out of the {bits}-bit range")
    return value


def _version(version: Optional[int]) -> int:
    if version is None:
        return RC_DEFAULT_VERSION
    # INT_MIN is RC_DEFAULT_VERSION, which a caller's version must not be.
    if _int("version", version, 32) == -(2**31):
        raise ValueError(f"version {version} is out of range")
    return version


def _pattern(search: Any) -> bytes:
    """The glob of the key part, as django-redis's make_pattern formats it."""
    return ("%s" % (search,)).encode("utf-8")


def _count(itersize: Optional[int]) -> int:
    if itersize is None:
        return 0
    if isinstance(itersize, bool) or not isinstance(itersize, int) or itersize <= 0:
        raise ValueError(f"itersize is a positive int, not {itersize!r}")
    return itersize


def _field(field: Any) -> bytes:
    """A hash field as redis-py's encoder writes it."""
    if isinstance(field, bytes):
        return field
    if isinstance(field, str):
        return field.encode("utf-8")
    if isinstance(field, (int, float)) and not isinstance(field, bool):
        return repr(field).encode("ascii")
    if isinstance(field, memoryview):
        return field.tobytes()
    raise TypeError(f"a hash field is bytes, str, int or float, not {type(field).__name__}")


def _take_list(lib: Library, out: c_void_p, n: c_size_t) -> List[str]:
    """The strings of an rc_buf list, freed; decoded as django-redis
    decodes keys."""
    try:
        return [b.decode() for b in _read_bufs(out.value or 0, n.value)]  # type: ignore[union-attr]
    finally:
        lib.rc_free(out.value)


def _timeout(timeout: Any) -> Timeout:
    if timeout is DEFAULT_TIMEOUT:
        return _T_DEFAULT
    if timeout is None:
        return _T_NEVER
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return Timeout(RC_TIMEOUT_SECONDS, float(timeout))
    django = sys.modules.get("django.core.cache.backends.base")
    if django is not None and timeout is getattr(django, "DEFAULT_TIMEOUT", None):
        return _T_DEFAULT
    raise TypeError(f"timeout is DEFAULT_TIMEOUT, None or seconds, not {type(timeout).__name__}")


def _entry_json(entry: Mapping[str, Any]) -> bytes:
    # entry_data's messages name the setting and type, never the value (it
    # may be a password).
    try:
        return json.dumps(entry_data(entry), allow_nan=False).encode("utf-8")
    except ValueError as exc:
        raise ConfigurationError(f"the CACHES entry cannot be written as JSON: {exc}") from None


def _settings_json(settings: Any) -> bytes:
    """The Django settings beside the entry, as rc_open_with_settings takes
    them; None is none."""
    if settings is None:
        return b""
    return json.dumps(settings_data(settings)).encode("utf-8")


def _release(lib: Library, handle: int) -> None:
    """Closes a handle; the finalizer of Client. Skipped in a forked child:
    the Go runtime is not there, and the parent still owns the client."""
    if lib.forked():
        return
    lib.rc_close(handle, None)


# The (pointer, length) arrays of the many-key calls are built with the
# array module over one joined buffer: about 2.5x faster than ctypes arrays
# of c_char_p for 100 keys. Inputs are copied by the library before it
# returns, so the buffers only need to live for the call.
_WORD = "L" if array("L").itemsize == ctypes.sizeof(c_void_p) == ctypes.sizeof(c_size_t) else "Q"
# rc_buf as struct reads it: data, len, found, then the C struct's tail padding.
_BUF = struct.Struct(f"@PNi{ctypes.sizeof(Buf) - struct.calcsize('@PNi')}x")
assert _BUF.size == ctypes.sizeof(Buf) and (Buf.data.offset, Buf.len.offset, Buf.found.offset) == (
    0,
    struct.calcsize("@P"),
    struct.calcsize("@PN"),
), "rc_buf layout"


class _Arrays:
    """The pointers and lengths of n byte strings, for one call."""

    __slots__ = ("blob", "ptrs", "lens", "words", "sizes")

    def __init__(self, items: List[bytes]) -> None:
        n = len(items)
        self.blob = b"".join(items)
        self.sizes = array(_WORD, map(len, items))
        base = ctypes.cast(c_char_p(self.blob), c_void_p).value or 0
        self.words = array(_WORD, accumulate(self.sizes, initial=base))
        self.words.pop()
        self.ptrs = (c_char_p * n).from_buffer(self.words)
        self.lens = (c_size_t * n).from_buffer(self.sizes)


def _read_bufs(base: int, n: int) -> List[Optional[bytes]]:
    """The values of an rc_buf array (None for a missing key), in two
    copies: the headers, then the whole block up to the last value (the
    values live inside the array's own allocation, as the header says).
    Faster than reading each rc_buf through ctypes (56 -> 20 us for 100)."""
    entries = list(_BUF.iter_unpack(ctypes.string_at(base, n * _BUF.size)))
    end = n * _BUF.size
    for data, size, found in entries:
        if found and data - base + size > end:
            end = data - base + size
    block = ctypes.string_at(base, end)
    return [block[data - base : data - base + size] if found else None for data, size, found in entries]


class Client(SortedSetMixin):
    """A client of one Django CACHES entry (the dict from settings.CACHES).

    get/set/add/get_many/set_many carry Python values as Django's cache
    does (through the entry's SERIALIZER and COMPRESSOR): Django reads what
    is set here and the reverse. The *_bytes methods read and write the
    stored bytes as they are.

    No I/O happens here; the first call that needs Redis connects. Safe to
    share between threads (calls release the GIL). Close it with close() or
    a ``with`` block; otherwise it is closed when garbage-collected. Create
    clients after fork(): in a forked child every call raises ForkedError.

    ``settings`` are the Django settings beside CACHES that change how the
    entry is read: django.conf.settings or a settings module (the ones the
    library reads are taken from it), or a dict of setting names, e.g.
    ``{"DJANGO_REDIS_CONNECTION_FACTORY":
    "django_redis.pool.SentinelConnectionFactory"}``, which an entry of
    django-redis's SentinelClient needs.
    """

    def __init__(self, caches_entry: Mapping[str, Any], settings: Any = None) -> None:
        data = _entry_json(caches_entry)
        django = _settings_json(settings)
        lib = _native.load()
        lib.check_fork("rc_open")
        out = c_void_p()
        err = c_void_p()
        status = lib.rc_open_with_settings(data, len(data), django, len(django), byref(out), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        self._lib: Library = lib
        self._entry, self._settings = data, django  # to open again after close()
        self._codec = ValueCodec(dict(caches_entry))
        self._h: int = out.value  # type: ignore[assignment]
        self._finalizer = weakref.finalize(self, _release, lib, self._h)
        self._closed = False
        self._lock = threading.Lock()
        # Django's key function, for the memcached warnings: the full key is
        # KEY_PREFIX:VERSION:key, and every key warns when the prefix does.
        self._prefix = "%s" % (caches_entry.get("KEY_PREFIX", ""),)
        self._default_version = caches_entry.get("VERSION", 1)
        self._room = MEMCACHE_MAX_KEY_LENGTH - len(f"{self._prefix}:{self._default_version}:")
        self._always_warn = bool(_MEMCACHE_BAD(self._prefix))
        self._check_keys = True  # off where the caller warns itself (the Django backend)

    # -- lifecycle ---------------------------------------------------------

    def close(self, **kwargs: Any) -> None:
        """Closes the connections, as Django closes its caches after every
        request: the client stays usable, and the next call connects again.
        Calls in flight on other threads raise ClosedError. Until then the
        client holds nothing native; a second close does nothing."""
        with self._lock:
            self._closed = True
            self._finalizer()

    @property
    def closed(self) -> bool:
        """True after close(), until a call opens the client again."""
        return self._closed

    def _reopen(self, op: str) -> None:
        with self._lock:
            if not self._closed:
                return
            lib = self._lib
            lib.check_fork(op)
            out, err = c_void_p(), c_void_p()
            status = lib.rc_open_with_settings(self._entry, len(self._entry), self._settings, len(self._settings),
                                               byref(out), byref(err))
            if status != RC_OK:
                raise lib.error(status, err)
            self._h = out.value  # type: ignore[assignment]
            self._finalizer = weakref.finalize(self, _release, lib, self._h)
            self._closed = False

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<redisclient.Client {'closed' if self.closed else 'open'}>"

    def _check(self, op: str) -> Library:
        lib = self._lib
        if _getpid() != lib.pid:
            lib.check_fork(op)
        if self._closed:
            self._reopen(op)
        return lib

    def _key(self, key: Key, version: Optional[int]) -> bytes:
        """The key as Django's default key function writes it, str(key), in
        UTF-8; warns (CacheKeyWarning) where Django's validate_key would."""
        if type(key) is not str:
            key = "%s" % (key,)
        room = self._room if version is None else self._room_for(version)
        if self._check_keys and (len(key) > room or self._always_warn or _MEMCACHE_BAD(key)):
            v = self._default_version if version is None else version
            for message in _key_warnings(f"{self._prefix}:{v}:{key}"):
                warnings.warn(message, _warning_class(), stacklevel=3)
        return key.encode("utf-8")

    def _room_for(self, version: Any) -> int:
        return MEMCACHE_MAX_KEY_LENGTH - len(f"{self._prefix}:{version}:")

    # -- one key -----------------------------------------------------------

    def get(self, key: Key, default: Any = None, version: Optional[int] = None) -> Any:
        """The value, as Django's cache.get returns it, or default when the
        key is missing. A stored value that cannot be decoded (malformed,
        another codec's bytes, a pickle that would call code) raises
        ValueDecodeError; a pickled object of a class redisclient does not
        represent is an OpaqueValue."""
        lib = self._check("rc_get_loadable")
        k = self._key(key, version)
        val, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_get_loadable(self._h, k, len(k), _version(version), byref(val), byref(n), byref(err))
        if status == RC_OK:
            return lib.take_with(val.value, n.value, _loads)
        if status == RC_MISS:
            return default
        raise lib.error(status, err)

    def set(
        self,
        key: Key,
        value: Value,
        timeout: TimeoutT = DEFAULT_TIMEOUT,
        version: Optional[int] = None,
        nx: bool = False,
        xx: bool = False,
    ) -> Optional[bool]:
        """Stores a value as Django's cache.set does; a zero or negative
        timeout deletes the key. A value the serializer cannot write raises
        ValueEncodeError (or TypeError). django-redis's nx=True stores only
        a missing key (add), xx=True only an existing one; both answer
        whether they stored."""
        if nx and xx:
            raise ValueError("set: nx and xx exclude each other")
        if nx:
            return self.add(key, value, timeout, version)
        if xx:
            lib = self._check("rc_replace_value")
            k, v = self._key(key, version), self._codec.dumps(value)
            err = c_void_p()
            status = lib.rc_replace_value(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
            if status in (RC_OK, RC_MISS):
                return status == RC_OK
            raise lib.error(status, err, reading=False)
        lib = self._check("rc_set_value")
        k, v = self._key(key, version), self._codec.dumps(value)
        err = c_void_p()
        status = lib.rc_set_value(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        if status != RC_OK:
            raise lib.error(status, err, reading=False)
        return None

    def add(
        self, key: Key, value: Value, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> bool:
        """Stores a value only if the key is missing; True when it was."""
        lib = self._check("rc_add_value")
        k, v = self._key(key, version), self._codec.dumps(value)
        err = c_void_p()
        status = lib.rc_add_value(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        if status in (RC_OK, RC_MISS):
            return status == RC_OK
        raise lib.error(status, err, reading=False)

    def get_bytes(self, key: Key, default: Any = None, version: Optional[int] = None) -> Any:
        """The stored bytes, or default when the key is missing."""
        lib = self._check("rc_get")
        k = self._key(key, version)
        val, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_get(self._h, k, len(k), _version(version), byref(val), byref(n), byref(err))
        if status == RC_OK:
            return lib.take(val.value, n.value)
        if status == RC_MISS:
            return default
        raise lib.error(status, err)

    def set_bytes(
        self,
        key: Key,
        value: RawValue,
        timeout: TimeoutT = DEFAULT_TIMEOUT,
        version: Optional[int] = None,
        nx: bool = False,
        xx: bool = False,
    ) -> Optional[bool]:
        """Stores bytes as they are (str as UTF-8, int as digits); a zero or
        negative timeout deletes the key. nx and xx as set()."""
        if nx and xx:
            raise ValueError("set: nx and xx exclude each other")
        if nx:
            return self.add_bytes(key, value, timeout, version)
        op = "rc_replace" if xx else "rc_set"
        lib = self._check(op)
        k, v = self._key(key, version), _value(value)
        err = c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        if xx and status in (RC_OK, RC_MISS):
            return status == RC_OK
        if status != RC_OK:
            raise lib.error(status, err)
        return None

    def add_bytes(
        self, key: Key, value: RawValue, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> bool:
        """add() of bytes as they are; True when stored."""
        lib = self._check("rc_add")
        k, v = self._key(key, version), _value(value)
        err = c_void_p()
        status = lib.rc_add(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        return self._found(lib, status, err)

    def get_or_set(
        self, key: Key, default: Any, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> Any:
        """Django's get_or_set: the cached value; on a miss default (called
        first when it is callable, and only then) is added, never over a
        value stored meanwhile, and the key read again. A default of None
        is stored, as Django stores it. When nothing could be cached (a
        zero or negative timeout) the answer is the default."""
        if callable(default):
            val = self.get(key, _MISSING, version=version)
            if val is not _MISSING:
                return val
            default = default()
        lib = self._check("rc_get_or_set_value")
        k, v = self._key(key, version), self._codec.dumps(default)
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_get_or_set_value(
            self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(out), byref(n), byref(err)
        )
        if status == RC_OK:
            return lib.take_with(out.value, n.value, _loads)
        if status == RC_MISS:
            return default
        raise lib.error(status, err, reading=None)

    def incr_version(self, key: Key, delta: int = 1, version: Optional[int] = None) -> int:
        """Django's incr_version: moves the value to version + delta, with
        its remaining timeout kept (as django-redis keeps it), and returns
        the new version. A missing key raises NotFoundError (a ValueError,
        as Django)."""
        return self._move_version("rc_incr_version", key, delta, version)

    def decr_version(self, key: Key, delta: int = 1, version: Optional[int] = None) -> int:
        """Django's decr_version: incr_version by -delta."""
        return self._move_version("rc_decr_version", key, delta, version)

    def _move_version(self, op: str, key: Key, delta: int, version: Optional[int]) -> int:
        lib = self._check(op)
        _int("delta", delta, 32)
        k = self._key(key, version)
        moved, err = ctypes.c_int(), c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), delta, _version(version), byref(moved), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return moved.value

    def __contains__(self, key: Key) -> bool:
        """``key in client``: has_key(key)."""
        return self.has_key(key)

    def delete(self, key: Key, version: Optional[int] = None) -> bool:
        """True when the key existed."""
        return self._key_call("rc_delete", key, version)

    def has_key(self, key: Key, version: Optional[int] = None) -> bool:
        return self._key_call("rc_has_key", key, version)

    def persist(self, key: Key, version: Optional[int] = None) -> bool:
        """Removes the key's expiry; True when it had one."""
        return self._key_call("rc_persist", key, version)

    def touch(self, key: Key, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None) -> bool:
        """Gives the key a new timeout; True when it exists."""
        return self._timeout_call("rc_touch", key, timeout, version)

    def expire(self, key: Key, timeout: Union[TimeoutT, timedelta], version: Optional[int] = None) -> bool:
        """django-redis's expire(): the same as touch(); a timedelta is
        whole seconds, as redis-py counts it."""
        if isinstance(timeout, timedelta):
            timeout = int(timeout.total_seconds())
        return self._timeout_call("rc_expire", key, timeout, version)

    def pexpire(self, key: Key, timeout: Union[int, timedelta], version: Optional[int] = None) -> bool:
        """django-redis's pexpire(): the key expires in ``timeout``
        milliseconds (zero or less: now); True when it exists."""
        if isinstance(timeout, timedelta):
            timeout = int(timeout.total_seconds() * 1000)
        return self._ms_call("rc_pexpire", key, timeout, version)

    def expire_at(self, key: Key, when: Union[int, datetime], version: Optional[int] = None) -> bool:
        """django-redis's expire_at(): the key expires at ``when``, a unix
        time in seconds or a datetime (whole seconds, as redis-py sends it)."""
        if isinstance(when, datetime):
            when = int(when.timestamp())
        if isinstance(when, bool) or not isinstance(when, int):
            raise TypeError(f"when is a unix time or a datetime, not {type(when).__name__}")
        return self._ms_call("rc_pexpire_at", key, when * 1000, version)

    def pexpire_at(self, key: Key, when: Union[int, datetime], version: Optional[int] = None) -> bool:
        """django-redis's pexpire_at(): at ``when``, a unix time in
        milliseconds or a datetime."""
        if isinstance(when, datetime):
            when = int(when.timestamp() * 1000)
        return self._ms_call("rc_pexpire_at", key, when, version)

    def _ms_call(self, op: str, key: Key, ms: Any, version: Optional[int]) -> bool:
        lib = self._check(op)
        _int(op[3:], ms, 64)
        k = self._key(key, version)
        err = c_void_p()
        return self._found(lib, getattr(lib, op)(self._h, k, len(k), ms, _version(version), byref(err)), err)

    def incr(self, key: Key, delta: int = 1, version: Optional[int] = None, ignore_key_check: bool = False) -> int:
        """Adds delta atomically and returns the new value. A missing key
        raises NotFoundError (a ValueError, as Django); with django-redis's
        ignore_key_check=True it starts at 0 instead (INCRBY)."""
        return self._incr("rc_incr_create" if ignore_key_check else "rc_incr", key, delta, version)

    def decr(self, key: Key, delta: int = 1, version: Optional[int] = None) -> int:
        """Subtracts delta atomically and returns the new value. A delta of
        -2**63 raises NotIntegerError (its negation is not a 64-bit int)."""
        return self._incr("rc_decr", key, delta, version)

    def ttl(self, key: Key, version: Optional[int] = None) -> Optional[int]:
        """Seconds left as django-redis answers: None when the key has no
        expiry, 0 when it is missing."""
        lib = self._check("rc_ttl")
        k = self._key(key, version)
        ms, err = c_int64(), c_void_p()
        status = lib.rc_ttl(self._h, k, len(k), _version(version), byref(ms), byref(err))
        if status == RC_MISS:
            return 0
        if status != RC_OK:
            raise lib.error(status, err)
        if ms.value == RC_TTL_NEVER:
            return None
        # Redis's TTL command rounds milliseconds to the nearest second.
        return (ms.value + 500) // 1000

    def pttl(self, key: Key, version: Optional[int] = None) -> Optional[int]:
        """Milliseconds left, as django-redis's pttl: None when the key has
        no expiry, 0 when it is missing."""
        lib = self._check("rc_ttl")
        k = self._key(key, version)
        ms, err = c_int64(), c_void_p()
        status = lib.rc_ttl(self._h, k, len(k), _version(version), byref(ms), byref(err))
        if status == RC_MISS:
            return 0
        if status != RC_OK:
            raise lib.error(status, err)
        return None if ms.value == RC_TTL_NEVER else ms.value

    # -- django-redis: keys by pattern, locks, hashes ----------------------

    def keys(self, search: str, version: Optional[int] = None) -> List[str]:
        """django-redis's keys(): the keys (as given to set) of this
        version that match the glob ``search``, on every primary. The
        prefix's glob characters are escaped; SCAN is used, never KEYS."""
        lib = self._check("rc_keys")
        p = _pattern(search)
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_keys(self._h, p, len(p), _version(version), byref(out), byref(n), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return _take_list(lib, out, n)

    def iter_keys(self, search: str, itersize: Optional[int] = None, version: Optional[int] = None) -> Iterator[str]:
        """django-redis's iter_keys(): keys() a SCAN page (about
        ``itersize`` keys, 10 by default) at a time; a key may come twice,
        as with SCAN."""
        p = _pattern(search)
        count = _count(itersize)
        cursor = c_uint64(0)
        while True:
            lib = self._check("rc_scan_keys")
            out, n, err = c_void_p(), c_size_t(), c_void_p()
            status = lib.rc_scan_keys(self._h, p, len(p), _version(version), byref(cursor), count, byref(out), byref(n), byref(err))
            if status != RC_OK:
                raise lib.error(status, err)
            yield from _take_list(lib, out, n)
            if cursor.value == 0:
                return

    def delete_pattern(self, pattern: str, version: Optional[int] = None, itersize: Optional[int] = None) -> int:
        """django-redis's delete_pattern(): deletes the keys keys(pattern)
        names; returns how many."""
        lib = self._check("rc_delete_pattern")
        p = _pattern(pattern)
        deleted, err = c_int64(), c_void_p()
        status = lib.rc_delete_pattern(self._h, p, len(p), _version(version), _count(itersize), byref(deleted), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return deleted.value

    def lock(
        self,
        key: Key,
        version: Optional[int] = None,
        timeout: Optional[float] = None,
        sleep: float = 0.1,
        blocking: bool = True,
        blocking_timeout: Optional[float] = None,
        thread_local: bool = True,
    ) -> Lock:
        """django-redis's lock(): redis-py's Lock on this cache's key for
        ``key``. A holder here and one in Django exclude each other."""
        return Lock(self, key, version, timeout, sleep, blocking, blocking_timeout, thread_local)

    def hset(
        self,
        key: Key,
        field: Any = None,
        value: Value = None,
        mapping: Optional[Mapping[Any, Value]] = None,
        version: Optional[int] = None,
    ) -> int:
        """django-redis's hset(): sets ``field`` to ``value`` and/or the
        fields of ``mapping``, values encoded as django-redis encodes them;
        returns how many fields were new."""
        items: Dict[bytes, Value] = {}
        if field is not None:
            if value is None:
                raise TypeError("hset: a value of None cannot be sent (redis-py refuses it)")
            items[_field(field)] = value
        for f, v in (mapping or {}).items():
            items[_field(f)] = v
        if not items:
            raise ValueError("hset: no field and value")
        lib = self._check("rc_hset_values")
        k = self._key(key, version)
        fs = _Arrays(list(items))
        vs = _Arrays([self._codec.dumps(v) for v in items.values()])
        added, err = c_int64(), c_void_p()
        status = lib.rc_hset_values(self._h, k, len(k), fs.ptrs, fs.lens, vs.ptrs, vs.lens, len(items), _version(version), byref(added), byref(err))
        if status != RC_OK:
            raise lib.error(status, err, reading=False)
        return added.value

    def hdel(self, key: Key, field: Any, version: Optional[int] = None) -> int:
        """django-redis's hdel(): removes the field; 1 when it existed."""
        lib = self._check("rc_hdel")
        k = self._key(key, version)
        fs = _Arrays([_field(field)])
        removed, err = c_int64(), c_void_p()
        status = lib.rc_hdel(self._h, k, len(k), fs.ptrs, fs.lens, 1, _version(version), byref(removed), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return removed.value

    def hlen(self, key: Key, version: Optional[int] = None) -> int:
        """django-redis's hlen(): the number of fields."""
        lib = self._check("rc_hlen")
        k = self._key(key, version)
        n, err = c_int64(), c_void_p()
        status = lib.rc_hlen(self._h, k, len(k), _version(version), byref(n), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return n.value

    def hkeys(self, key: Key, version: Optional[int] = None) -> List[str]:
        """django-redis's hkeys(): the field names, as str."""
        lib = self._check("rc_hkeys")
        k = self._key(key, version)
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_hkeys(self._h, k, len(k), _version(version), byref(out), byref(n), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return _take_list(lib, out, n)

    def hexists(self, key: Key, field: Any, version: Optional[int] = None) -> bool:
        """django-redis's hexists(): whether the hash has the field."""
        lib = self._check("rc_hexists")
        k, f = self._key(key, version), _field(field)
        err = c_void_p()
        return self._found(lib, lib.rc_hexists(self._h, k, len(k), f, len(f), _version(version), byref(err)), err)

    # -- many keys ---------------------------------------------------------

    def get_many(self, keys: Iterable[Key], version: Optional[int] = None) -> Dict[Key, Any]:
        """The found keys (as given) and their values, as Django's
        get_many. One undecodable value raises ValueDecodeError."""
        keys = list(keys)
        forms = self._fetch_many("rc_get_many_loadable", keys, version)
        found = [(key, form) for key, form in zip(keys, forms) if form is not None]
        try:
            values = ValueCodec.loads_loadable([form for _, form in found])
        except (ValueError, TypeError, EOFError, pickle.UnpicklingError) as exc:
            raise ValueDecodeError(f"a value has no Python form: {exc}") from None
        return {key: value for (key, _), value in zip(found, values)}

    def set_many(
        self,
        mapping: Mapping[Key, Value],
        timeout: TimeoutT = DEFAULT_TIMEOUT,
        version: Optional[int] = None,
    ) -> List[Key]:
        """Stores every value with one timeout, one round trip per node, and
        returns the keys that failed, as Django's set_many: those Redis
        refused (an error reply such as OOM), while the others were stored.
        An error that leaves unknown what was written (a lost connection)
        raises."""
        lib = self._check("rc_set_many_values_report")
        values = [self._codec.dumps(v) for v in mapping.values()]
        return self._store_many(lib, lib.rc_set_many_values_report, mapping, values, timeout, version, reading=False)

    def get_many_bytes(self, keys: Iterable[Key], version: Optional[int] = None) -> Dict[Key, bytes]:
        """The found keys (as given) and their stored bytes."""
        keys = list(keys)
        values = self._fetch_many("rc_get_many", keys, version)
        return {key: value for key, value in zip(keys, values) if value is not None}

    def _fetch_many(self, name: str, keys: List[Key], version: Optional[int]) -> List[Optional[bytes]]:
        """The call both get_many kinds make: what rc_get_many or
        rc_get_many_values answers for each key (None when missing)."""
        lib = self._check(name)
        n = len(keys)
        if n == 0:
            return []
        arrays = _Arrays([self._key(k, version) for k in keys])
        out, err = c_void_p(), c_void_p()
        status = getattr(lib, name)(self._h, arrays.ptrs, arrays.lens, n, _version(version), byref(out), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        try:
            return _read_bufs(out.value or 0, n)
        finally:
            lib.rc_free(out.value)

    def set_many_bytes(
        self,
        mapping: Mapping[Key, RawValue],
        timeout: TimeoutT = DEFAULT_TIMEOUT,
        version: Optional[int] = None,
    ) -> List[Key]:
        """set_many() of bytes as they are; returns the keys that failed."""
        lib = self._check("rc_set_many_report")
        values = [_value(v) for v in mapping.values()]
        return self._store_many(lib, lib.rc_set_many_report, mapping, values, timeout, version, reading=True)

    def _store_many(
        self,
        lib: Library,
        store: Any,
        keys: Iterable[Key],
        values: List[bytes],
        timeout: TimeoutT,
        version: Optional[int],
        reading: bool,
    ) -> List[Key]:
        """The call both set_many kinds make: keys and encoded values as
        arrays; the answer is the keys (as given) the library flagged."""
        if not values:
            return []
        keys = list(keys)
        ks = _Arrays([self._key(k, version) for k in keys])
        vs = _Arrays(values)
        n = len(values)
        failed = (ctypes.c_ubyte * n)()
        err = c_void_p()
        status = store(self._h, ks.ptrs, ks.lens, vs.ptrs, vs.lens, n, _timeout(timeout), _version(version), failed, byref(err))
        if status == RC_OK:
            return []
        if status == RC_MISS:
            return [key for key, flag in zip(keys, failed) if flag]
        raise lib.error(status, err, reading=reading)

    def delete_many(self, keys: Iterable[Key], version: Optional[int] = None) -> None:
        """Deletes the keys. Returns None, as Django's delete_many does
        (django-redis returns a count; rc_delete_many has it)."""
        lib = self._check("rc_delete_many")
        encoded = [self._key(k, version) for k in keys]
        n = len(encoded)
        if n == 0:
            return None
        arrays = _Arrays(encoded)
        err = c_void_p()
        status = lib.rc_delete_many(self._h, arrays.ptrs, arrays.lens, n, _version(version), None, byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return None

    def clear(self) -> int:
        """Deletes every key of this entry's KEY_PREFIX (all versions) on
        every primary, and nothing else; returns how many."""
        lib = self._check("rc_clear")
        removed, err = c_int64(), c_void_p()
        status = lib.rc_clear(self._h, byref(removed), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return removed.value

    def health(self) -> Dict[str, Any]:
        """Health of the client's Redis: {"mode", "status": "good" |
        "degraded" | "failed", "ping" or "cluster_state" and "nodes",
        "error"}. A Redis that cannot be reached or answers with an error
        gives a dict with status "failed", not an exception; a closed client
        or a forked child raises."""
        lib = self._check("rc_health")
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_health(self._h, byref(out), byref(n), byref(err))
        data = lib.take(out.value, n.value)
        if status == RC_OK or (data and status in (RC_ERR_CONNECTION, RC_ERR_SERVER)):
            if err.value:
                lib.rc_free(err.value)
            return json.loads(data)  # type: ignore[no-any-return]
        raise lib.error(status, err)

    def _codec_call(self, op: str, data: List[bytes]) -> List[bytes]:
        """rc_compress_values or rc_decompress_values: the entry's
        COMPRESSOR alone, for the Django backend, which pickles in Python."""
        if not data:
            return []
        lib = self._check(op)
        arrays = _Arrays(data)
        out, err = c_void_p(), c_void_p()
        status = getattr(lib, op)(self._h, arrays.ptrs, arrays.lens, len(data), byref(out), byref(err))
        if status != RC_OK:
            raise lib.error(status, err, reading=op == "rc_decompress_values")
        try:
            return _read_bufs(out.value or 0, len(data))  # type: ignore[return-value]
        finally:
            lib.rc_free(out.value)

    # -- frames --------------------------------------------------------------

    _version_of = staticmethod(_version)

    @staticmethod
    def _found(lib: Library, status: int, err: c_void_p) -> bool:
        if status == RC_OK:
            return True
        if status == RC_MISS:
            return False
        raise lib.error(status, err)

    def _key_call(self, op: str, key: Key, version: Optional[int]) -> bool:
        lib = self._check(op)
        k = self._key(key, version)
        err = c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), _version(version), byref(err))
        return self._found(lib, status, err)

    def _timeout_call(self, op: str, key: Key, timeout: TimeoutT, version: Optional[int]) -> bool:
        lib = self._check(op)
        k = self._key(key, version)
        err = c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), _timeout(timeout), _version(version), byref(err))
        return self._found(lib, status, err)

    def _incr(self, op: str, key: Key, delta: int, version: Optional[int]) -> int:
        lib = self._check(op)
        _int("delta", delta, 64)
        k = self._key(key, version)
        result, err = c_int64(), c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), delta, _version(version), byref(result), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return result.value


def resolve(entry: Mapping[str, Any], settings: Any = None) -> Dict[str, Any]:
    """The effective connection settings of a CACHES entry, as its backend
    (``["backend"]``: django-redis's DefaultClient or SentinelClient,
    Django's RedisCache, django-ansible-base's RedisClient) would pass them
    to redis-py, without connecting; the other servers of a LOCATION list
    (SentinelClient's replicas) in ``["replicas"]``, a Sentinel service's
    ``["service_name"]``, ``["role"]``, ``["sentinels"]`` and
    ``["sentinel_settings"]``. ``settings`` are the Django settings beside
    CACHES, as Client takes them. The answer holds the passwords
    (``["password"]``) and prints them masked."""
    data = _entry_json(entry)
    django = _settings_json(settings)
    lib = _native.load()
    lib.check_fork("rc_resolve")
    out, n, err = c_void_p(), c_size_t(), c_void_p()
    status = lib.rc_resolve_with_settings(data, len(data), django, len(django), byref(out), byref(n), byref(err))
    if status != RC_OK:
        raise lib.error(status, err)
    return Settings(json.loads(lib.take(out.value, n.value)))
