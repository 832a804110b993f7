"""python -m redisclient entry (a Django settings module's CACHES entry as
JSON), the entry conversion Client shares with it, and expand_env."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.base import default_key_func

import redisclient
from redisclient import ConfigurationError, expand_env
from redisclient._entry import DEFAULT_KEY_FUNCTION

from .conftest import env

PYTHON_DIR = str(Path(__file__).resolve().parents[1])
PASSWORD = "Sup3r$ecretPw"


def export(site: Path, *args: str) -> subprocess.CompletedProcess:
    environ = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    environ.pop("REDISCLIENT_LIBRARY", None)  # the exporter needs no library
    return subprocess.run(
        [sys.executable, "-m", "redisclient", "entry", *args],
        cwd=site, env=environ, capture_output=True, text=True, timeout=60,
    )


def make_site(tmp_path: Path, caches: str, name: str = "settings") -> Path:
    (tmp_path / "mysite").mkdir(exist_ok=True)
    (tmp_path / "mysite" / "__init__.py").write_text("")
    (tmp_path / "mysite" / f"{name}.py").write_text(textwrap.dedent(caches))
    return tmp_path


def test_export_settings(tmp_path: Path) -> None:
    prefix = f"export-{uuid.uuid4().hex[:8]}"
    site = make_site(tmp_path, f"""
        import os
        from pathlib import Path
        from django.core.cache.backends.base import default_key_func

        CERTS = Path("/etc/certs")
        CACHES = {{
            "default": {{
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": "redis://:{PASSWORD}@" + os.environ["RC_TEST_STANDALONE"] + "/0",
                "KEY_PREFIX": "{prefix}",
                "KEY_FUNCTION": default_key_func,
                "TIMEOUT": None,
                "OPTIONS": {{"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
                            "CLIENT_CLASS_KWARGS": {{"ssl_ca_certs": CERTS / "ca.crt", "socket_timeout": 2.5}}}},
            }},
            "other": {{"LOCATION": "redis://127.0.0.1:1/0", "KEY_FUNCTION": "{DEFAULT_KEY_FUNCTION}"}},
        }}
        """)
    out = export(site, "--settings", "mysite.settings")
    assert out.returncode == 0, out.stderr
    entry = json.loads(out.stdout)
    assert entry == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://:{PASSWORD}@{env('RC_TEST_STANDALONE')}/0",
        "KEY_PREFIX": prefix,
        "KEY_FUNCTION": "django.core.cache.backends.base.default_key_func",
        "TIMEOUT": None,
        "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
                    "CLIENT_CLASS_KWARGS": {"ssl_ca_certs": "/etc/certs/ca.crt", "socket_timeout": 2.5}},
    }
    out = export(site, "--settings", "mysite.settings", "--alias", "other", "-o", "other.json")
    assert out.returncode == 0 and out.stdout == "", out.stderr
    written = site / "other.json"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600, "the entry file is its owner's alone"
    assert json.loads(written.read_text())["KEY_FUNCTION"] == DEFAULT_KEY_FUNCTION

    # The exported entry is what the library reads (the standalone server
    # needs no password; AUTH with one fails there, so drop it).
    entry["LOCATION"] = f"redis://{env('RC_TEST_STANDALONE')}/0"
    with redisclient.Client(entry) as cache:
        cache.set("k", "v", timeout=60)
        assert cache.get("k") == "v"
        cache.delete("k")


@pytest.mark.parametrize(
    "caches, message",
    [
        ("def make_key(key, prefix, version):\n    return key\n"
         "CACHES = {'default': {'LOCATION': 'redis://:PW@127.0.0.1:1/0', 'KEY_FUNCTION': make_key}}",
         "KEY_FUNCTION is mysite.settings.make_key: only Django's default key function"),
        ("CACHES = {'default': {'LOCATION': 'redis://127.0.0.1:1/0', 'KEY_FUNCTION': lambda k, p, v: k}}",
         "KEY_FUNCTION is mysite.settings.<lambda>"),
        ("CACHES = {'default': {'LOCATION': 'redis://127.0.0.1:1/0', 'OPTIONS': {'PASSWORD': b'PW'}}}",
         "CACHES['default']: OPTIONS.PASSWORD: a bytes cannot be written as JSON"),
        ("CACHES = {'default': {'LOCATION': 'redis://127.0.0.1:1/0', 'OPTIONS': {'x': [1, {2, 3}]}}}",
         "OPTIONS.x[1]: a set cannot be written as JSON"),
        ("CACHES = {'main': {}, 'sessions': {}}",
         "mysite.settings.CACHES has no alias 'default' (it has 'main', 'sessions')"),
        ("DEBUG = True", "mysite.settings has no CACHES dict"),
    ],
)
def test_export_refused(tmp_path: Path, caches: str, message: str) -> None:
    out = export(make_site(tmp_path, caches), "--settings", "mysite.settings")
    assert out.returncode == 1 and out.stdout == ""
    assert message in out.stderr, out.stderr
    assert "PW" not in out.stderr, "a refusal never shows a value"


def test_export_import_error(tmp_path: Path) -> None:
    out = export(tmp_path, "--settings", "nosuch.settings")
    assert out.returncode == 1 and "cannot import the settings module 'nosuch.settings'" in out.stderr


def test_client_takes_settings_entry() -> None:
    """Client takes the entry as settings.py holds it: Django's default key
    function as a callable, paths as pathlib objects."""
    entry = {
        "LOCATION": f"redis://{env('RC_TEST_STANDALONE')}/0",
        "KEY_PREFIX": "callable",
        "KEY_FUNCTION": default_key_func,
        "OPTIONS": {"CLIENT_CLASS": "ansible_base.lib.redis.RedisClient",
                    "CLIENT_CLASS_KWARGS": {"ssl_ca_certs": Path("/nonexistent/ca.crt")}},
    }
    settings = redisclient.resolve(entry)
    assert settings["ssl_ca_certs"] == "/nonexistent/ca.crt"
    with redisclient.Client(entry) as cache:
        cache.set("k", "v", timeout=60)
        assert cache.get("k") == "v"
        cache.delete("k")
    with pytest.raises(ConfigurationError, match="KEY_FUNCTION is builtins.len"):
        redisclient.Client({**entry, "KEY_FUNCTION": len})


def test_expand_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RC_PY_EXPAND_HOST", env("RC_TEST_STANDALONE"))
    monkeypatch.setenv("RC_PY_EXPAND_PREFIX", 'we"ird\\')
    monkeypatch.delenv("RC_PY_EXPAND_UNSET", raising=False)
    text = '{"LOCATION": "redis://${RC_PY_EXPAND_HOST}/${RC_PY_EXPAND_UNSET:-0}", "KEY_PREFIX": "${RC_PY_EXPAND_PREFIX}"}'
    entry = json.loads(expand_env(text))
    assert entry == {"LOCATION": f"redis://{env('RC_TEST_STANDALONE')}/0", "KEY_PREFIX": 'we"ird\\'}
    with redisclient.Client(entry) as cache:
        cache.set("k", 1, timeout=60)
        assert cache.get("k") == 1
        cache.delete("k")

    with pytest.raises(ConfigurationError, match="environment variables not set: RC_PY_EXPAND_UNSET") as exc:
        expand_env('{"a": "${RC_PY_EXPAND_UNSET}", "b": "${RC_PY_EXPAND_PREFIX}"}')
    assert "ird" not in str(exc.value)
    # Client reads a reference as it is written.
    assert redisclient.resolve({"LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "${RC_PY_EXPAND_HOST}"})


def test_expand_command(tmp_path: Path) -> None:
    (tmp_path / "entry.json").write_text('{"LOCATION": "redis://${RC_TEST_STANDALONE}/0"}')
    out = subprocess.run(
        [sys.executable, "-m", "redisclient", "expand", "entry.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PYTHONPATH=PYTHON_DIR),
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"LOCATION": f"redis://{env('RC_TEST_STANDALONE')}/0"}
