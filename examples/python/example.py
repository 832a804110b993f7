"""Opens a client of the CACHES entry in a JSON file, stores a value for 60
seconds, counts a visit, reads both back and prints what it wrote.

    PYTHONPATH=python REDISCLIENT_LIBRARY=lib/libredisclient.so \\
        python examples/python/example.py entry.json

entry.json is one CACHES entry, as settings.py has it (see examples/caches/).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import redisclient


def main(entry_file: str) -> None:
    with open(entry_file, encoding="utf-8") as f:
        entry: dict[str, Any] = json.load(f)

    with redisclient.Client(entry) as cache:
        cache.set("greeting", "hello from Python", timeout=60)
        greeting: str = cache.get("greeting")  # the Python object, as Django's cache.get
        print(f"greeting = {greeting}")

        # add() writes only when the key is missing, so a rerun keeps counting.
        cache.add("visits", 0, timeout=60)
        visits: int = cache.incr("visits")
        print(f"visits = {visits}")

        # Missing keys are left out.
        found: dict[redisclient.Key, object] = cache.get_many(["greeting", "visits", "nothing"])
        print(f"get_many = {found}")

        print(f"ttl of greeting = {cache.ttl('greeting')} s")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} ENTRY.json")
    main(sys.argv[1])
