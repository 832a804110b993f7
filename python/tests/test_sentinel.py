"""django-redis's SentinelClient: the Django settings beside the entry
(settings=), resolve's Sentinel settings, and a live round trip on the
shared Sentinel set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

import redisclient
from redisclient import ConfigurationError

from .conftest import env, sentinel_entry

FACTORY = "django_redis.pool.SentinelConnectionFactory"
SETTINGS = {"DJANGO_REDIS_CONNECTION_FACTORY": FACTORY}
CLIENT = "django_redis.client.SentinelClient"
PYTHON_DIR = str(Path(__file__).resolve().parents[1])


def test_sentinel_client_needs_the_factory(prefix: str) -> None:
    e = sentinel_entry(prefix, CLIENT)
    for call in (lambda: redisclient.resolve(e), lambda: redisclient.Client(e), lambda: redisclient.Client(e, settings={})):
        with pytest.raises(ConfigurationError, match=f'DJANGO_REDIS_CONNECTION_FACTORY = "{FACTORY}"'):
            call()
    with pytest.raises(ConfigurationError, match="DJANGO_REDIS_NOPE"):
        redisclient.resolve(e, settings={"DJANGO_REDIS_NOPE": 1})
    with pytest.raises(ConfigurationError, match="dotted path"):
        redisclient.resolve(e, settings={"DJANGO_REDIS_CONNECTION_FACTORY": 3})


def test_resolve_with_settings(prefix: str) -> None:
    e = sentinel_entry(prefix, CLIENT)
    e["LOCATION"] = "redis://:m%40sterPw@" + env("RC_TEST_SENTINEL_SERVICE") + "/3"
    e["OPTIONS"]["SENTINEL_KWARGS"] = {"password": "Sentin3lPw", "socket_connect_timeout": 2}
    # A dict of names, or a settings object (django.conf.settings, a module).
    for settings in (SETTINGS, types.SimpleNamespace(**SETTINGS, SECRET_KEY="x")):
        s = redisclient.resolve(e, settings=settings)
        assert s["backend"] == CLIENT
        assert (s["mode"], s["role"], s["db"], s["password"]) == ("sentinel", "master", 3, "m@sterPw")
        assert s["service_name"] == env("RC_TEST_SENTINEL_SERVICE")
        assert [[n["host"], n["port"]] for n in s["sentinels"]] == e["OPTIONS"]["SENTINELS"]
        assert [r["role"] for r in s["replicas"]] == ["replica"]
        assert s["sentinel_settings"]["password"] == "Sentin3lPw"
        assert s["sentinel_settings"]["socket_connect_timeout"] == 2
        for shown in (repr(s), str(s)):
            assert "Sentin3lPw" not in shown and "m@sterPw" not in shown


def test_sentinel_round_trip(prefix: str) -> None:
    e = sentinel_entry(prefix, CLIENT)
    with redisclient.Client(e, settings=SETTINGS) as c:
        c.set("k", {"a": 1}, timeout=60)
        deadline = time.monotonic() + 2
        while (got := c.get("k")) is None and time.monotonic() < deadline:  # the replica follows a moment later
            time.sleep(0.01)
        assert got == {"a": 1}
        c.set("n", 5, timeout=None)
        assert c.incr("n", 2) == 7  # incr is a write: the master's answer
        c.close()
        c.set("after-close", "reopened")  # close() keeps the settings for the next call
        assert c.health()["status"] == "good"
        c.delete_many(["k", "n", "after-close"])


def test_export_settings(tmp_path: Path) -> None:
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "__init__.py").write_text("")
    (tmp_path / "mysite" / "settings.py").write_text(textwrap.dedent(f"""
        SECRET_KEY = "not exported"
        DJANGO_REDIS_CONNECTION_FACTORY = "{FACTORY}"
        CACHES = {{}}
    """))
    environ = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    environ.pop("REDISCLIENT_LIBRARY", None)
    out = subprocess.run([sys.executable, "-m", "redisclient", "settings", "--settings", "mysite.settings"],
                         cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == SETTINGS
    (tmp_path / "mysite" / "bare.py").write_text("CACHES = {}\n")
    out = subprocess.run([sys.executable, "-m", "redisclient", "settings", "--settings", "mysite.bare"],
                         cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and json.loads(out.stdout) == {}
