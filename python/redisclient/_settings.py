"""What resolve() returns: a dict that prints its password masked."""

from __future__ import annotations

from typing import Any, Dict

_MASKED = "********"


class Settings(Dict[str, Any]):
    """The effective connection settings, as the dict rc_resolve's JSON
    decodes to. The password is in it (``settings["password"]``, and each
    replica's in ``settings["replicas"]``), and ``dict(settings)`` or
    ``json.dumps(settings)`` hand it on whole; printed by accident (repr,
    str, format, pprint, logging) it shows masked, since a password in a log
    outlives the mistake."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(_masked(dict(self)))

    __str__ = __repr__

    def copy(self) -> Settings:
        """A copy that prints masked too (dict.copy would return a plain dict)."""
        return Settings(self)


def _masked(value: Any, key: str = "") -> Any:
    """value with every password under it masked, at any depth."""
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, key) for v in value]
    return _MASKED if value and "password" in key.lower() else value
