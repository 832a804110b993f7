"""Shared set-up of the parity suite: the placeholder files, and the record
that becomes PARITY.md when the session ends."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import report  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # The live checks' keys hold spaces, which Django's memcached warning
    # (and so the shim's CacheKeyWarning) names; django-redis never warns.
    config.addinivalue_line("filterwarnings", "ignore::redisclient.CacheKeyWarning")


@pytest.fixture(scope="session")
def placeholders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("files")
    readable = folder / "readable.pem"
    readable.write_text("not a certificate, only a readable file\n")
    return {"{READABLE}": str(readable), "{MISSING}": str(folder / "missing.pem")}


def fill(value: Any, placeholders: dict[str, str]) -> Any:
    if isinstance(value, str):
        return placeholders.get(value, value)
    if isinstance(value, dict):
        return {k: fill(v, placeholders) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, placeholders) for v in value]
    return value


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run through testenv/with-redis.sh (make parity)")
    return value


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # PARITY.md is committed: only a whole, green run may rewrite it.
    whole = not session.config.getoption("keyword") and not session.config.getoption("markexpr")
    if exitstatus == 0 and whole and report.RECORD.rows:
        report.write(Path(__file__).parent.parent / "PARITY.md")
