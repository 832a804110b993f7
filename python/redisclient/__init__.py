"""redisclient: a Redis client that reads a Django CACHES entry.

A thin typed ctypes shim over libredisclient.so. Importing the package does
not load the library; the first Client (or resolve()) does, so pre-fork
servers may import it before they fork. Create clients after fork().

    from redisclient import Client
    with Client(settings.CACHES["default"]) as cache:
        cache.set("k", {"when": datetime.now(timezone.utc)}, timeout=60)
        cache.get("k")          # the dict, as Django's cache.get returns it
        cache.get_bytes("k")    # the stored bytes (Django's pickle)

The library is found through $REDISCLIENT_LIBRARY (a path), then next to
this package, then the checkout's lib/, then the system's library path.
"""

from ._version import __version__
from ._client import DEFAULT_TIMEOUT, Client, Key, RawValue, TimeoutT, Value, resolve
from ._entry import entry_data, expand_env
from ._lock import Lock
from ._values import OpaqueValue, PickledGlobal, PickledObject
from . import errors
from .errors import *  # noqa: F401,F403  (the exceptions, listed in errors.__all__)

__all__ = [
    "Client",
    "resolve",
    "DEFAULT_TIMEOUT",
    "Key",
    "Value",
    "RawValue",
    "TimeoutT",
    "OpaqueValue",
    "PickledGlobal",
    "PickledObject",
    "entry_data",
    "expand_env",
    "Lock",
]
__all__ += errors.__all__
