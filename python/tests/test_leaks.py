"""Every buffer the library returns is freed: the C heap (glibc's
mallinfo2, which counts exactly the bytes in use) does not grow over a loop
of calls that each return malloc'd values, arrays or error messages."""

from __future__ import annotations

import ctypes
import gc

from redisclient import Client, InvalidArgumentError, NotFoundError

from .conftest import standalone

NAN = float("nan")  # a timeout the library refuses without I/O


class MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    ]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = MallInfo2


def heap_in_use() -> int:
    gc.collect()
    info = _libc.mallinfo2()
    return info.uordblks + info.hblkhd  # small blocks + mmap'd big blocks


ROUNDS = 2000
VALUE = b"v" * 1000  # a leaked value or array would add >= 1 kB per call
KEYS = [f"k{i}" for i in range(10)]


def workload(c: Client) -> None:
    c.set("k0", VALUE)
    c.get("k0")
    c.get("absent")
    c.get_many(KEYS)
    c.get_or_set("k0", VALUE)
    c.set_many({"k1": VALUE, "k2": VALUE})
    try:
        c.incr("absent")
    except NotFoundError:
        pass
    try:
        c.incr_version("absent")
    except NotFoundError:
        pass
    for _ in range(20):  # cheap: no I/O, but each error returns a message
        try:
            c.set_bytes("k0", VALUE, timeout=NAN)
        except InvalidArgumentError:
            pass
    c.health()
    c.ttl("k0")


def test_no_leak(prefix: str) -> None:
    with Client(standalone(prefix)) as c:
        c.set_many({k: VALUE for k in KEYS})
        for _ in range(200):  # warm up caches, pools and free lists
            workload(c)
        before = heap_in_use()
        for _ in range(ROUNDS):
            workload(c)
        grown = heap_in_use() - before
        c.clear()
    # Per round the loop returns ~15 kB of values and 22 messages (>= 32 B
    # each in malloc's chunks, so >= 1.4 MB in all); a
    # leak of any of them grows the heap by far more than this bound.
    assert grown < 256 * 1024, f"C heap grew by {grown} bytes over {ROUNDS} rounds"
