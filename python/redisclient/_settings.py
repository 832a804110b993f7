"""What resolve() returns: a dict that prints its password masked."""

from __future__ import annotations

from typing import Any, Dict

_MASKED = "********"


class Settings(Dict[str, Any]):
    """The effective connection settings, as the dict rc_resolve's JSON
    decodes to. The password is in it (``settings["password"]``), and
    ``dict(settings)`` or ``json.dumps(settings)`` hand it on whole; printed
    by accident (repr, str, format, pprint, logging) it shows masked, since a
    password in a log outlives the mistake."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr({k: _MASKED if v and "password" in k.lower() else v for k, v in self.items()})

    __str__ = __repr__

    def copy(self) -> Settings:
        """A copy that prints masked too (dict.copy would return a plain dict)."""
        return Settings(self)
