"""Lock: redis-py's Lock as django-redis's cache.lock() hands it out, over
the library's rc_lock_* calls (core/lock.go): the same key, the same
token semantics, released only by its holder. A holder here and a holder
in Django exclude each other."""

from __future__ import annotations

import threading
from ctypes import byref, c_size_t, c_void_p
from types import SimpleNamespace, TracebackType
from typing import TYPE_CHECKING, Any, Optional, Type, Union

from ._native import RC_MISS, RC_OK
from .errors import LockError, LockNotOwnedError

if TYPE_CHECKING:
    from ._client import Client

Number = Union[int, float]


def _seconds(what: str, value: Optional[Number], none: float) -> float:
    if value is None:
        return none
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} is a number of seconds, not {type(value).__name__}")
    return float(value)


class Lock:
    """A lock on the cache's key for ``name``, as redis-py's Lock: acquire,
    release, extend, reacquire, locked, owned, and ``with``. The token is
    kept per thread unless ``thread_local=False``, as in redis-py."""

    def __init__(
        self,
        client: "Client",
        name: Any,
        version: Optional[int] = None,
        timeout: Optional[Number] = None,
        sleep: Number = 0.1,
        blocking: bool = True,
        blocking_timeout: Optional[Number] = None,
        thread_local: bool = True,
    ) -> None:
        self._client = client
        self.name = name
        self.version = version
        self.timeout = timeout
        self.sleep = sleep
        self.blocking = blocking
        self.blocking_timeout = blocking_timeout
        self.thread_local = bool(thread_local)
        self.local: Any = threading.local() if self.thread_local else SimpleNamespace()
        self.local.token = None
        _seconds("timeout", timeout, 0.0)  # checked now, as redis-py checks its arguments
        _seconds("sleep", sleep, 0.1)

    @property
    def _token(self) -> Optional[bytes]:
        return getattr(self.local, "token", None)

    def __enter__(self) -> "Lock":
        if self.acquire():
            return self
        raise LockError("Unable to acquire lock within the time specified")

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_value: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.release()

    def acquire(
        self,
        sleep: Optional[Number] = None,
        blocking: Optional[bool] = None,
        blocking_timeout: Optional[Number] = None,
        token: Optional[Union[str, bytes]] = None,
    ) -> bool:
        """Takes the lock; True when taken. Blocking, it tries every
        ``sleep`` seconds until ``blocking_timeout`` would pass (None: no
        limit). The wait happens in the library, without the GIL."""
        c = self._client
        lib = c._check("rc_lock_acquire")
        k = c._key(self.name, self.version)
        if token is None:
            t = b""
        elif isinstance(token, bytes):
            t = token
        else:
            t = str(token).encode("utf-8")
        if blocking is None:
            blocking = self.blocking
        bt = _seconds("blocking_timeout", self.blocking_timeout if blocking_timeout is None else blocking_timeout, -1.0)
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        status = lib.rc_lock_acquire(
            c._h, k, len(k), c._version_of(self.version), _seconds("timeout", self.timeout, 0.0),
            _seconds("sleep", self.sleep if sleep is None else sleep, 0.1), 1 if blocking else 0, bt,
            t or None, len(t), byref(out), byref(n), byref(err),
        )  # fmt: skip
        if status == RC_OK:
            self.local.token = lib.take(out.value, n.value)
            return True
        if status == RC_MISS:
            return False
        raise lib.error(status, err)

    def locked(self) -> bool:
        """True when anyone holds the lock."""
        c = self._client
        lib = c._check("rc_lock_locked")
        k = c._key(self.name, self.version)
        err = c_void_p()
        return c._found(lib, lib.rc_lock_locked(c._h, k, len(k), c._version_of(self.version), byref(err)), err)

    def owned(self) -> bool:
        """True when this holder (this thread's token) has the lock."""
        token = self._token
        if token is None:
            return False
        return self._with_token("rc_lock_owned", token)

    def release(self) -> None:
        """Gives the lock up. LockError when this holder has no token;
        LockNotOwnedError when the lock expired or another holder has it
        (nothing is released then)."""
        token = self._token
        if token is None:
            raise LockError("Cannot release a lock that's not owned or is already unlocked.")
        self.local.token = None
        if not self._with_token("rc_lock_release", token):
            raise LockNotOwnedError("Cannot release a lock that's no longer owned")

    def extend(self, additional_time: Number, replace_ttl: bool = False) -> bool:
        """Adds ``additional_time`` seconds to the lock's time (or makes it
        the time left, with ``replace_ttl``)."""
        token = self._token
        if token is None:
            raise LockError("Cannot extend an unlocked lock")
        if self.timeout is None:
            raise LockError("Cannot extend a lock with no timeout")
        if not self._with_token("rc_lock_extend", token, _seconds("additional_time", additional_time, 0.0), 1 if replace_ttl else 0):
            raise LockNotOwnedError("Cannot extend a lock that's no longer owned")
        return True

    def reacquire(self) -> bool:
        """The lock's time starts again at its timeout."""
        token = self._token
        if token is None:
            raise LockError("Cannot reacquire an unlocked lock")
        if self.timeout is None:
            raise LockError("Cannot reacquire a lock with no timeout")
        if not self._with_token("rc_lock_reacquire", token, _seconds("timeout", self.timeout, 0.0)):
            raise LockNotOwnedError("Cannot reacquire a lock that's no longer owned")
        return True

    def _with_token(self, op: str, token: bytes, *args: Any) -> bool:
        c = self._client
        lib = c._check(op)
        k = c._key(self.name, self.version)
        err = c_void_p()
        status = getattr(lib, op)(c._h, k, len(k), c._version_of(self.version), token, len(token), *args, byref(err))
        return c._found(lib, status, err)

    def __repr__(self) -> str:
        return f"<redisclient.Lock {self.name!r}>"
