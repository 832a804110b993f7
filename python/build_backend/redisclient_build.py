"""PEP 517 build backend of the redisclient package: setuptools, plus the
native library built with Go.

`pip install ./python` and `pip wheel ./python` build libredisclient.so from
the repository's Go sources (capi/build.sh, which also checks its exports
against the header) and put it in the wheel, tagged for the platform it
runs on: manylinux_2_N_ARCH, where 2.N is the newest glibc symbol version
the library needs (a Go c-shared library links against libc only).

Everything happens in a temporary copy of the project, so the checkout is
left as it was: no build/, no egg-info, and no library next to the package
that a later build could pick up stale. An sdist carries the Go sources
(go-src/), so a wheel can be built from it on a machine with Go.

Environment: GO names the go command (default: go on PATH); CC the C
compiler cgo uses.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from setuptools import build_meta as _setuptools

PROJECT = Path(__file__).resolve().parent.parent

# The frontend imported this module from the source tree, and Python cached
# its bytecode there before running it: remove that, so that a build leaves
# the tree exactly as it found it.
shutil.rmtree(Path(__file__).resolve().parent / "__pycache__", ignore_errors=True)
LIBRARY = "libredisclient.so"

# What an sdist carries of the repository to build the library: the C ABI,
# the library it wraps, the header, and the module files. No tests.
GO_SOURCES = ("go.mod", "go.sum", "VERSION", "LICENSE", "include", "capi", "core")


class BuildError(Exception):
    """The wheel cannot be built; the message says what is missing."""


def _go_root() -> Path:
    """The Go sources: the sdist's go-src/, or the checkout around python/."""
    for root in (PROJECT / "go-src", PROJECT.parent):
        if (root / "go.mod").is_file() and (root / "capi" / "build.sh").is_file():
            return root
    raise BuildError(
        f"redisclient: no Go sources to build {LIBRARY} from: looked for go.mod and "
        f"capi/build.sh in {PROJECT / 'go-src'} and {PROJECT.parent}. Build the wheel "
        "from the repository's python/ directory or from an sdist made by this backend."
    )


def _copy_project(dest: Path) -> None:
    """The Python project without caches, tests or a library left in it."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.so.*", ".pytest_cache", "build", "*.egg-info")
    for name in ("pyproject.toml", "README.md", "LICENSE", "build_backend", "redisclient", "go-src"):
        src = PROJECT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=skip, symlinks=False)
        elif src.exists():
            shutil.copyfile(src, dest / name)  # follows the LICENSE link
    if not (dest / "LICENSE").is_file():
        shutil.copyfile(_go_root() / "LICENSE", dest / "LICENSE")


def _copy_go_sources(dest: Path) -> None:
    root = _go_root()
    skip = shutil.ignore_patterns("*_test.go", "testdata", "debug")
    dest.mkdir()
    for name in GO_SOURCES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=skip)
        else:
            shutil.copyfile(src, dest / name)


def _build_library(package_dir: Path, scratch: Path) -> Path:
    go = os.environ.get("GO", "go")
    if shutil.which(go) is None:
        raise BuildError(
            f"redisclient: building {LIBRARY} needs Go 1.26 or later: {go!r} is not on PATH "
            "(install Go, or set GO to the go command)"
        )
    lib_dir = scratch / "lib"
    env = dict(os.environ, LIB_DIR=str(lib_dir), GO=go)
    result = subprocess.run(
        ["bash", "capi/build.sh"], cwd=_go_root(), env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BuildError(f"redisclient: capi/build.sh failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    target = package_dir / LIBRARY
    shutil.copyfile(lib_dir / LIBRARY, target)
    return target


def platform_tag(library: Path) -> str:
    """manylinux_2_N_ARCH for an ELF shared library linked against glibc:
    2.N is the newest GLIBC_ version among its symbol requirements (at least
    2.17, the oldest manylinux pip still targets on x86-64 and aarch64)."""
    data = library.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise BuildError(f"{library}: not a little-endian 64-bit ELF file")
    machine = struct.unpack_from("<H", data, 18)[0]
    arch = {62: "x86_64", 183: "aarch64"}.get(machine)
    if arch is None:
        raise BuildError(f"{library}: ELF machine {machine} has no manylinux tag here")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    newest = (2, 17)
    SHT_GNU_VERNEED = 0x6FFFFFFE
    for _name, kind, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
        if kind != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]

        def string(at: int) -> str:
            end = data.index(b"\0", strtab + at)
            return data[strtab + at : end].decode()

        need = offset
        for _ in range(info):
            _version, count, _file, aux, next_need = struct.unpack_from("<HHIII", data, need)
            entry = need + aux
            for _ in range(count):
                _hash, _flags2, _other, name, next_aux = struct.unpack_from("<IHHII", data, entry)
                version = string(name)
                if version.startswith("GLIBC_") and version[6:].replace(".", "").isdigit():
                    parts = tuple(int(p) for p in version[6:].split("."))
                    newest = max(newest, parts[:2])
                entry += next_aux
                if next_aux == 0:
                    break
            need += next_need
            if next_need == 0:
                break
    return f"manylinux_{newest[0]}_{newest[1]}_{arch}"


@contextmanager
def _staged(with_library: bool) -> Iterator[Path]:
    scratch = Path(tempfile.mkdtemp(prefix="redisclient-build-"))
    cwd = os.getcwd()
    try:
        src = scratch / "src"
        src.mkdir()
        _copy_project(src)
        if with_library:
            # The Go sources are for the sdist only.
            shutil.rmtree(src / "go-src", ignore_errors=True)
            library = _build_library(src / "redisclient", scratch)
            # The package holds no compiled Python, so the wheel stays py3 and
            # abi-free; only its platform follows from the library.
            (src / "setup.cfg").write_text(f"[bdist_wheel]\nplat_name = {platform_tag(library)}\n")
        else:
            if not (src / "go-src").exists():
                _copy_go_sources(src / "go-src")
            (src / "MANIFEST.in").write_text("graft go-src\ngraft build_backend\nglobal-exclude __pycache__ *.py[co]\n")
        os.chdir(src)
        yield src
    finally:
        os.chdir(cwd)
        shutil.rmtree(scratch, ignore_errors=True)


# The pyproject's build-system.requires is all a build needs; setuptools'
# own hooks would run egg_info in the source tree.
def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> list:
    return []


def get_requires_for_build_sdist(config_settings: Optional[dict] = None) -> list:
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None, metadata_directory: Optional[str] = None) -> str:
    wheel_directory = os.path.abspath(wheel_directory)
    with _staged(with_library=True):
        return _setuptools.build_wheel(wheel_directory, config_settings)


def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:
    sdist_directory = os.path.abspath(sdist_directory)
    with _staged(with_library=False):
        return _setuptools.build_sdist(sdist_directory, config_settings)
