"""Finding, loading and declaring libredisclient.so (include/redisclient.h).

Nothing here runs at import: load() is called by the first Client (or
resolve()), so that a pre-fork server may import the package before it forks
(the Go runtime starts when the library is loaded and does not survive fork).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_int,
    c_int64,
    c_size_t,
    c_ubyte,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Callable, Optional

from .errors import (
    CacheError,
    ClosedError,
    ConfigurationError,
    ConnectionError,
    ForkedError,
    InternalError,
    InvalidArgumentError,
    LibraryError,
    ValueCodecError,
    ValueDecodeError,
    ValueEncodeError,
    NotFoundError,
    NotIntegerError,
    RedisClientError,
)

# The RC_ABI_VERSION of the header this shim was written against.
ABI_VERSION = 0

# Status codes (rc_status).
RC_OK = 0
RC_MISS = 1
RC_ERR_CONFIG = -1
RC_ERR_CONNECTION = -2
RC_ERR_NOT_FOUND = -3
RC_ERR_NOT_INTEGER = -4
RC_ERR_CLOSED = -5
RC_ERR_INVALID_HANDLE = -6
RC_ERR_INVALID_ARGUMENT = -7
RC_ERR_SERVER = -8
RC_ERR_FORKED = -9
RC_ERR_INTERNAL = -10
RC_ERR_VALUE = -11

RC_DEFAULT_VERSION = -(2**31)
RC_TIMEOUT_DEFAULT = 0
RC_TIMEOUT_NEVER = 1
RC_TIMEOUT_SECONDS = 2
RC_TTL_NEVER = -1

LIBRARY_NAME = "libredisclient.so"
SONAME = "libredisclient.so.0"
ENV_LIBRARY = "REDISCLIENT_LIBRARY"


class Timeout(Structure):
    _fields_ = [("kind", c_int), ("seconds", c_double)]


class Buf(Structure):
    _fields_ = [("data", c_void_p), ("len", c_size_t), ("found", c_int)]


_err = POINTER(c_void_p)  # char **err: c_void_p so ctypes never copies or frees it
_out = POINTER(c_void_p)  # char **value, rc_client **client, rc_buf **values
_size = POINTER(c_size_t)
_i64 = POINTER(c_int64)
_f64 = POINTER(c_double)
_keys = POINTER(c_char_p)
_client = c_void_p  # the token from rc_open; never dereferenced
_flags = POINTER(c_ubyte)  # unsigned char *failed: the caller's array

# Every rc_ function: (restype, argtypes). Inputs are c_char_p so that bytes
# pass without a copy; owned outputs are c_void_p so that ctypes never turns
# them into bytes (which would lose NULs and the pointer to free).
SIGNATURES: dict[str, tuple[Optional[type], list[type]]] = {
    "rc_version": (c_char_p, []),
    "rc_abi_version": (c_int, []),
    "rc_free": (None, [c_void_p]),
    "rc_resolve": (c_int, [c_char_p, c_size_t, _out, _size, _err]),
    "rc_resolve_with_settings": (c_int, [c_char_p, c_size_t, c_char_p, c_size_t, _out, _size, _err]),
    "rc_expand_env": (c_int, [c_char_p, c_size_t, _out, _size, _err]),
    "rc_open": (c_int, [c_char_p, c_size_t, _out, _err]),
    "rc_open_with_settings": (c_int, [c_char_p, c_size_t, c_char_p, c_size_t, _out, _err]),
    "rc_close": (c_int, [_client, _err]),
    "rc_health": (c_int, [_client, _out, _size, _err]),
    "rc_get": (c_int, [_client, c_char_p, c_size_t, c_int, _out, _size, _err]),
    "rc_set": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_add": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_delete": (c_int, [_client, c_char_p, c_size_t, c_int, _err]),
    "rc_has_key": (c_int, [_client, c_char_p, c_size_t, c_int, _err]),
    "rc_incr": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _i64, _err]),
    "rc_decr": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _i64, _err]),
    "rc_touch": (c_int, [_client, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_expire": (c_int, [_client, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_persist": (c_int, [_client, c_char_p, c_size_t, c_int, _err]),
    "rc_ttl": (c_int, [_client, c_char_p, c_size_t, c_int, _i64, _err]),
    "rc_get_many": (c_int, [_client, _keys, _size, c_size_t, c_int, POINTER(c_void_p), _err]),
    "rc_set_many": (c_int, [_client, _keys, _size, _keys, _size, c_size_t, Timeout, c_int, _err]),
    "rc_delete_many": (c_int, [_client, _keys, _size, c_size_t, c_int, _i64, _err]),
    "rc_clear": (c_int, [_client, _i64, _err]),
    "rc_get_value": (c_int, [_client, c_char_p, c_size_t, c_int, _out, _size, _err]),
    "rc_get_loadable": (c_int, [_client, c_char_p, c_size_t, c_int, _out, _size, _err]),
    "rc_set_value": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_add_value": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_get_many_values": (c_int, [_client, _keys, _size, c_size_t, c_int, POINTER(c_void_p), _err]),
    "rc_get_many_loadable": (c_int, [_client, _keys, _size, c_size_t, c_int, POINTER(c_void_p), _err]),
    "rc_set_many_values": (c_int, [_client, _keys, _size, _keys, _size, c_size_t, Timeout, c_int, _err]),
    "rc_get_or_set": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _out, _size, _err]),
    "rc_get_or_set_value": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _out, _size, _err]),
    "rc_incr_version": (c_int, [_client, c_char_p, c_size_t, c_int, c_int, POINTER(c_int), _err]),
    "rc_decr_version": (c_int, [_client, c_char_p, c_size_t, c_int, c_int, POINTER(c_int), _err]),
    "rc_set_many_report": (c_int, [_client, _keys, _size, _keys, _size, c_size_t, Timeout, c_int, _flags, _err]),
    "rc_set_many_values_report": (c_int, [_client, _keys, _size, _keys, _size, c_size_t, Timeout, c_int, _flags, _err]),
    "rc_pexpire": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _err]),
    "rc_pexpire_at": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _err]),
    "rc_replace": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_replace_value": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, Timeout, c_int, _err]),
    "rc_incr_create": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _i64, _err]),
    "rc_keys": (c_int, [_client, c_char_p, c_size_t, c_int, _out, _size, _err]),
    "rc_scan_keys": (c_int, [_client, c_char_p, c_size_t, c_int, POINTER(c_uint64), c_int64, _out, _size, _err]),
    "rc_delete_pattern": (c_int, [_client, c_char_p, c_size_t, c_int, c_int64, _i64, _err]),
    "rc_hset": (c_int, [_client, c_char_p, c_size_t, _keys, _size, _keys, _size, c_size_t, c_int, _i64, _err]),
    "rc_hset_values": (c_int, [_client, c_char_p, c_size_t, _keys, _size, _keys, _size, c_size_t, c_int, _i64, _err]),
    "rc_hdel": (c_int, [_client, c_char_p, c_size_t, _keys, _size, c_size_t, c_int, _i64, _err]),
    "rc_hlen": (c_int, [_client, c_char_p, c_size_t, c_int, _i64, _err]),
    "rc_hkeys": (c_int, [_client, c_char_p, c_size_t, c_int, _out, _size, _err]),
    "rc_hexists": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, c_int, _err]),
    "rc_lock_acquire": (
        c_int,
        [_client, c_char_p, c_size_t, c_int, c_double, c_double, c_int, c_double, c_char_p, c_size_t, _out, _size, _err],
    ),
    "rc_lock_release": (c_int, [_client, c_char_p, c_size_t, c_int, c_char_p, c_size_t, _err]),
    "rc_lock_extend": (c_int, [_client, c_char_p, c_size_t, c_int, c_char_p, c_size_t, c_double, c_int, _err]),
    "rc_lock_reacquire": (c_int, [_client, c_char_p, c_size_t, c_int, c_char_p, c_size_t, c_double, _err]),
    "rc_lock_owned": (c_int, [_client, c_char_p, c_size_t, c_int, c_char_p, c_size_t, _err]),
    "rc_lock_locked": (c_int, [_client, c_char_p, c_size_t, c_int, _err]),
    "rc_zadd": (c_int, [_client, c_char_p, c_size_t, _keys, _size, POINTER(c_double), c_size_t, c_int, c_int, _i64, _err]),
    "rc_zadd_incr": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, c_double, c_int, c_int, _f64, _err]),
    "rc_zincrby": (c_int, [_client, c_char_p, c_size_t, c_double, c_char_p, c_size_t, c_int, _f64, _err]),
    "rc_zcard": (c_int, [_client, c_char_p, c_size_t, c_int, _i64, _err]),
    "rc_zcount": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_char_p, c_int, _i64, _err]),
    "rc_zremrangebyscore": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_char_p, c_int, _i64, _err]),
    "rc_zpopmax": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _out, _size, _err]),
    "rc_zpopmin": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int, _out, _size, _err]),
    "rc_zrange": (c_int, [_client, c_char_p, c_size_t, c_int64, c_int64, c_int, c_int, _out, _size, _err]),
    "rc_zrangebyscore": (
        c_int,
        [_client, c_char_p, c_size_t, c_char_p, c_char_p, c_int64, c_int64, c_int, c_int, _out, _size, _err],
    ),
    "rc_zrank": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, c_int, _i64, _err]),
    "rc_zscore": (c_int, [_client, c_char_p, c_size_t, c_char_p, c_size_t, c_int, _f64, _err]),
    "rc_zrem": (c_int, [_client, c_char_p, c_size_t, _keys, _size, c_size_t, c_int, _i64, _err]),
    "rc_encode_values": (c_int, [_client, _keys, _size, c_size_t, c_int, _out, _err]),
    "rc_decode_values": (c_int, [_client, _keys, _size, c_size_t, _out, _err]),
    "rc_compress_values": (c_int, [_client, _keys, _size, c_size_t, _out, _err]),
    "rc_decompress_values": (c_int, [_client, _keys, _size, c_size_t, _out, _err]),
}

# Status -> exception. Status handling is one function (check) rather than a
# ctypes errcheck, because the message lives in the err out-parameter.
_ERRORS: dict[int, type[RedisClientError]] = {
    RC_ERR_CONFIG: ConfigurationError,
    RC_ERR_CONNECTION: ConnectionError,
    RC_ERR_NOT_FOUND: NotFoundError,
    RC_ERR_NOT_INTEGER: NotIntegerError,
    RC_ERR_CLOSED: ClosedError,
    RC_ERR_INVALID_HANDLE: InternalError,  # the shim only passes rc_open's tokens
    RC_ERR_INVALID_ARGUMENT: InvalidArgumentError,
    RC_ERR_SERVER: CacheError,
    RC_ERR_FORKED: ForkedError,
    RC_ERR_INTERNAL: InternalError,
    RC_ERR_VALUE: ValueCodecError,
}


class Library:
    """The loaded library and the PID that loaded it. Each rc_ function is
    also an attribute (lib.rc_get, ...)."""

    rc_version: Any
    rc_abi_version: Any
    rc_free: Any
    rc_resolve: Any
    rc_resolve_with_settings: Any
    rc_expand_env: Any
    rc_open: Any
    rc_open_with_settings: Any
    rc_close: Any
    rc_health: Any
    rc_get: Any
    rc_set: Any
    rc_add: Any
    rc_delete: Any
    rc_has_key: Any
    rc_incr: Any
    rc_decr: Any
    rc_touch: Any
    rc_expire: Any
    rc_persist: Any
    rc_ttl: Any
    rc_get_many: Any
    rc_set_many: Any
    rc_delete_many: Any
    rc_clear: Any
    rc_get_value: Any
    rc_get_loadable: Any
    rc_set_value: Any
    rc_add_value: Any
    rc_get_many_values: Any
    rc_get_many_loadable: Any
    rc_set_many_values: Any
    rc_get_or_set: Any
    rc_get_or_set_value: Any
    rc_incr_version: Any
    rc_decr_version: Any
    rc_set_many_report: Any
    rc_set_many_values_report: Any
    rc_pexpire: Any
    rc_pexpire_at: Any
    rc_replace: Any
    rc_replace_value: Any
    rc_incr_create: Any
    rc_keys: Any
    rc_scan_keys: Any
    rc_delete_pattern: Any
    rc_hset: Any
    rc_hset_values: Any
    rc_hdel: Any
    rc_hlen: Any
    rc_hkeys: Any
    rc_hexists: Any
    rc_lock_acquire: Any
    rc_lock_release: Any
    rc_lock_extend: Any
    rc_lock_reacquire: Any
    rc_lock_owned: Any
    rc_lock_locked: Any
    rc_zadd: Any
    rc_zadd_incr: Any
    rc_zincrby: Any
    rc_zcard: Any
    rc_zcount: Any
    rc_zremrangebyscore: Any
    rc_zpopmax: Any
    rc_zpopmin: Any
    rc_zrange: Any
    rc_zrangebyscore: Any
    rc_zrank: Any
    rc_zscore: Any
    rc_zrem: Any
    rc_encode_values: Any
    rc_decode_values: Any
    rc_compress_values: Any
    rc_decompress_values: Any

    def __init__(self, dll: ctypes.CDLL, path: str) -> None:
        self.dll = dll
        self.path = path
        self.pid = os.getpid()
        self.free = dll.rc_free
        for name, (restype, argtypes) in SIGNATURES.items():
            fn = getattr(dll, name)
            fn.restype = restype
            fn.argtypes = argtypes
            # Also an attribute of this object: one lookup less per call.
            setattr(self, name, fn)
        abi = dll.rc_abi_version()
        if abi != ABI_VERSION:
            raise LibraryError(
                f"{path}: ABI version {abi}, but this redisclient package needs {ABI_VERSION}"
            )
        version = dll.rc_version()
        self.version = version.decode() if version else ""

    def forked(self) -> bool:
        return os.getpid() != self.pid

    def check_fork(self, op: str) -> None:
        if os.getpid() != self.pid:
            raise ForkedError(
                f"{op}: called in a forked child (library loaded in pid {self.pid}): "
                "create clients after fork()",
                RC_ERR_FORKED,
            )

    def take(self, ptr: Optional[int], size: int) -> bytes:
        """Copies a buffer the library returned and frees it."""
        if not ptr:
            return b""
        try:
            return ctypes.string_at(ptr, size)
        finally:
            self.free(ptr)

    def take_with(self, ptr: Optional[int], size: int, read: Callable[[memoryview], Any]) -> Any:
        """read() of a buffer the library returned, straight from its
        memory (no bytes copy first), then frees it: a large value costs
        the buffer and what read makes of it, not a third copy."""
        if not ptr:
            return read(memoryview(b""))
        try:
            return read(memoryview((ctypes.c_char * size).from_address(ptr)).cast("B"))
        finally:
            self.free(ptr)

    def error(self, status: int, err: c_void_p, reading: Optional[bool] = True) -> RedisClientError:
        """The exception for an error status, freeing the message. An
        RC_ERR_VALUE is ValueDecodeError when reading, else ValueEncodeError
        (reading None: as the message says, for calls that do both)."""
        message = ""
        if err.value:
            try:
                message = ctypes.string_at(err.value).decode("utf-8", "replace")
            finally:
                self.free(err.value)
                err.value = None
        cls = _ERRORS.get(status, InternalError)
        if cls is ValueCodecError:
            if reading is None:
                reading = "decoding" in message
            cls = ValueDecodeError if reading else ValueEncodeError
        return cls(message or f"redisclient status {status}", status)


def candidates() -> list[str]:
    """Where the library is looked for, in order (see load)."""
    here = Path(__file__).resolve().parent
    found: list[str] = []
    for p in (here / LIBRARY_NAME, here / SONAME, here.parent.parent / "lib" / LIBRARY_NAME):
        if p.is_file():
            found.append(str(p))
    system = ctypes.util.find_library("redisclient")
    found.append(system or SONAME)
    return found


_lock = threading.Lock()
_library: Optional[Library] = None


def load() -> Library:
    """Loads the library once: $REDISCLIENT_LIBRARY (a path, no fallback when
    set), next to this package, the checkout's lib/, then the system's."""
    global _library
    lib = _library
    if lib is not None:
        return lib
    with _lock:
        if _library is not None:
            return _library
        explicit = os.environ.get(ENV_LIBRARY)
        if explicit:
            path = os.path.abspath(explicit)
            if not os.path.isfile(path):
                raise LibraryError(f"{ENV_LIBRARY}={explicit}: no such file")
            paths = [path]
        else:
            paths = candidates()
        errors = []
        for path in paths:
            try:
                # CDLL, not PyDLL: calls release the GIL.
                dll = ctypes.CDLL(path)
            except OSError as exc:
                errors.append(f"{path}: {exc}")
                continue
            _library = Library(dll, path)
            return _library
        raise LibraryError(
            "libredisclient.so not found; set REDISCLIENT_LIBRARY to its path (tried: "
            + "; ".join(errors)
            + ")"
        )


def loaded() -> Optional[Library]:
    """The library if it was loaded, without loading it."""
    return _library
