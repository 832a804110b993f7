"""A CACHES entry as the JSON the library reads, and the ${VAR} expansion
of an entry file."""

from __future__ import annotations

import os
from ctypes import byref, c_size_t, c_void_p
from typing import Any, Mapping

from . import _native
from .errors import ConfigurationError

DEFAULT_KEY_FUNCTION = "django.core.cache.backends.base.default_key_func"


def _dotted_name(fn: Any) -> str:
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if module and name:
        return f"{module}.{name}"
    return f"a {type(fn).__name__} object"


def entry_data(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The entry as plain JSON data, as Django's settings allow it to be
    written: a KEY_FUNCTION that is Django's default function becomes its
    dotted path (any other callable is refused by name, since Go and C could
    not run it), paths (pathlib) become strings, tuples lists. Anything else
    that JSON cannot carry is a ConfigurationError naming the setting and
    the type, never the value."""
    if not isinstance(entry, Mapping):
        raise TypeError(f"a CACHES entry is a dict, not {type(entry).__name__}")
    return _plain(entry, "")  # type: ignore[no-any-return]


def _plain(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigurationError(f"{where or 'the entry'}: key of type {type(key).__name__}: JSON keys are strings")
            out[key] = _plain(item, f"{where}.{key}" if where else key)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if where == "KEY_FUNCTION" and callable(value):
        name = _dotted_name(value)
        if name == DEFAULT_KEY_FUNCTION:
            return DEFAULT_KEY_FUNCTION
        raise ConfigurationError(
            f"KEY_FUNCTION is {name}: only Django's default key function ({DEFAULT_KEY_FUNCTION}) "
            "makes keys that Go and C make too"
        )
    raise ConfigurationError(f"{where}: a {type(value).__name__} cannot be written as JSON")


def expand_env(text: str) -> str:
    """Replaces the environment references in the JSON text of an entry
    file: ${NAME} is the variable's value (unset is a ConfigurationError),
    ${NAME:-default} the value when set and not empty, else default, and
    $${ a literal ${. References count only inside JSON strings, and each
    value is escaped for its string. The library does it (rc_expand_env, as
    Go's core.ExpandEnv), reading os.environ as it is at the call. Nothing
    expands an entry unless asked: Client and resolve read "${" as is.

        entry = json.loads(redisclient.expand_env(Path("cache.json").read_text()))
    """
    if not isinstance(text, str):
        raise TypeError(f"text is a str, not {type(text).__name__}")
    data = text.encode("utf-8")
    lib = _native.load()
    lib.check_fork("rc_expand_env")
    out, n, err = c_void_p(), c_size_t(), c_void_p()
    status = lib.rc_expand_env(data, len(data), byref(out), byref(n), byref(err))
    if status != _native.RC_OK:
        raise lib.error(status, err)
    return lib.take(out.value, n.value).decode("utf-8")


__all__ = ["entry_data", "expand_env", "DEFAULT_KEY_FUNCTION"]


# The Django settings beside CACHES that the library reads (core.Settings).
DJANGO_SETTINGS = ("DJANGO_REDIS_CONNECTION_FACTORY",)


def settings_data(settings: Any) -> dict[str, Any]:
    """The Django settings beside the entry that the library reads: from a
    mapping of setting names as given (the library refuses a name it does
    not read), or from a settings object or module (django.conf.settings,
    mysite.settings) the ones it sets."""
    if isinstance(settings, Mapping):
        data = dict(settings)
    else:
        data = {name: getattr(settings, name) for name in DJANGO_SETTINGS if hasattr(settings, name)}
    for name, value in data.items():
        if not isinstance(name, str):
            raise ConfigurationError(f"the Django settings: a setting name must be a string, not {type(name).__name__}")
        if value is not None and not isinstance(value, str):
            raise ConfigurationError(f"{name}: must be a dotted path (str), not {type(value).__name__}")
    return data
