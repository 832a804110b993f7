"""README's Python and C snippets run as written, against the standalone
test server, and say what they return: a comment that starts with a Python
literal (up to a ';') is checked as the value of the line before it."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

from .conftest import env, standalone

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def snippet(section: str, lang: str) -> str:
    m = re.search(rf"^## {re.escape(section)}\n.*?```{lang}\n(.*?)```", README, re.S | re.M)
    assert m, f"README.md: no {lang} snippet under ## {section}"
    return m.group(1)


def with_checks(code: str) -> tuple[str, int]:
    """The snippet with every `expr  # literal...` line made an assert."""
    out, checks = [], 0
    for line in code.splitlines():
        stmt, sep, comment = line.partition("  # ")
        if sep:
            try:
                want = ast.literal_eval(comment.split(";")[0].strip())
                ast.parse(stmt.strip(), mode="eval")
            except (ValueError, SyntaxError):
                pass
            else:
                indent = stmt[: len(stmt) - len(stmt.lstrip())]
                line = f"{indent}assert ({stmt.strip()}) == {want!r}, {stmt.strip()!r}"
                checks += 1
        out.append(line)
    return "\n".join(out) + "\n", checks


def test_python_snippet() -> None:
    code, checks = with_checks(snippet("Python usage", "python"))
    assert checks >= 4, code
    entry = standalone(f"readme-{uuid.uuid4().hex[:8]}")
    prelude = (
        "from django.conf import settings\n"
        f"settings.configure(CACHES={{'default': {entry!r}}})\n"
    )
    out = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr + "\n" + code


def test_c_snippet(tmp_path: Path) -> None:
    code = snippet("C usage", "c")
    includes = "".join(l + "\n" for l in code.splitlines() if l.startswith("#include"))
    body = "".join(l + "\n" for l in code.splitlines() if not l.startswith("#include"))
    src = tmp_path / "snippet.c"
    src.write_text(
        "#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n" + includes
        + "int main(int argc, char **argv) {\n"
        + "    const char *entry_json = argv[1];\n    size_t entry_len = strlen(entry_json);\n"
        + "    (void)argc;\n" + body + "    return 0;\n}\n"
    )
    lib = os.path.dirname(os.environ.get("REDISCLIENT_LIBRARY") or str(ROOT / "lib" / "libredisclient.so"))
    subprocess.run(
        ["cc", "-std=c11", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'include'}", str(src),
         "-o", str(tmp_path / "snippet"), f"-L{lib}", "-lredisclient", f"-Wl,-rpath,{lib}"],
        check=True, capture_output=True, text=True,
    )
    entry = json.dumps(standalone(f"readme-c-{uuid.uuid4().hex[:8]}"))
    out = subprocess.run([str(tmp_path / "snippet"), entry], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "hello"
    assert json.loads(lines[1]) == {"name": "ada", "since": {"$date": "2024-05-01"}}


def test_entry_file_snippet(monkeypatch) -> None:
    """The entry file with environment references, expanded as README says."""
    import redisclient

    text = snippet("The entry in a Go or C service", "json")
    monkeypatch.setenv("REDIS_PASSWORD", 'pa"ss')
    monkeypatch.setenv("REDIS_HOST", "cache.internal")
    monkeypatch.delenv("REDIS_PORT", raising=False)
    monkeypatch.setenv("CERTS_DIR", "")
    entry = json.loads(redisclient.expand_env(text))
    assert entry["OPTIONS"]["CLIENT_CLASS_KWARGS"]["ssl_ca_certs"] == "/etc/pki/redis/ca.crt"
    # Resolve reads the CA file: point it at the test CA.
    monkeypatch.setenv("CERTS_DIR", env("RC_TEST_CERTS"))
    settings = redisclient.resolve(json.loads(redisclient.expand_env(text)))
    assert (settings["host"], settings["port"], settings["password"], settings["ssl"]) == ("cache.internal", 6379, 'pa"ss', True)
