"""The typed facade: Client and resolve()."""

from __future__ import annotations

import ctypes
import json
import os
import struct
import sys
import weakref
from array import array
from ctypes import byref, c_char_p, c_int64, c_size_t, c_void_p
from itertools import accumulate
from typing import Any, Dict, Final, Iterable, List, Mapping, Optional, Union

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
from ._entry import entry_data
from ._settings import Settings
from ._values import OpaqueValue, ValueCodec
from .errors import ConfigurationError, ValueDecodeError

__all__ = ["Client", "resolve", "DEFAULT_TIMEOUT", "Key", "Value", "RawValue", "TimeoutT", "OpaqueValue"]


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

Key = Union[str, bytes]
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


def _key(key: Key) -> bytes:
    if type(key) is str:
        return key.encode("utf-8")
    if type(key) is bytes:
        return key
    if isinstance(key, str):
        return str.encode(key, "utf-8")
    if isinstance(key, (bytes, bytearray, memoryview)):
        return bytes(key)
    raise TypeError(f"a key is str or bytes, not {type(key).__name__}")


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


def _loads(text: bytes) -> Any:
    try:
        return ValueCodec.loads(text)
    except (ValueError, TypeError) as exc:  # e.g. a set of unhashable items
        raise ValueDecodeError(f"the value has no Python form: {exc}") from None


def _version(version: Optional[int]) -> int:
    if version is None:
        return RC_DEFAULT_VERSION
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError(f"version is an int, not {type(version).__name__}")
    if not -(2**31) < version < 2**31:
        raise ValueError(f"version {version} is out of range")
    return version


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


