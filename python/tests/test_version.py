"""The package and the library it loads carry the one version of the
repository's VERSION file (core/version_test.go checks the copies)."""

from __future__ import annotations

from pathlib import Path

import redisclient
from redisclient import _native

VERSION = (Path(__file__).resolve().parents[2] / "VERSION").read_text().strip()


def test_package_version() -> None:
    assert redisclient.__version__ == VERSION


def test_library_version() -> None:
    assert _native.load().version == VERSION
