"""PARITY.md, written from what the suite saw; never edited by hand."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from cases import DIFFERENCES

PACKAGES = ("Django", "django-redis", "redis", "django-ansible-base")


@dataclass
class Record:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # id, reference, ours, verdict
    live: list[tuple[str, str, str]] = field(default_factory=list)  # server, check, result


RECORD = Record()


def write(path: Path) -> None:
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in PACKAGES)
    lines = [
        "# Parity with django-ansible-base",
        "",
        "Written by the parity suite (`make parity`, run by `make test`); do not edit.",
        "",
        f"Reference: {versions}, Python {platform.python_version()}.",
        "Releases up to 2024.8.1, which spelled the options `clustered` / `clustered_hosts`,",
        "are not on PyPI: rows in that spelling are translated for the reference as those",
        "releases read them (`clustered` by truth value, `clustered_hosts` as `redis_hosts`).",
        "",
        "## Configuration",
        "",
        "Each CACHES entry goes through django-ansible-base (the keyword arguments it hands to",
        "redis-py, or the error it raises, without connecting) and through redisclient's",
        "resolve. A row agrees when both refuse it or both give the same effective settings.",
        "",
        "| entry | django-ansible-base | redisclient | verdict |",
        "|---|---|---|---|",
    ]
    for row in RECORD.rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    agree = sum(1 for r in RECORD.rows if r[3] == "agree")
    lines += ["", f"{len(RECORD.rows)} rows: {agree} agree, {len(RECORD.rows) - agree} differ on purpose.", ""]
    lines += ["## Deliberate differences", ""]
    for key, reason in DIFFERENCES.items():
        lines.append(f"- **{key}**: {reason}")
    if RECORD.live:
        lines += ["", "## Live checks", "", "| server | check | result |", "|---|---|---|"]
        for row in RECORD.live:
            lines.append("| " + " | ".join(row) + " |")
    path.write_text("\n".join(lines) + "\n")