class Client:
    """A client of one Django CACHES entry (the dict from settings.CACHES).

    get/set/add/get_many/set_many carry Python values as Django's cache
    does (through the entry's SERIALIZER and COMPRESSOR): Django reads what
    is set here and the reverse. The *_bytes methods read and write the
    stored bytes as they are.

    No I/O happens here; the first call that needs Redis connects. Safe to
    share between threads (calls release the GIL). Close it with close() or
    a ``with`` block; otherwise it is closed when garbage-collected. Create
    clients after fork(): in a forked child every call raises ForkedError.
    """

    def __init__(self, caches_entry: Mapping[str, Any]) -> None:
        data = _entry_json(caches_entry)
        lib = _native.load()
        lib.check_fork("rc_open")
        out = c_void_p()
        err = c_void_p()
        status = lib.rc_open(data, len(data), byref(out), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        self._lib: Library = lib
        self._codec = ValueCodec(dict(caches_entry))
        self._h: int = out.value  # type: ignore[assignment]
        self._finalizer = weakref.finalize(self, _release, lib, self._h)

    # -- lifecycle ---------------------------------------------------------

    def close(self) -> None:
        """Closes the client and its connections. Calls in flight on other
        threads, and later calls, raise ClosedError. A second close does
        nothing."""
        self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

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
        return lib

    # -- one key -----------------------------------------------------------

    def get(self, key: Key, default: Any = None, version: Optional[int] = None) -> Any:
        """The value, as Django's cache.get returns it, or default when the
        key is missing. A stored value that cannot be decoded (malformed,
        another codec's bytes, a pickle that would call code) raises
        ValueDecodeError; a pickled object of a class redisclient does not
        represent is an OpaqueValue."""
        lib = self._check("rc_get_value")
        k = _key(key)
        val, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_get_value(self._h, k, len(k), _version(version), byref(val), byref(n), byref(err))
        if status == RC_OK:
            return _loads(lib.take(val.value, n.value))
        if status == RC_MISS:
            return default
        raise lib.error(status, err)

    def set(
        self, key: Key, value: Value, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> None:
        """Stores a value as Django's cache.set does; a zero or negative
        timeout deletes the key. A value the serializer cannot write raises
        ValueEncodeError (or TypeError)."""
        lib = self._check("rc_set_value")
        k, v = _key(key), self._codec.dumps(value)
        err = c_void_p()
        status = lib.rc_set_value(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        if status != RC_OK:
            raise lib.error(status, err, reading=False)

    def add(
        self, key: Key, value: Value, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> bool:
        """Stores a value only if the key is missing; True when it was."""
        lib = self._check("rc_add_value")
        k, v = _key(key), self._codec.dumps(value)
        err = c_void_p()
        status = lib.rc_add_value(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        if status in (RC_OK, RC_MISS):
            return status == RC_OK
        raise lib.error(status, err, reading=False)

    def get_bytes(self, key: Key, default: Any = None, version: Optional[int] = None) -> Any:
        """The stored bytes, or default when the key is missing."""
        lib = self._check("rc_get")
        k = _key(key)
        val, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_get(self._h, k, len(k), _version(version), byref(val), byref(n), byref(err))
        if status == RC_OK:
            return lib.take(val.value, n.value)
        if status == RC_MISS:
            return default
        raise lib.error(status, err)

    def set_bytes(
        self, key: Key, value: RawValue, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> None:
        """Stores bytes as they are (str as UTF-8, int as digits); a zero or
        negative timeout deletes the key."""
        lib = self._check("rc_set")
        k, v = _key(key), _value(value)
        err = c_void_p()
        status = lib.rc_set(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)

    def add_bytes(
        self, key: Key, value: RawValue, timeout: TimeoutT = DEFAULT_TIMEOUT, version: Optional[int] = None
    ) -> bool:
        """add() of bytes as they are; True when stored."""
        lib = self._check("rc_add")
        k, v = _key(key), _value(value)
        err = c_void_p()
        status = lib.rc_add(self._h, k, len(k), v, len(v), _timeout(timeout), _version(version), byref(err))
        return self._found(lib, status, err)

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

    def expire(self, key: Key, timeout: TimeoutT, version: Optional[int] = None) -> bool:
        """django-redis's expire(): the same as touch()."""
        return self._timeout_call("rc_expire", key, timeout, version)

    def incr(self, key: Key, delta: int = 1, version: Optional[int] = None) -> int:
        """Adds delta atomically and returns the new value. A missing key
        raises NotFoundError (a ValueError, as Django)."""
        return self._incr("rc_incr", key, delta, version)

    def decr(self, key: Key, delta: int = 1, version: Optional[int] = None) -> int:
        """Subtracts delta atomically and returns the new value. A delta of
        -2**63 raises NotIntegerError (its negation is not a 64-bit int)."""
        return self._incr("rc_decr", key, delta, version)

    def ttl(self, key: Key, version: Optional[int] = None) -> Optional[int]:
        """Seconds left as django-redis answers: None when the key has no
        expiry, 0 when it is missing."""
        lib = self._check("rc_ttl")
        k = _key(key)
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

    # -- many keys ---------------------------------------------------------

    def get_many(self, keys: Iterable[Key], version: Optional[int] = None) -> Dict[Key, Any]:
        """The found keys (as given) and their values, as Django's
        get_many. One undecodable value raises ValueDecodeError."""
        keys = list(keys)
        texts = self._fetch_many("rc_get_many_values", keys, version)
        found = [(key, text) for key, text in zip(keys, texts) if text is not None]
        try:
            values = ValueCodec.loads_many([text for _, text in found])
        except (ValueError, TypeError) as exc:
            raise ValueDecodeError(f"a value has no Python form: {exc}") from None
        return {key: value for (key, _), value in zip(found, values)}

    def set_many(
        self,
        mapping: Mapping[Key, Value],
        timeout: TimeoutT = DEFAULT_TIMEOUT,
        version: Optional[int] = None,
    ) -> None:
        """Stores every value with one timeout, one round trip per node."""
        lib = self._check("rc_set_many_values")
        values = [self._codec.dumps(v) for v in mapping.values()]
        self._store_many(lib, lib.rc_set_many_values, mapping, values, timeout, version, reading=False)

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
        arrays = _Arrays([_key(k) for k in keys])
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
    ) -> None:
        """set_many() of bytes as they are."""
        lib = self._check("rc_set_many")
        values = [_value(v) for v in mapping.values()]
        self._store_many(lib, lib.rc_set_many, mapping, values, timeout, version, reading=True)

    def _store_many(
        self,
        lib: Library,
        store: Any,
        keys: Iterable[Key],
        values: List[bytes],
        timeout: TimeoutT,
        version: Optional[int],
        reading: bool,
    ) -> None:
        """The call both set_many kinds make: keys and encoded values as arrays."""
        if not values:
            return
        ks = _Arrays([_key(k) for k in keys])
        vs = _Arrays(values)
        err = c_void_p()
        status = store(self._h, ks.ptrs, ks.lens, vs.ptrs, vs.lens, len(values), _timeout(timeout), _version(version), byref(err))
        if status != RC_OK:
            raise lib.error(status, err, reading=reading)

    def delete_many(self, keys: Iterable[Key], version: Optional[int] = None) -> int:
        """Deletes the keys; returns how many existed."""
        lib = self._check("rc_delete_many")
        encoded = [_key(k) for k in keys]
        n = len(encoded)
        if n == 0:
            return 0
        arrays = _Arrays(encoded)
        deleted, err = c_int64(), c_void_p()
        status = lib.rc_delete_many(self._h, arrays.ptrs, arrays.lens, n, _version(version), byref(deleted), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return deleted.value

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

    # -- frames --------------------------------------------------------------

    @staticmethod
    def _found(lib: Library, status: int, err: c_void_p) -> bool:
        if status == RC_OK:
            return True
        if status == RC_MISS:
            return False
        raise lib.error(status, err)

    def _key_call(self, op: str, key: Key, version: Optional[int]) -> bool:
        lib = self._check(op)
        k = _key(key)
        err = c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), _version(version), byref(err))
        return self._found(lib, status, err)

    def _timeout_call(self, op: str, key: Key, timeout: TimeoutT, version: Optional[int]) -> bool:
        lib = self._check(op)
        k = _key(key)
        err = c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), _timeout(timeout), _version(version), byref(err))
        return self._found(lib, status, err)

    def _incr(self, op: str, key: Key, delta: int, version: Optional[int]) -> int:
        lib = self._check(op)
        if isinstance(delta, bool) or not isinstance(delta, int):
            raise TypeError(f"delta is an int, not {type(delta).__name__}")
        if not -(2**63) <= delta < 2**63:
            raise ValueError(f"delta {delta} is out of the 64-bit range")
        k = _key(key)
        result, err = c_int64(), c_void_p()
        status = getattr(lib, op)(self._h, k, len(k), delta, _version(version), byref(result), byref(err))
        if status != RC_OK:
            raise lib.error(status, err)
        return result.value


def resolve(entry: Mapping[str, Any]) -> Dict[str, Any]:
    """The effective connection settings of a CACHES entry, as its backend
    (``["backend"]``: django-redis's DefaultClient or django-ansible-base's
    RedisClient) would pass them to redis-py, without connecting; the other
    servers of a LOCATION list in ``["replicas"]``. The answer holds the
    passwords (``["password"]``) and prints them masked."""
    data = _entry_json(entry)
    lib = _native.load()
    lib.check_fork("rc_resolve")
    out, n, err = c_void_p(), c_size_t(), c_void_p()
    status = lib.rc_resolve(data, len(data), byref(out), byref(n), byref(err))
    if status != RC_OK:
        raise lib.error(status, err)
    return Settings(json.loads(lib.take(out.value, n.value)))
