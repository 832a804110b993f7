"""Behaviour that needs a fresh process: lazy loading and fork(). Each runs
in a subprocess with a timeout, so a hang fails the test instead of the
suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import standalone

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def run_python(code: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_library_loaded_lazily(prefix: str) -> None:
    out = run_python(
        f"""
        import json, sys
        def mapped():
            with open("/proc/self/maps") as f:
                return "libredisclient" in f.read()
        import redisclient
        from redisclient import Client, DEFAULT_TIMEOUT
        after_import = mapped()
        c = Client(json.loads({json.dumps(json.dumps(standalone(prefix)))}))
        after_client = mapped()
        c.close()
        print(json.dumps([after_import, after_client]))
        """
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [False, True], "not mapped at import, mapped by the first Client"


def test_library_path_from_environment() -> None:
    out = run_python(
        """
        import os, redisclient
        os.environ["REDISCLIENT_LIBRARY"] = "/nonexistent/libredisclient.so"
        try:
            redisclient.Client({"LOCATION": "redis://127.0.0.1:1"})
        except redisclient.LibraryError as exc:
            print("LibraryError", exc)
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("LibraryError") and "/nonexistent/libredisclient.so" in out.stdout


def test_fork(prefix: str) -> None:
    # The child must fail at once with ForkedError (the Go runtime is gone),
    # may not be able to open a client either, and must exit 0 even though
    # the client it inherited is garbage-collected there (no native close).
    out = run_python(
        f"""
        import gc, json, os, time
        import redisclient
        c = redisclient.Client(json.loads({json.dumps(json.dumps(standalone(prefix)))}))
        c.set("k", b"parent")
        pid = os.fork()
        if pid == 0:
            code = 0
            t0 = time.monotonic()
            try:
                c.get("k")
                code = 10
            except redisclient.ForkedError as exc:
                if "fork" not in str(exc):
                    code = 11
            if time.monotonic() - t0 > 1:
                code = 12
            try:
                redisclient.Client({{"LOCATION": "redis://127.0.0.1:1"}})
                code = 13
            except redisclient.ForkedError:
                pass
            c.close()
            del c
            gc.collect()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        print(json.dumps([os.waitstatus_to_exitcode(status), c.get("k").decode(), c.closed]))
        c.clear()
        c.close()
        """
    )
    assert out.returncode == 0, out.stderr
    child_exit, parent_value, parent_closed = json.loads(out.stdout)
    assert child_exit == 0, "child exit code: 10 no error, 11 wrong message, 12 slow, 13 opened"
    assert parent_value == "parent", "the parent's client still works after the child closed its copy"
    assert parent_closed is False


def test_fork_native_status(prefix: str) -> None:
    # Past the shim's own PID check, the library must answer a forked child
    # at once with RC_ERR_FORKED, mapped to ForkedError.
    out = run_python(
        f"""
        import json, os
        import redisclient
        from redisclient import _native
        c = redisclient.Client(json.loads({json.dumps(json.dumps(standalone(prefix)))}))
        c.set("k", b"parent")
        pid = os.fork()
        if pid == 0:
            _native.loaded().pid = os.getpid()  # disarm the shim's check
            try:
                c.get("k")
                os._exit(10)
            except redisclient.ForkedError as exc:
                os._exit(0 if exc.status == -9 else 11)
            os._exit(12)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status), c.get("k").decode())
        c.clear()
        c.close()
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "parent"]
