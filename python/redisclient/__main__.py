"""python -m redisclient: the CACHES entry of a Django settings module as
the JSON the Go and C libraries read, and the ${VAR} expansion of an entry
file.

    python -m redisclient entry --settings mysite.settings [--alias default] [-o FILE]
    python -m redisclient settings --settings mysite.settings [-o FILE]
    python -m redisclient expand FILE

`entry` imports the settings module (from the current directory too, as
manage.py would), takes CACHES[alias] and prints it as JSON: the entry
itself, password included, so -o writes a file only its owner may read.
It needs neither Django's configuration nor the native library.

`settings` prints the Django settings beside CACHES that the library
reads (DJANGO_REDIS_CONNECTION_FACTORY, when the module sets it) as the
JSON object that rc_open_with_settings and core.ParseSettings take.

`expand` prints an entry file with its ${VAR} references replaced from the
environment (redisclient.expand_env).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from typing import Any, Optional, Sequence

from ._entry import entry_data, expand_env, settings_data
from .errors import RedisClientError


class ExportError(Exception):
    """What the command refuses; the message names the settings, not values."""


def _import_settings(settings_module: str) -> Any:
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(settings_module)
    except ImportError as exc:
        raise ExportError(f"cannot import the settings module {settings_module!r}: {exc}") from None


def module_settings(settings_module: str) -> dict[str, Any]:
    """The settings beside CACHES that the library reads, as the module
    sets them."""
    try:
        return settings_data(_import_settings(settings_module))
    except RedisClientError as exc:
        raise ExportError(f"{settings_module}: {exc}") from None


def settings_entry(settings_module: str, alias: str = "default") -> dict[str, Any]:
    """CACHES[alias] of the settings module, as entry_data makes it."""
    module = _import_settings(settings_module)
    caches = getattr(module, "CACHES", None)
    if not isinstance(caches, dict):
        raise ExportError(f"{settings_module} has no CACHES dict")
    if alias not in caches:
        names = ", ".join(repr(str(k)) for k in caches) or "none"
        raise ExportError(f"{settings_module}.CACHES has no alias {alias!r} (it has {names})")
    try:
        return entry_data(caches[alias])
    except (RedisClientError, TypeError) as exc:
        raise ExportError(f"{settings_module}.CACHES[{alias!r}]: {exc}") from None


def _write(text: str, output: Optional[str]) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    # The entry holds the password: the file is its owner's alone, from the
    # moment it exists.
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m redisclient", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    entry = commands.add_parser("entry", help="print a settings module's CACHES entry as JSON")
    entry.add_argument("--settings", required=True, help="the settings module, e.g. mysite.settings")
    entry.add_argument("--alias", default="default", help="the CACHES alias (default: default)")
    entry.add_argument("-o", "--output", help="write to this file (mode 0600) instead of stdout")
    django = commands.add_parser("settings", help="print the Django settings beside CACHES that the library reads, as JSON")
    django.add_argument("--settings", required=True, help="the settings module, e.g. mysite.settings")
    django.add_argument("-o", "--output", help="write to this file (mode 0600) instead of stdout")
    expand = commands.add_parser("expand", help="print an entry file with its ${VAR}s expanded")
    expand.add_argument("file", help="the entry file (JSON)")
    expand.add_argument("-o", "--output", help="write to this file (mode 0600) instead of stdout")
    args = parser.parse_args(argv)

    try:
        if args.command == "entry":
            text = json.dumps(settings_entry(args.settings, args.alias), indent=2, allow_nan=False) + "\n"
        elif args.command == "settings":
            text = json.dumps(module_settings(args.settings), indent=2) + "\n"
        else:
            with open(args.file, encoding="utf-8") as f:
                text = expand_env(f.read())
    except (ExportError, RedisClientError, OSError, ValueError) as exc:
        print(f"redisclient {args.command}: {exc}", file=sys.stderr)
        return 1
    _write(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
