"""A certificate setting naming a device, a FIFO, a directory or a huge file
is a ConfigurationError naming the setting and the path, at once. Run in a
subprocess with a timeout: before the fix /dev/zero ran the process out of
memory and a FIFO blocked forever."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .conftest import entry, env, tls_kwargs
from .test_process import run_python


def test_tls_files_not_regular(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.pem"
    with open(huge, "wb") as f:
        f.truncate(8 * 1024 * 1024 + 1)  # sparse
    cases = []
    for setting in ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile"):
        for path in ("/dev/zero", "/dev/urandom", str(fifo), str(tmp_path), str(huge)):
            kw = tls_kwargs()
            kw[setting] = path
            cases.append((setting, path, entry(f"rediss://{env('RC_TEST_TLS')}", "tls-files", kw)))
    out = run_python(
        f"""
        import json, time, redisclient
        result = []
        for setting, path, e in json.loads({json.dumps(json.dumps(cases))}):
            for call in (redisclient.resolve, redisclient.Client):
                start = time.monotonic()
                try:
                    call(e)
                    result.append([setting, path, None, "", 0])
                except redisclient.ConfigurationError as exc:
                    result.append([setting, path, type(exc).__name__, str(exc), time.monotonic() - start])
        print(json.dumps(result))
        """,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert len(results) == 2 * len(cases)
    for setting, path, kind, message, seconds in results:
        assert kind == "ConfigurationError", (setting, path)
        assert f'{setting} = "{path}"' in message, message
        assert seconds < 1, (setting, path, seconds)
