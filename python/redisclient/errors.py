"""Exceptions raised by the shim; each carries the library's message.

The message names the operation and the cause and never holds a password
(the library guarantees it; the shim adds nothing secret).
"""

from __future__ import annotations

import builtins
import pickle

__all__ = [
    "RedisClientError",
    "LibraryError",
    "ConfigurationError",
    "ConnectionError",
    "CacheError",
    "NotFoundError",
    "NotIntegerError",
    "InvalidArgumentError",
    "ValueCodecError",
    "ValueDecodeError",
    "ValueEncodeError",
    "ClosedError",
    "ForkedError",
    "InternalError",
    "CacheKeyWarning",
    "LockError",
    "LockNotOwnedError",
]


class RedisClientError(Exception):
    """Base of every error of this package. ``status`` is the C status code
    (0 for errors the shim raises itself)."""

    status: int = 0

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class LibraryError(RedisClientError, ImportError):
    """libredisclient.so could not be found or loaded, or its ABI differs."""


class ConfigurationError(RedisClientError):
    """The CACHES entry cannot be used; the message names the setting."""


# Also the builtin ConnectionError, so that code written for socket errors
# (``except ConnectionError``, or ``except OSError``) catches it too. Inside
# this module the name shadows the builtin on purpose: it is the one users
# import as ``redisclient.ConnectionError``.
class ConnectionError(RedisClientError, builtins.ConnectionError):  # noqa: A001
    """Redis could not be reached, or a call timed out."""

    def __init__(self, message: str, status: int = 0) -> None:
        # OSError's constructor would read two arguments as (errno, strerror).
        RedisClientError.__init__(self, message, status)

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class CacheError(RedisClientError):
    """Redis answered with an error."""


class NotFoundError(RedisClientError, ValueError):
    """incr/decr of a missing key (Django raises ValueError)."""


class NotIntegerError(RedisClientError, ValueError):
    """incr/decr of a value that is not a 64-bit integer."""


class InvalidArgumentError(RedisClientError, ValueError):
    """An argument the library refused, such as a NaN timeout."""


class ValueCodecError(RedisClientError, ValueError):
    """A value the entry's SERIALIZER/COMPRESSOR cannot read or write."""


class ValueDecodeError(ValueCodecError, pickle.UnpicklingError):
    """A stored value that cannot be decoded: malformed, another codec's
    bytes, past the size limit. It is also a pickle.UnpicklingError, what
    Django's pickle.loads raises for bytes that are no pickle (and a
    ValueError, what its JSON and msgpack serializers raise). get_bytes()
    still reads the raw bytes."""


class ValueEncodeError(ValueCodecError):
    """The entry's serializer cannot write the value (as Django's would
    raise), e.g. a set with the JSON serializer."""


class ClosedError(RedisClientError):
    """The client was closed (also: closed while the call was in flight)."""


class ForkedError(RedisClientError):
    """Called in a forked child of the process that loaded the library.
    Create clients after fork(), in the process that uses them."""


class InternalError(RedisClientError):
    """A bug in the library (a recovered panic) or an unknown status."""


class CacheKeyWarning(RuntimeWarning):
    """A key memcached would refuse (longer than 250 characters, or with
    control characters or spaces), warned about as Django's validate_key
    warns; Redis stores it. When Django is installed the warning is also
    Django's CacheKeyWarning, so that either class catches it."""


class LockError(RedisClientError, ValueError):
    """redis-py's LockError: a lock used as it cannot be (released or
    extended without being held, extended without a timeout, not taken
    within its blocking timeout by ``with``)."""


class LockNotOwnedError(LockError):
    """redis-py's LockNotOwnedError: the lock expired, or another holder
    has it; nothing was changed."""
